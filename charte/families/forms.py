import unicodedata
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.consent_age import COUNTRY_NAMES, DIGITAL_CONSENT_AGE
from charte.accounts.models import Role, User, username_validator
from charte.consent.forms import ConsentFieldsMixin
from charte.consent.purposes import purposes_for_role
from charte.core.cards import RefusesCardNumbers

# Each country in the reader's language (the endonyms of `COUNTRY_NAMES` read in no one's).
READER_COUNTRY_NAMES = {
    "AT": _("Autriche"), "BE": _("Belgique"), "BG": _("Bulgarie"), "CY": _("Chypre"),
    "CZ": _("Tchéquie"), "DE": _("Allemagne"), "DK": _("Danemark"), "EE": _("Estonie"),
    "ES": _("Espagne"), "FI": _("Finlande"), "FR": _("France"), "GR": _("Grèce"),
    "HR": _("Croatie"), "HU": _("Hongrie"), "IE": _("Irlande"), "IS": _("Islande"),
    "IT": _("Italie"), "LI": _("Liechtenstein"), "LT": _("Lituanie"), "LU": _("Luxembourg"),
    "LV": _("Lettonie"), "MT": _("Malte"), "NL": _("Pays-Bas"), "NO": _("Norvège"),
    "PL": _("Pologne"), "PT": _("Portugal"), "RO": _("Roumanie"), "SE": _("Suède"),
    "SI": _("Slovénie"), "SK": _("Slovaquie"),
}  # fmt: skip


