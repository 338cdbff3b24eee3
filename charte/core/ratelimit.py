"""Rate limits for the forms that send an email, create an account or are easy to flood.

Design: a limit counts attempts in fixed windows ("5/h": five an hour), in Django's cache,
which is Redis shared by every process when `REDIS_URL` is set (per process otherwise, so a
deployment with several web processes must set it); on Redis, counting is one round trip, and
`hit_and_read` reads other keys of the cache in that same round trip. Each attempt is counted against every key
the limit names at once: the client's address (read through our trusted proxies), the person
signed in, and the target the form names (an email address, a login), so that neither many
addresses aimed at one mailbox nor one address aimed at many mailboxes gets through. Keys are
keyed hashes: no address or email is written to the cache, even there.

A view calls `check(...)` once the form is valid and before it changes anything; a refusal
is shown next to the form with the time to wait and answered with HTTP 429 and Retry-After
(`refuse`). Sign-in and password re-entry are not counted here: they are slowed down by the
journal (charte.audit.watch), which knows which device is the account's own.

Why our own few lines rather than django-ratelimit: we need one attempt counted against
several keys with the time left until the earliest retry (for the message and Retry-After),
keys taken from a validated form rather than from the raw request, and the client's address
from `charte.core.net`; django-ratelimit's decorator model gives none of these without
wrapping, and its last release predates the Django we run.
"""

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from charte.core.net import client_address

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "10/h" (ten an hour), "5/15m" (five in a quarter of an hour), "600/m", "3/d"."""
        match = RATE.match(text)
        if match is None:
            raise ValueError(f"A rate reads like '10/h' or '5/15m', not {text!r}.")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * UNIT_SECONDS[unit])


@dataclass(frozen=True)
class Limit:
    """What one form allows: per client address, per signed-in person, per target it names."""

    scope: str
    per_address: str = ""
    per_person: str = ""
    per_target: str = ""


@dataclass(frozen=True)
class Refusal:
    scope: str
    retry_after: int  # seconds
    until: datetime

    @property
    def message(self) -> str:
        return _(
            "Trop de demandes en peu de temps : par sécurité, celle-ci n'a pas été faite. "
            "Réessayez %(when)s."
        ) % {"when": retry_phrase(self.until)}


def retry_phrase(until: datetime) -> str:
    """ "dans 3 minutes (à 14:05)": when a refused or slowed attempt may be made again."""
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 60:
        wait = ngettext("dans %(n)d seconde", "dans %(n)d secondes", seconds) % {"n": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("dans %(n)d minute", "dans %(n)d minutes", minutes) % {"n": minutes}
    # Rounded up to the minute, so that "at 14:05" is never a little too early.
    at = timezone.localtime(until + timedelta(seconds=59))
    return _("%(wait)s (à %(time)s)") % {"wait": wait, "time": formats.time_format(at, "H:i")}


def _digest(value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class Window:
    """The current window of a rate on one key: the counter's name and what it allows."""

    scope: str
    name: str
    timeout: int
    allowed: int
    now: float
    end: int

    def refusal(self, count: int) -> Refusal | None:
        if count <= self.allowed:
            return None
        return Refusal(
            scope=self.scope,
            retry_after=max(1, math.ceil(self.end - self.now)),
            until=datetime.fromtimestamp(self.end, tz=timezone.get_current_timezone()),
        )


def window(scope: str, *, key: str, rate: str) -> Window:
    parsed = Rate.parse(rate)
    now = timezone.now().timestamp()
    current = int(now // parsed.seconds)
    return Window(
        scope=scope,
        name=f"charte:ratelimit:{scope}:{_digest(key)}:{current}",
        timeout=parsed.seconds + 1,
        allowed=parsed.count,
        now=now,
        end=(current + 1) * parsed.seconds,
    )


# `hit_and_read` on Redis: the counter created with its window's expiry (SET NX), counted
# (INCRBY), and the other keys read (MGET), in one command. A script rather than a pipeline:
# one round trip either way, and a script costs the web process no pipeline to build.
HIT_AND_READ = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if #KEYS == 1 then return {count} end
return {count, redis.call('MGET', unpack(KEYS, 2))}
"""
_script: Any = None


def hit_and_read(
    scope: str, *, key: str, rate: str, read: list[str], weight: int = 1
) -> tuple[Refusal | None, dict[str, Any]]:
    """`hit`, and the cache's values for the keys `read` (as `cache.get_many`): on Redis in
    one round trip (SET NX with the counter's expiry, INCRBY, MGET, in one script)."""
    current = window(scope, key=key, rate=rate)
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return current.refusal(_count(current.name, weight, current.timeout)), (
            cache.get_many(read) if read else {}
        )
    counter = backend.make_and_validate_key(current.name)
    full = {backend.make_and_validate_key(k): k for k in read}
    # Django's Redis cache has no script of its own: its client and serializer, as it uses them.
    client_cache = backend._cache
    # The primary's client (kept by `charte.core.cache.RedisCache`, Django's builds one a call).
    client = client_cache.get_client(counter, write=True)
    global _script  # one script object per process, as the client pool is
    if _script is None:
        _script = client.register_script(HIT_AND_READ)
    results = _script(keys=[counter, *full], args=[current.timeout, weight], client=client)
    values = dict(zip(full.values(), results[1], strict=True)) if full else {}
    loads = client_cache._serializer.loads  # type: ignore[attr-defined]
    found = {k: loads(v) for k, v in values.items() if v is not None}
    return current.refusal(int(results[0])), found


def _count(name: str, weight: int, timeout: int) -> int:
    """Add `weight` to the counter `name`, created with `timeout`; its new value."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_count(backend, name, weight, timeout)
    cache.add(name, 0, timeout=timeout)
    try:
        return int(cache.incr(name, weight))
    except ValueError:  # expired between the two calls
        cache.set(name, weight, timeout=timeout)
        return weight


def _redis_count(backend: RedisCache, name: str, weight: int, timeout: int) -> int:
    """On Redis, one round trip (SET NX with its expiry and INCRBY, pipelined)."""
    key = backend.make_and_validate_key(name)
    with backend._cache.get_client(key, write=True).pipeline(transaction=False) as pipe:
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incrby(key, weight)
        _created, count = pipe.execute()
    return int(count)


def hit(scope: str, *, key: str, rate: str, weight: int = 1) -> Refusal | None:
    """Count `weight` attempts on `key`; a refusal if it is past the rate in the current window."""
    current = window(scope, key=key, rate=rate)
    return current.refusal(_count(current.name, weight, current.timeout))


def check(limit: Limit, *, request: HttpRequest, target: str = "") -> Refusal | None:
    """Count this attempt against each key of `limit`; the refusal with the latest retry."""
    keys: list[tuple[str, str, str]] = []
    if limit.per_address:
        keys.append(("address", client_address(request) or "", limit.per_address))
    user = getattr(request, "user", None)
    if limit.per_person and user is not None and user.is_authenticated:
        keys.append(("person", str(user.pk), limit.per_person))
    if limit.per_target and target.strip():
        keys.append(("target", target.strip().lower(), limit.per_target))
    refusals = [
        refusal
        for kind, key, rate in keys
        if (refusal := hit(f"{limit.scope}:{kind}", key=key, rate=rate)) is not None
    ]
    return max(refusals, key=lambda r: r.retry_after) if refusals else None


def refuse(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    """Answer 429 Too Many Requests, saying when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response
