from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import Role, User
from charte.core import identifiers
from charte.core.cards import RefusesCardNumbers, reject_card_numbers
from charte.core.paths import safe_path
from charte.support.models import Answer, ErrorReport


def local_path(value: object) -> str:
    """The path of one of our pages (`safe_path`), without its query string; empty for
    anything else. A query string can carry what someone searched or typed; the path is
    enough to find the error, so nothing more is kept."""
    return safe_path(value, query=False)[: ErrorReport.PAGE_MAX]


def contact_details_in(text: str) -> bool:
    """An email address or a phone number: a report needs neither, whoever writes it (the one
    detector of `charte.core.identifiers`; a child's text is refused any contact detail)."""
    return bool(identifiers.kinds_in(text) & {identifiers.EMAIL, identifiers.PHONE})


class ReportForm(RefusesCardNumbers, forms.Form):
    """The error-report form: the message and the page; for a visitor, an optional address."""

    message = forms.CharField(
        label=_("Qu'est-ce qui ne va pas ?"),
        max_length=ErrorReport.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[reject_card_numbers],
    )
    page = forms.CharField(
        label=_("Page concernée"),
        max_length=ErrorReport.PAGE_MAX,
        required=False,
        help_text=_(
            "Remplie pour vous avec la page d'où vous venez ; corrigez-la si besoin. "
            "Exemple : /charte/"
        ),
    )
    contact_email = forms.EmailField(
        label=_("Votre adresse e-mail, si vous souhaitez une réponse"),
        required=False,
        help_text=_(
            "Facultative. Elle sert seulement à vous répondre, et elle est effacée avec votre "
            "signalement au bout d'un an. Vous avez moins de 15 ans ? Laissez ce champ vide et "
            "demandez plutôt à un parent de nous écrire."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, viewer: User | Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.signed_in = bool(getattr(viewer, "is_authenticated", False))
        self.is_pupil = self.signed_in and viewer.role == Role.PUPIL
        if self.signed_in:
            del self.fields["contact_email"]  # we know how to reach them, by the rules
        if self.is_pupil:
            self.fields["page"].help_text = _(
                "Remplie pour toi avec la page d'où tu viens ; corrige-la si besoin."
            )

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"]
        if contact_details_in(message):
            raise ValidationError(
                _(
                    "Ton message contient une adresse e-mail ou un numéro de téléphone. "
                    "Retire-le : nous n'en avons pas besoin pour corriger l'erreur."
                )
                if self.is_pupil
                else _(
                    "Votre message contient une adresse e-mail ou un numéro de téléphone. "
                    "Retirez-le : nous n'en avons pas besoin pour corriger l'erreur."
                ),
                code="contact_details",
            )
        return message

    def clean_page(self) -> str:
        raw = self.cleaned_data.get("page", "")
        page = local_path(raw)
        if raw and not page:
            raise ValidationError(
                _("Indiquez le chemin d'une page de ce site, qui commence par « / »."),
                code="page",
            )
        return page


class AnswerForm(RefusesCardNumbers, forms.Form):
    body = forms.CharField(
        label=_("Votre réponse"),
        max_length=Answer.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        validators=[reject_card_numbers],
    )


class QueueFilterForm(RefusesCardNumbers, forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous ceux qui ne sont pas clos")), *ErrorReport.Status.choices],
    )
    age = forms.ChoiceField(
        label=_("Reçus"),
        required=False,
        choices=[
            ("", _("Depuis toujours")),
            ("today", _("Depuis moins de 24 heures")),
            ("week", _("Il y a 1 à 7 jours")),
            ("older", _("Il y a plus de 7 jours")),
        ],
    )
    mine = forms.BooleanField(label=_("Seulement ceux que je traite"), required=False)


class AccountLookupForm(RefusesCardNumbers, forms.Form):
    login = forms.CharField(
        label=_("Adresse e-mail ou identifiant du compte"),
        max_length=254,
        help_text=_("L'adresse ou l'identifiant exact : la recherche ne propose pas de noms."),
    )
