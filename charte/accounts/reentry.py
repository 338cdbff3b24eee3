"""A password typed again by a signed-in person: checked, journalled and slowed like a sign-in.

Design: a session can be stolen (a shared school computer left open, a borrowed phone), and
the pages that ask for the password again (to change it, to open a request about one's data,
to change one's email address) are then the thief's way to guess it. So each attempt goes
through `check_again`, which every such form calls from its `clean`:
- while the account's sign-in is slowed down (charte.audit.watch), the password is not
  checked; the form says until when, and the first such attempt of each delay is journalled
  (`auth.login_blocked`);
- a wrong password is journalled as `auth.reentry_failed`, which the watch counts exactly as a
  failed sign-in: from the device the person signed in from, it slows that device down; from a
  device the account does not know (a stolen session cookie), it slows the strangers down;
- a right one is journalled as `auth.reentry`, and ends the count like a successful sign-in.
"""

import math
import re
from datetime import datetime

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte import audit
from charte.accounts import trusted_devices
from charte.accounts.models import User
from charte.accounts.receivers import login_digest
from charte.audit import events, watch
from charte.audit.watch import Lock
from charte.core.ratelimit import retry_phrase

PURPOSE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

WRONG = _("Ce n'est pas le bon mot de passe.")
SLOWED = {
    "account": _(
        "Trop de mots de passe erronés pour ce compte : par sécurité, votre mot de passe ne "
        "sera vérifié à nouveau que %(when)s."
    ),
    "device": _(
        "Trop de mots de passe erronés sur cet appareil : par sécurité, votre mot de passe ne "
        "sera vérifié à nouveau que %(when)s."
    ),
    "address": _(
        "Trop de mots de passe erronés depuis votre réseau : par sécurité, votre mot de passe "
        "ne sera vérifié à nouveau que %(when)s."
    ),
}


def slowed_error(lock: Lock) -> forms.ValidationError:
    return forms.ValidationError(
        SLOWED.get(lock.scope, SLOWED["account"]),
        code="slowed",
        params={"when": retry_phrase(lock.until), "until": lock.until},
    )


def check_again(*, request: HttpRequest, user: User, password: str, purpose: str) -> None:
    """Check the password `user` typed again; raise a ValidationError if it is refused.

    `purpose` names the form in the journal ("password_change", "subject_request"...). The
    error's code is "wrong" for a wrong password and "slowed" while tries must wait.
    """
    if not PURPOSE.match(purpose):
        raise ValueError(f"`purpose` is a short code such as 'password_change', not {purpose!r}.")
    meta = audit.request_meta(request)
    device = trusted_devices.trusted_device(request, user)
    data: dict[str, str] = {"purpose": purpose}
    if device:
        data["device"] = device
    lock = watch.current_lock(
        account=user,
        login_digest=login_digest(user.get_username() or ""),
        ip=meta["ip"],
        device=device,
    )
    if lock is not None:
        watch.record_refusal(lock, actor=user, subject=user, data=data, meta=meta)
        raise slowed_error(lock)
    if not user.check_password(password):
        audit.record(event=events.REENTRY_FAILED, actor=user, subject=user, data=data, meta=meta)
        raise forms.ValidationError(WRONG, code="wrong")
    audit.record(event=events.REENTRY, actor=user, subject=user, data=data, meta=meta)


def slowed_until(form: forms.Form) -> datetime | None:
    """When the form was refused because tries must wait: until when."""
    for errors in form.errors.as_data().values():
        for error in errors:
            if error.code == "slowed" and isinstance(error.params, dict):
                until = error.params.get("until")
                return until if isinstance(until, datetime) else None
    return None


def answer_too_soon(response: HttpResponse, form: forms.Form) -> HttpResponse:
    """A form refused because tries must wait is answered 429 Too Many Requests, Retry-After."""
    until = slowed_until(form)
    if until is not None:
        response.status_code = 429
        seconds = math.ceil((until - timezone.now()).total_seconds())
        response["Retry-After"] = str(max(1, seconds))
    return response
