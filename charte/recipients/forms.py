from django import forms
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.cards import RefusesCardNumbers
from charte.privacy.register import RECIPIENT_BY_CODE, Category


def _authority_categories() -> list[tuple[str, str]]:
    return [(c.value, str(c.label)) for c in RECIPIENT_BY_CODE["public_authority"].categories]


class AuthorityRequestForm(RefusesCardNumbers, forms.Form):
    authority = forms.CharField(label=_("Autorité qui demande"), max_length=200)
    legal_basis = forms.CharField(
        label=_("Fondement légal"),
        max_length=300,
        help_text=_(
            "Le texte ou la décision qui nous oblige à transmettre, par exemple « Code de procédure pénale, art. 60-1 »."
        ),
    )
    reference = forms.CharField(label=_("Référence de la demande"), max_length=120)
    received_on = forms.DateField(
        label=_("Reçue le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    person = forms.CharField(
        label=_("Personne concernée (adresse e-mail ou identifiant)"), max_length=254
    )
    categories = forms.MultipleChoiceField(
        label=_("Données transmises"),
        choices=_authority_categories,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_person(self) -> User:
        login = self.cleaned_data["person"]
        person = User.objects.by_login(login).first()
        if person is None:
            raise forms.ValidationError(
                _("Aucun compte ne correspond à cette adresse ou à cet identifiant.")
            )
        return person

    def clean_categories(self) -> list[Category]:
        return [Category(value) for value in self.cleaned_data["categories"]]
