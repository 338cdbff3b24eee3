from django import forms
from django.utils.translation import gettext_lazy as _

from charte.core.cards import RefusesCardNumbers
from charte.mailings.models import Mailing


class MailingForm(RefusesCardNumbers, forms.Form):
    purpose = forms.ChoiceField(
        label=_("À qui"),
        choices=[
            (
                Mailing.Purpose.NEWSLETTER,
                _("Lettre d'information : aux adultes qui l'ont acceptée"),
            ),
            (
                Mailing.Purpose.REVIEWS,
                _("Invitation à donner son avis : aux adultes qui ont accepté d'être invités"),
            ),
        ],
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Objet"), max_length=150)
    body = forms.CharField(
        label=_("Texte"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Texte brut. Le lien de désinscription et celui de « Mes données » sont ajoutés à "
            "la fin de chaque message, pour chaque destinataire."
        ),
    )
    subject_en = forms.CharField(
        label=_("Objet en anglais (facultatif)"), max_length=150, required=False
    )
    body_en = forms.CharField(
        label=_("Texte en anglais (facultatif)"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Envoyé à ceux qui lisent le site en anglais ; sinon le texte français."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("subject_en")) != bool(data.get("body_en")):
            raise forms.ValidationError(
                _("La version anglaise a besoin d'un objet et d'un texte, ou d'aucun des deux.")
            )
        return data
