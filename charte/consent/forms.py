"""Forms that ask for consent: every box starts unticked, and each purpose shows its text."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import Role
from charte.consent.models import ConsentText
from charte.consent.purposes import text_body
from charte.core.cards import RefusesCardNumbers
from charte.privacy import register
from charte.privacy.register import Purpose

REQUIRED_FIELD = "consent_required"


def _help(purpose: Purpose, *, child: bool = False) -> str:
    names = [
        str(r.name)
        for r in register.RECIPIENTS
        if r.code in {x.code for x in register.recipients_of(purpose.code)}
    ]
    text = str(purpose.description_for(child=child))
    if names:
        text += " " + str(_("Destinataires : ")) + ", ".join(names) + "."
    return format_html("{}", text)


class ConsentFieldsMixin(RefusesCardNumbers, forms.Form):
    """Adds one unticked box per purpose (or one box for all required purposes, `grouped`).

    The digest of each text shown travels with the form, so that the record proves which text
    was read; if the text changed meanwhile, the action refuses and the form is shown again.
    """

    def add_consent_fields(
        self,
        purposes: list[Purpose],
        *,
        grouped: bool,
        child_name: str = "",
        for_child: bool = False,
    ) -> None:
        """`for_child`: a guardian consents for a child (named `child_name` when known): the
        labels speak of the child, and what the account needs is one box (`grouped`)."""
        for_child = for_child or bool(child_name)
        self.consent_purposes = purposes
        self.consent_grouped = grouped
        self.required_purposes = [p for p in purposes if not p.separable]
        self.optional_purposes = [p for p in purposes if p.separable]
        language = translation.get_language()
        for purpose in purposes:
            self.fields[f"text_{purpose.code}"] = forms.CharField(
                widget=forms.HiddenInput,
                initial=ConsentText.digest(text_body(purpose.code, language)),
                required=False,
            )
        self.consent_child_name = child_name
        if grouped and self.required_purposes:
            if for_child and child_name:
                label = _(
                    "J'ai lu la charte et j'accepte que les données de %(name)s soient traitées "
                    "pour les finalités ci-dessus, nécessaires au fonctionnement de son compte."
                ) % {"name": child_name}
            elif for_child:
                label = str(
                    _(
                        "J'ai lu la charte et j'accepte que les données de mon enfant soient "
                        "traitées pour les finalités ci-dessus, nécessaires au fonctionnement "
                        "de son compte."
                    )
                )
            else:
                label = str(
                    _(
                        "J'ai lu la charte et j'accepte que mes données soient traitées pour "
                        "les finalités ci-dessus, nécessaires au fonctionnement de mon compte."
                    )
                )
            self.fields[REQUIRED_FIELD] = forms.BooleanField(required=True, label=label)
        for purpose in purposes:
            if grouped and not purpose.separable:
                continue
            name = purpose.name_for(child=for_child)
            if child_name and not purpose.separable:
                label = _("J'accepte, pour %(name)s : %(purpose)s") % {
                    "name": child_name,
                    "purpose": name,
                }
            elif child_name:
                label = _("Facultatif, pour %(name)s : %(purpose)s") % {
                    "name": child_name,
                    "purpose": name,
                }
            elif for_child:
                label = _("Facultatif, pour mon enfant : %(purpose)s") % {"purpose": name}
            elif purpose.separable:
                label = _("Facultatif : %(purpose)s") % {"purpose": purpose.name}
            else:
                label = _("J'accepte : %(purpose)s") % {"purpose": purpose.name}
            self.fields[f"consent_{purpose.code}"] = forms.BooleanField(
                required=not purpose.separable,
                label=label,
                help_text=_help(purpose, child=for_child),
            )
        # What the account needs, as the grouped box lists it (about the child, for a child).
        self.required_lines = [
            (p.name_for(child=for_child), p.description_for(child=for_child))
            for p in self.required_purposes
        ]

    def consent_choices(self) -> tuple[dict[str, bool], dict[str, str]]:
        data = self.cleaned_data
        choices: dict[str, bool] = {}
        for purpose in self.consent_purposes:
            if self.consent_grouped and not purpose.separable:
                choices[purpose.code] = bool(data.get(REQUIRED_FIELD))
            else:
                choices[purpose.code] = bool(data.get(f"consent_{purpose.code}"))
        texts = {p.code: data.get(f"text_{p.code}") or "" for p in self.consent_purposes}
        return choices, texts

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("consent_")]


class QuestionsForm(ConsentFieldsMixin):
    """The questions asked at sign-in: a consent to give oneself, or to renew."""

    def __init__(self, *args: Any, purposes: list[Purpose], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_consent_fields(purposes, grouped=False)


class SignUpForm(ConsentFieldsMixin):
    """Sign-up for parents, teachers and school staff; each field says what it is for."""

    ROLES = [
        (Role.PARENT.value, _("Parent")),
        (Role.TEACHER.value, _("Enseignant")),
        (Role.SCHOOL_STAFF.value, _("Personnel d'un établissement scolaire")),
    ]

    role = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=ROLES,
        widget=forms.RadioSelect,
        help_text=_("Pour vous montrer ce qui vous concerne (finalité : votre compte)."),
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=80,
        help_text=_("Pour vous saluer et vous présenter à vos élèves ou à vos enfants."),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=80,
        help_text=_("Pour que l'établissement ou vos enfants vous reconnaissent."),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_(
            "Pour vous connecter, retrouver votre mot de passe et recevoir les messages du "
            "service (et ceux qui concernent vos enfants)."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 10 caractères. Il n'est conservé que sous forme hachée."),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        max_length=32,
        required=False,
        help_text=_(
            "Facultatif : seulement pour que le service client puisse vous rappeler si vous le "
            "demandez."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, role: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from charte.consent.purposes import purposes_for_role

        chosen = self.data.get("role") or role
        if chosen not in {value for value, _label in self.ROLES}:
            chosen = Role.PARENT
        self.add_consent_fields(purposes_for_role(chosen), grouped=True)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password
