"""The device cookie: a device that signed in to an account before keeps its way in.

Design: at every successful sign-in the browser receives (or keeps) a signed cookie naming
the account, by its public id, with a random number of its own. A sign-in or a password typed
again from a browser that holds such an entry for that account comes from a "trusted device":
it is slowed down only by that device's own failures, never by a stranger's, nor by the
failures of the address it shares with a whole school (charte.audit.watch). Whoever
hammers an account from elsewhere slows down the strangers only; its owner, at home, gets in.

The cookie proves nothing about who is typing: it is not a way in, only a way around the
delays the watch puts on strangers, and the password is always checked. It cannot be forged
(signed with SECRET_KEY) nor moved to another account (it names it). A device that fails
again and again is slowed down by itself.

One cookie holds up to `MAX_ACCOUNTS` accounts (a school computer shared by a class), each
for a year after its last sign-in; the oldest go first. The journal records a keyed hash of
the device's random number (`device` in the sign-in entries), never the cookie itself. The
cookie is declared in the register (strictly necessary: it protects the sign-in).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from charte.accounts.models import User

# The name the cookie categories declare (charte.cookies.categories); on the wire it carries the
# production prefix ("__Host-") like every cookie of ours.
DEVICE_COOKIE = "charte_device"
SALT = "charte.accounts.devices"
LIFETIME = timedelta(days=365)
MAX_ACCOUNTS = 20
_READ = "_charte_devices"
_CHANGED = "_charte_devices_changed"


@dataclass(frozen=True)
class Device:
    account: str  # the account's public id, in hex
    nonce: str
    day: int  # the day (since the epoch) of its last sign-in


def cookie_name() -> str:
    return f"{settings.CHARTE_COOKIE_PREFIX}{DEVICE_COOKIE}"


def _today() -> int:
    return int(timezone.now().timestamp() // 86400)


def _account_key(account: User) -> str:
    return account.public_id.hex if getattr(account, "public_id", None) else ""


def digest(nonce: str) -> str:
    """How the journal names a device: a keyed hash of its random number."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"device:{nonce}".encode(), hashlib.sha256).hexdigest()[:24]


def _read(request: HttpRequest) -> list[Device]:
    if hasattr(request, _READ):
        return list(getattr(request, _READ))
    devices: list[Device] = []
    raw = request.COOKIES.get(cookie_name(), "")
    if raw:
        try:
            value = signing.loads(raw, salt=SALT, max_age=LIFETIME)
        except signing.BadSignature:
            value = []
        oldest = _today() - LIFETIME.days
        if isinstance(value, list):
            for item in value[:MAX_ACCOUNTS]:
                if (
                    isinstance(item, list)
                    and len(item) == 3
                    and isinstance(item[0], str)
                    and isinstance(item[1], str)
                    and isinstance(item[2], int)
                    and item[2] >= oldest
                ):
                    devices.append(Device(account=item[0], nonce=item[1], day=item[2]))
    setattr(request, _READ, devices)
    return list(devices)


def trusted_device(request: HttpRequest | None, account: User | None) -> str | None:
    """The journal's name for this device if it signed in to `account` before, else None."""
    if request is None or account is None:
        return None
    key = _account_key(account)
    for device in _read(request):
        if key and device.account == key:
            return digest(device.nonce)
    return None


def signed_in(request: HttpRequest, account: User) -> dict[str, str]:
    """Remember this device for `account` after a successful sign-in; the sign-in's journal data.

    `{"device": ...}` when the device was already trusted, `{"new_device": ...}` when it just
    became so: the watch tells a stranger's success from a known device's by this key.
    """
    key = _account_key(account)
    if not key:
        return {}
    devices = _read(request)
    known = next((d for d in devices if d.account == key), None)
    nonce = known.nonce if known is not None else secrets.token_urlsafe(12)
    kept = [d for d in devices if d.account != key]
    remembered = [Device(account=key, nonce=nonce, day=_today()), *kept][:MAX_ACCOUNTS]
    setattr(request, _READ, remembered)
    setattr(request, _CHANGED, True)
    return {"device" if known is not None else "new_device": digest(nonce)}


def write_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Set the cookie when a sign-in during this request changed it (called by the middleware)."""
    if not getattr(request, _CHANGED, False):
        return
    value = signing.dumps(
        [[d.account, d.nonce, d.day] for d in _read(request)], salt=SALT, compress=True
    )
    response.set_cookie(
        cookie_name(),
        value,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
