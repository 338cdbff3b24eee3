"""The public forms of the heirs and the trusted person (no account needed)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from charte.core.cards import RefusesCardNumbers
from charte.resources.forms import checked_file, upload_help
from charte.resources.uploads import CheckedFile
from charte.subject_requests.heirs import CLAIM_KINDS
from charte.subject_requests.models import Kind, Relation


class ClaimForm(RefusesCardNumbers, forms.Form):
    relation = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=[
            (Relation.HEIR, _("Un héritier (enfant, conjoint, parent...)")),
            (Relation.TRUSTED_PERSON, _("La personne de confiance qu'il ou elle a désignée")),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Vos prénom et nom"), max_length=160)
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Toutes nos réponses iront à cette adresse, et seulement à elle."),
    )
    login = forms.CharField(
        label=_("Adresse e-mail ou identifiant du compte de la personne décédée"), max_length=254
    )
    last_name = forms.CharField(label=_("Nom de famille de la personne décédée"), max_length=80)
    asks = forms.MultipleChoiceField(
        label=_("Ce que vous demandez, en plus de l'enregistrement du décès"),
        choices=[
            (Kind.ACCESS, _("Une copie de ses données, pour régler la succession")),
            (Kind.ERASURE, _("La fermeture du compte et l'effacement de ses données")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    death_certificate = forms.FileField(label=_("Acte de décès"))
    quality_proof = forms.FileField(
        label=_("Justificatif de votre qualité"),
        help_text=_(
            "Héritier : acte de notoriété, livret de famille ou attestation du notaire. Personne "
            "de confiance : une pièce d'identité à votre nom."
        ),
    )
    details = forms.CharField(
        label=_("Précisions (facultatif)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["death_certificate"].help_text = upload_help(None)

    def clean_asks(self) -> list[str]:
        asks = self.cleaned_data.get("asks") or []
        return [k for k in CLAIM_KINDS if k in asks]

    def clean_death_certificate(self) -> CheckedFile | None:
        return checked_file(self.cleaned_data.get("death_certificate"))

    def clean_quality_proof(self) -> CheckedFile | None:
        return checked_file(self.cleaned_data.get("quality_proof"))


class CodeForm(RefusesCardNumbers, forms.Form):
    code = forms.CharField(
        label=_("Code reçu par e-mail"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