def collation_key(text: str) -> str:
    """How a reader orders words: letter case and accents aside ("Égypte" between "Danemark"
    and "France", "Ísland" before "Italia"), which code points alone do not give."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def countries() -> list[tuple[str, str]]:
    """The countries of the table, named and sorted in the active language (read when a form
    is shown, not at start-up)."""
    named = [
        (code, str(READER_COUNTRY_NAMES.get(code, COUNTRY_NAMES[code])))
        for code in DIGITAL_CONSENT_AGE
    ]
    return sorted(named, key=lambda c: collation_key(c[1]))


COUNTRIES = countries


def _clean_birth_date(value: date) -> date:
    today = timezone.localdate()
    if value > today or value.year < today.year - 25:
        raise forms.ValidationError(_("Cette date de naissance ne semble pas juste."))
    return value


class PasswordFields(RefusesCardNumbers, forms.Form):
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Au moins 10 caractères. Une phrase de plusieurs mots est plus facile à retenir."
        ),
    )
    password2 = forms.CharField(
        label=_("Le même mot de passe, encore une fois"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif one:
            try:
                password_validation.validate_password(
                    one, User(first_name=data.get("first_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class UsernameField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=40,
            validators=[username_validator],
            widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
            **kwargs,
        )

    def clean(self, value: Any) -> Any:
        return super().clean((value or "").strip().lower())


class ChildForm(ConsentFieldsMixin, PasswordFields):
    """A parent creates their child's account and, under the age, consents on their behalf."""

    first_name = forms.CharField(
        label=_("Prénom de l'enfant"),
        max_length=80,
        help_text=_("Pour le saluer et pour que son enseignant le reconnaisse."),
    )
    last_name = forms.CharField(
        label=_("Nom de l'enfant"),
        max_length=80,
        required=False,
        help_text=_(
            "Facultatif : utile seulement si l'enseignant doit le distinguer d'un camarade."
        ),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Pour savoir si votre accord est nécessaire : avant 15 ans en France, c'est vous qui "
            "décidez pour votre enfant."
        ),
    )
    username = UsernameField(
        label=_("Identifiant de connexion"),
        help_text=_(
            "Votre enfant se connecte avec cet identifiant, sans adresse e-mail. Évitez son nom "
            "complet : par exemple « ben.m » ou « lecteur-42 »."
        ),
    )
    field_order = ["first_name", "last_name", "birth_date", "username", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_consent_fields(purposes_for_role(Role.PUPIL), grouped=True, for_child=True)
        self.fields["password1"].label = _("Mot de passe de l'enfant")
        self.fields["password1"].help_text = _(
            "Au moins 10 caractères, que vous lui transmettrez. Vous pourrez le changer ici."
        )

    def clean_birth_date(self) -> date:
        return _clean_birth_date(self.cleaned_data["birth_date"])


class PupilSignUpForm(PasswordFields):
    """A pupil signs up alone; under the age, their parent will be asked to agree."""

    first_name = forms.CharField(
        label=_("Ton prénom"),
        max_length=80,
        help_text=_("Pour te saluer. Ton nom n'est pas demandé."),
    )
    birth_date = forms.DateField(
        label=_("Ta date de naissance"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Pour savoir si l'accord de ton parent est nécessaire."),
    )
    country = forms.ChoiceField(
        label=_("Ton pays"),
        choices=COUNTRIES,
        initial="FR",
        help_text=_("L'âge à partir duquel tu décides seul dépend du pays (15 ans en France)."),
    )
    username = UsernameField(
        label=_("Choisis un identifiant"),
        help_text=_("Pour te connecter. N'y mets pas ton nom de famille, ni ton adresse."),
    )
    guardian_email = forms.EmailField(
        label=_("L'adresse e-mail de ton parent"),
        required=False,
        help_text=_(
            "Obligatoire si tu as moins de 15 ans : nous lui écrivons pour qu'il donne son "
            "accord. Ton compte s'ouvrira quand il l'aura fait. Ne mets pas ta propre adresse."
        ),
    )
    field_order = ["first_name", "birth_date", "country", "username", "password1", "password2"]

    def clean_birth_date(self) -> date:
        return _clean_birth_date(self.cleaned_data["birth_date"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        birth, country = data.get("birth_date"), data.get("country") or "FR"
        if birth is not None:
            probe = User(role=Role.PUPIL, birth_date=birth, country=country)
            if probe.needs_guardian(timezone.localdate()) and not data.get("guardian_email"):
                self.add_error(
                    "guardian_email",
                    _("Avant l'âge de consentir seul, l'adresse de ton parent est nécessaire."),
                )
        return data


class InvitationConsentForm(ConsentFieldsMixin):
    def __init__(self, *args: Any, child: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_consent_fields(
            purposes_for_role(Role.PUPIL), grouped=True, child_name=child.first_name
        )
        self.fields["guardian"] = forms.BooleanField(
            label=_("Je suis titulaire de l'autorité parentale sur %(name)s.")
            % {"name": child.first_name},
        )
        self.order_fields(["guardian"])


class GuardianConfirmForm(RefusesCardNumbers, forms.Form):
    def __init__(self, *args: Any, child: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"] = forms.BooleanField(
            label=_("Je suis titulaire de l'autorité parentale sur %(name)s.")
            % {"name": child.first_name},
        )


class RenameForm(RefusesCardNumbers, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    last_name = forms.CharField(label=_("Nom"), max_length=80, required=False)


class ChildFactsForm(RefusesCardNumbers, forms.Form):
    """A guardian corrects what decides whether their child needs their consent."""

    birth_date = forms.DateField(
        label=_("Date de naissance"),
        # A date input reads and writes ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    country = forms.ChoiceField(label=_("Pays de résidence"), choices=COUNTRIES)

    def __init__(self, *args: Any, child: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"birth_date": child.birth_date, "country": child.country})
        super().__init__(*args, **kwargs)
        if child.country not in DIGITAL_CONSENT_AGE:  # a country outside the table, kept
            field = self.fields["country"]
            field.choices = [(child.country, child.country), *countries()]  # type: ignore[attr-defined]

    def clean_birth_date(self) -> date:
        return _clean_birth_date(self.cleaned_data["birth_date"])


class ChildPasswordForm(PasswordFields):
    pass


class InviteGuardianForm(RefusesCardNumbers, forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de l'autre parent"),
        help_text=_(
            "Nous lui envoyons un lien valable 14 jours. Le lien n'est établi que lorsqu'il le "
            "confirme lui-même."
        ),
    )


class LetterCodeForm(RefusesCardNumbers, forms.Form):
    code = forms.CharField(
        label=_("Le code de la lettre"),
        max_length=20,
        help_text=_("Douze lettres et chiffres, en haut de la lettre remise par l'établissement."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
