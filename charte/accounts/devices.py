""" "Mes appareils": a person's open sessions, described in plain words.

Design: what a session shows (its browser and system, an approximate address, when it began
and was last active) is kept inside the session's own data under `DEVICE_KEY`, written with
the "last seen" stamp (at most once per period, see `middleware.LastActivityMiddleware`), so it
costs no query of its own and goes when the session goes. The address is cut to its network
(/24 in IPv4, /48 in IPv6) before it is stored: enough for "Lyon or elsewhere", not a device.
A session is named on the page by a keyed digest of its key, never by the key itself (the key
is the bearer secret of the session).
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Session, User
from charte.accounts.sessions import SessionStore

DEVICE_KEY = "_device"

# (pattern, name), most specific first: Edge and Opera say "Chrome" too, Chrome says "Safari".
BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chromium/"), "Chromium"),
    (re.compile(r"Chrome/|CriOS/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
SYSTEMS = (
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"Linux"), "Linux"),
)


def describe(user_agent: str) -> str:
    """ "Firefox sur Windows", "Safari sur iPhone", or "Navigateur inconnu"."""
    browser = next((name for pattern, name in BROWSERS if pattern.search(user_agent)), None)
    system = next((name for pattern, name in SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return _("%(browser)s sur %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Navigateur inconnu")


def network_of(ip: str | None) -> str:
    """The network an address belongs to, written as people read it: "203.0.113.x"."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return ""
    if address.version == 4:
        return ".".join(str(address).split(".")[:3]) + ".x"
    network = ipaddress.ip_network(f"{address}/48", strict=False)
    return f"{network.network_address.compressed.rstrip(':')}:…"


def note_device(request: HttpRequest, *, at: datetime) -> None:
    """Keep what "Mes appareils" shows about this session (called with the last-seen stamp)."""
    meta = audit.request_meta(request)
    previous = request.session.get(DEVICE_KEY) or {}
    request.session[DEVICE_KEY] = {
        "ua": meta["user_agent"],
        "net": network_of(meta["ip"]),
        "since": previous.get("since") or at.isoformat(),
        "seen": at.isoformat(),
    }


def handle(session_key: str) -> str:
    return salted_hmac("charte.accounts.devices", session_key, algorithm="sha256").hexdigest()[:24]


@dataclass(frozen=True)
class Device:
    handle: str
    description: str
    network: str
    since: datetime | None
    seen: datetime | None
    current: bool
    session_key: str


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def open_sessions(user: User, *, current_key: str | None) -> list[Device]:
    """The person's unexpired sessions, this one first, then the most recently active."""
    store: SessionBase = SessionStore()
    devices = []
    for session in Session.objects.filter(user=user, expire_date__gt=timezone.now()):
        data = store.decode(session.session_data)
        device = data.get(DEVICE_KEY) or {}
        devices.append(
            Device(
                handle=handle(session.session_key),
                description=describe(str(device.get("ua", ""))),
                network=str(device.get("net", "")),
                since=_when(device.get("since")),
                seen=_when(device.get("seen")),
                current=session.session_key == current_key,
                session_key=session.session_key,
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    by_activity = sorted(devices, key=lambda d: d.seen or oldest, reverse=True)
    return sorted(by_activity, key=lambda d: not d.current)


def find(user: User, device_handle: str) -> Session | None:
    """The person's session named by `device_handle`, if it is one of theirs."""
    for session in Session.objects.filter(user=user, expire_date__gt=timezone.now()):
        if constant_time_compare(handle(session.session_key), device_handle):
            return session
    return None
