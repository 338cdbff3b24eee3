"""Connect Django's authentication signals to the journal (security events, charter §6)."""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from charte import audit
from charte.accounts import trusted_devices
from charte.accounts.models import User
from charte.core.actors import ANONYMOUS


def login_digest(login: str) -> str:
    """A keyed hash of a typed login: failures can be counted per login without storing it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, login.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


@receiver(user_logged_in)
def journal_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Journal the sign-in, and remember the device it came from (charte.accounts.trusted_devices)."""
    meta = audit.request_meta(request) if request is not None else None
    data = trusted_devices.signed_in(request, user) if request is not None else {}
    audit.record(event="auth.login", actor=user, subject=user, data=data, meta=meta)


@receiver(user_logged_out)
def journal_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        meta = audit.request_meta(request) if request is not None else None
        audit.record(event="auth.logout", actor=user, subject=user, meta=meta)


@receiver(user_login_failed)
def journal_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    login = str(credentials.get("username") or credentials.get("email") or "")
    account = User.objects.by_login(login).first() if login else None
    meta = audit.request_meta(request) if request is not None else None
    data = {"login": login_digest(login)}
    # From a device that signed in to this account before: counted apart (charte.audit.watch).
    if device := trusted_devices.trusted_device(request, account):
        data["device"] = device
    audit.record(event="auth.login_failed", actor=ANONYMOUS, subject=account, data=data, meta=meta)
