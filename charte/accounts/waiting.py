"""Why a closed account waits, told to the person who has just typed its right password.

Design: an account can be closed while it waits for something outside it: an adult's address
not yet confirmed, a child's parent who has not yet agreed. Only someone who typed the right
password learns that the account waits and why (the backend hands the form such an account
only then; a wrong password reads the same for every login, open, closed or unknown). Each app
that closes accounts registers what it knows here (`register`, in its `AppConfig.ready()`):
the first reason that recognises the account is shown, with, when it has one, a way to send
its email again (`resend`, rate-limited by the view).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from charte.accounts.models import User


@dataclass(frozen=True, kw_only=True)
class Waiting:
    message: str
    # What to do, in the reader's words.
    advice: str = ""
    # Sends the email the account waits on again (the person is the actor); None if none.
    resend: Callable[["User"], None] | None = None
    resend_label: str = ""


type Reason = Callable[["User"], Waiting | None]

_reasons: list[Reason] = []


def register(reason: Reason) -> None:
    _reasons.append(reason)


def explain(user: "User") -> Waiting:
    for reason in _reasons:
        waiting = reason(user)
        if waiting is not None:
            return waiting
    return Waiting(
        message=_("Ce compte est fermé."),
        advice=_(
            "Si vous pensez que c'est une erreur, écrivez à notre service client depuis le "
            "formulaire « Signaler un problème »."
        ),
    )


def mask_address(address: str) -> str:
    """An address shown to whoever typed the password: enough to recognise it, not to read it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def unconfirmed_adult(user: "User") -> Waiting | None:
    """An adult who signed up and has not yet followed the link sent to their address."""
    from charte.accounts.queries import awaiting_confirmation

    if not awaiting_confirmation(user):
        return None

    def resend(person: "User") -> None:
        from charte.accounts import actions

        actions.resend_sign_up_link(person=person, actor=person)

    return Waiting(
        message=_(
            "Votre adresse n'est pas encore confirmée : votre compte s'ouvrira quand vous aurez "
            "suivi le lien envoyé le %(date)s à %(address)s."
        )
        % {
            "date": date_format(user.created_at, "DATE_FORMAT"),
            "address": mask_address(user.email or ""),
        },
        advice=_(
            "Cherchez un message de notre part, y compris dans les indésirables. Sans "
            "confirmation, le compte est effacé au bout de trois jours."
        ),
        resend=resend,
        resend_label=_("Renvoyer le lien de confirmation"),
    )
