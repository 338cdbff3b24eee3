"""Connect sign-in to the persistent sign-in choice ("Rester connecté")."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation

from charte.accounts.models import User
from charte.cookies import actions, catalogue, queries, tcf
from charte.cookies.models import Action, Method

REMEMBER_FIELD = "remember_me"


@receiver(user_logged_in)
def remember_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Ticking "Rester connecté" is the person's consent to the persistent sign-in cookie.

    The box says so next to it; the consent is recorded like any other, and the session then
    lasts as long as the register says. Without the tick the session ends with the browser,
    whatever was chosen before.
    """
    if request is None or request.method != "POST" or not request.POST.get(REMEMBER_FIELD):
        return
    previous = queries.consent_of(request)
    choice = previous.effective().with_category("sign_in", vendors=tcf.configured_vendors())
    _, consent = actions.record_choice(
        choice=choice,
        action=Action.GRANT,
        method=Method.SIGN_IN,
        previous=previous,
        user=user,
        actor=user,
        gpc=queries.gpc_sent(request),
        language=translation.get_language() or "fr",
        user_agent=request.headers.get("User-Agent", ""),
    )
    queries.remember(request, consent)
    request.session.set_expiry(catalogue.sign_in_max_age())
