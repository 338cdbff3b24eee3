"""What a session knows about its second factor, in one place.

- django-otp's `otp_device_id` names the factor that verified the session; `OTPMiddleware`
  checks on each request that this factor still exists and belongs to the user, so removing
  or resetting a factor ends the verification of every session it verified.
- `REQUIRED` is set at sign-in for a person who must pass a second factor (staff are held to
  it whatever the session says: see `middleware.SecondFactorGate`).
- `PASSWORD_AT` is when the person last proved their password in this session (at sign-in, or
  by typing it again): turning a factor on or off needs a recent proof.
- `FAILURES` counts wrong codes in this session; at `MAX_FAILURES` the session is ended.
"""

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device

REQUIRED = "_second_factor_required"
PREVIOUS_LOGIN = "_second_factor_previous_login"
PASSWORD_AT = "_password_checked_at"  # noqa: S105  # nosec B105 -- a session key's name
FAILURES = "_second_factor_failures"
NEW_CODES = "_second_factor_new_codes"

MAX_FAILURES = 5
PASSWORD_FRESH_FOR = timedelta(minutes=10)


def is_verified(request: HttpRequest) -> bool:
    return getattr(request.user, "otp_device", None) is not None


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session passed its second factor: a new session key, and the factor remembered."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(FAILURES, None)


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def count_failure(request: HttpRequest) -> int:
    failures = int(request.session.get(FAILURES, 0)) + 1
    request.session[FAILURES] = failures
    return failures


def note_password(request: HttpRequest) -> None:
    request.session[PASSWORD_AT] = timezone.now().isoformat()


def password_is_recent(request: HttpRequest) -> bool:
    at = request.session.get(PASSWORD_AT)
    if not at:
        return False
    try:
        return timezone.now() - datetime.fromisoformat(at) < PASSWORD_FRESH_FOR
    except ValueError:
        return False


def previous_login(request: HttpRequest) -> datetime | None:
    at = request.session.get(PREVIOUS_LOGIN)
    try:
        return datetime.fromisoformat(at) if at else None
    except ValueError:
        return None
