"""The watch: rules that read the journal as it is written, slow sign-ins down and raise alerts.

Design: the journal is the only state. Failures, delays and reads are entries already, so
counting them needs no second store, works the same across web processes and workers without
a shared cache, survives restarts, and leaves what an auditor needs in one place. Every rule
looks back over a short window through the `at` index (and the actor or subject index), so it
costs a few indexed counts on the events it watches and nothing on the others.

Sign-in, and every password typed again, is slowed down, never locked for everyone: a lock
anyone can trigger is a way to shut an account, or a school, out. So failures only make the
next try wait, and the wait doubles with each failure; meanwhile a try is refused without its
password being checked, saying until when. Three counts, kept apart:
- an account, for strangers: failures on it (or on one typed login with no account, so that
  a delay tells nothing about which logins exist) from devices it never signed in from, since
  the last success from such a device or its password's reset. After `account_failures`, each
  new try waits `first_delay`, doubled at each further failure, up to `longest_delay`;
- a device the account signed in from before (the signed device cookie, charte.accounts.
  devices): its own failures on that account, counted and slowed the same way, apart. A
  stranger's failures never slow it down, so the owner still gets in during an attack;
- an address: how many different logins failed from it, still unresolved (the person did not
  sign in from there afterwards), within `address_window`. A whole class behind a school's one
  address mistypes, then signs in: that resolves its failures. Spraying guesses over many
  accounts does not: past `address_logins` of them, strangers' tries from the address wait,
  doubling, up to `address_longest_delay`. A device trusted by the account it signs in to is
  never slowed by its address.
A delay on an account, a device or an address alerts IT and the DPO (at most once an hour
for the same account or address).

The other rules (thresholds in `Policy`):
- a staff account reading unusually many people's data: more distinct people within an hour
  than both a floor and a multiple of its own busiest hour of the past month;
- an archive downloaded from an address (network) that the account never used before, for a
  sign-in more than a day earlier or for another download;
- a role changed to a staff role (privileges granted).
A delay ends by itself; an account's (and its devices') ends early when its password is reset
(the person proved they hold the mailbox).
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, Exists, F, Max, OuterRef, Q, When
from django.db.models.fields.json import KT
from django.db.models.functions import TruncHour
from django.utils import timezone

from charte.audit import events
from charte.audit.alerts import WATCH, raise_alert
from charte.audit.chain import normalise_ip
from charte.audit.journal import RequestMeta, record
from charte.audit.models import Entry, entry_number
from charte.core.actors import Actor, SystemActor, person_ref

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["POLICY", "WATCH", "Lock", "Policy", "current_lock", "look_at", "record_refusal"]


@dataclass(frozen=True)
class Policy:
    account_failures: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    longest_delay: timedelta = timedelta(hours=1)
    failure_window: timedelta = timedelta(days=1)
    address_logins: int = 30
    address_window: timedelta = timedelta(hours=1)
    address_longest_delay: timedelta = timedelta(minutes=15)
    staff_reads_floor: int = 40
    staff_reads_factor: int = 3
    staff_reads_window: timedelta = timedelta(hours=1)
    baseline: timedelta = timedelta(days=30)
    known_address_age: timedelta = timedelta(days=1)
    alert_once_per: timedelta = timedelta(hours=1)

    def delay(self, beyond: int, *, longest: timedelta) -> timedelta:
        """The wait after a failure `beyond` failures past the threshold (0 for the first)."""
        return min(self.first_delay * 2 ** min(beyond, 30), longest)


POLICY = Policy()


@dataclass(frozen=True)
class Lock:
    """A try refused until `until`: scope "account" (strangers), "device" or "address"."""

    scope: str
    until: datetime
    seq: int | str = 0  # the journal entry that set this delay (its `Entry.number`)
    refused_before: bool = False  # a try refused during this delay is journalled already


def _meta(entry: Entry) -> RequestMeta | None:
    return {"ip": entry.ip, "user_agent": entry.user_agent} if entry.ip else None


# Sign-in delays -----------------------------------------------------------------------------

# Entries written for a device the account signed in from before (charte.accounts.trusted_devices).
FROM_KNOWN_DEVICE = Q(data__has_key="device")


def _account_q(account: "AbstractBaseUser | None", login_digest: str) -> Q:
    if account is not None:
        return Q(subject_ref=person_ref(account))
    return Q(subject_ref="", data__login=login_digest)


def _until(at: datetime, data: dict[str, Any]) -> datetime:
    seconds = data.get("seconds")
    if not isinstance(seconds, int):  # entries written before delays were progressive
        seconds = int(data.get("minutes", 15)) * 60
    return at + timedelta(seconds=seconds)


def current_lock(
    *,
    account: "AbstractBaseUser | None",
    login_digest: str,
    ip: str | None,
    device: str | None = None,
) -> Lock | None:
    """The delay that refuses a try at this account's password now, if any (the latest-ending).

    `device` is the journal's name for the requesting device when the account signed in from
    it before (charte.accounts.trusted_devices.trusted_device): then only that device's own delay
    counts, never the strangers' nor the address's. One query, since scripts call this by
    the thousand: the delays, the password resets that end them, and the refusals already
    journalled for them.
    """
    now = timezone.now()
    since = now - max(POLICY.longest_delay, POLICY.address_longest_delay)
    if device and account is not None:
        mine = Q(subject_ref=person_ref(account))
        scopes = Q(data__scope="device", data__device=device) & mine
    else:
        mine = _account_q(account, login_digest)
        scopes = Q(data__scope="account") & mine
        ip = normalise_ip(ip)
        if ip:
            scopes |= Q(data__scope="address", ip=ip)
            mine |= Q(ip=ip)
    wanted = Q(event=events.LOCKOUT) & scopes | Q(event=events.LOGIN_BLOCKED) & mine
    if account is not None:
        wanted |= Q(event=events.PASSWORD_RESET, subject_ref=person_ref(account))
    locks: list[tuple[datetime, dict[str, Any], int | str]] = []
    reset: datetime | None = None
    refused: set[object] = set()
    for event, at, data, lane, position in Entry.objects.filter(wanted, at__gt=since).values_list(
        "event", "at", "data", "lane", "seq"
    ):
        seq = entry_number(lane, position)
        if event == events.LOCKOUT:
            if _until(at, data) > now:
                locks.append((at, data, seq))
        elif event == events.PASSWORD_RESET:
            reset = at if reset is None else max(reset, at)
        else:
            refused.add(data.get("lock"))
    if reset is not None:
        locks = [lock for lock in locks if lock[1].get("scope") == "address" or lock[0] > reset]
    if not locks:
        return None
    at, data, seq = max(locks, key=lambda lock: _until(lock[0], lock[1]))
    return Lock(
        scope=data.get("scope", "account"),
        until=_until(at, data),
        seq=seq,
        refused_before=seq in refused,
    )


def record_refusal(
    lock: Lock,
    *,
    actor: Actor,
    subject: "AbstractBaseUser | None",
    data: dict[str, Any],
    meta: RequestMeta | None,
) -> None:
    """Journal a try refused while `lock` holds: the first one only, for each delay.

    A flood of tries during a delay must not flood the journal, whose every write takes the
    chain's one lock: the delay and its first refused try say what an auditor needs."""
    if lock.refused_before:
        return
    record(
        event=events.LOGIN_BLOCKED,
        actor=actor,
        subject=subject,
        data={**data, "scope": lock.scope, "lock": lock.seq},
        meta=meta,
    )


def _count_failures(entry: Entry, *, scope: Q, reset: Q) -> int:
    """Failures of `scope` in the window, counted after its last `reset` entry if any."""
    start = entry.at - POLICY.failure_window
    after = (
        Entry.objects.filter(reset, at__gte=start, id__lt=entry.id).aggregate(last=Max("id"))[
            "last"
        ]
        or 0
    )
    return (
        Entry.objects.filter(scope, event__in=events.PASSWORD_FAILURES, at__gte=start)
        .filter(id__gt=after, id__lte=entry.id)
        .count()
    )


def _successes(subject_ref: str) -> Q:
    return Q(event__in=(events.LOGIN, events.REENTRY), subject_ref=subject_ref)


def _on_password_failed(entry: Entry) -> None:
    digest = str(entry.data.get("login", ""))
    device = entry.data.get("device")
    if device and entry.subject_ref:
        # A device the account trusts: its own count, which touches nobody else's.
        mine = Q(subject_ref=entry.subject_ref, data__device=device)
        reset = (_successes(entry.subject_ref) & Q(data__device=device)) | Q(
            event=events.PASSWORD_RESET, subject_ref=entry.subject_ref
        )
        count = _count_failures(entry, scope=mine, reset=reset)
        if count >= POLICY.account_failures:
            _slow_down(
                entry,
                scope="device",
                subject=_subject(entry),
                data={"device": str(device)},
                failures=count,
                wait=POLICY.delay(count - POLICY.account_failures, longest=POLICY.longest_delay),
                alert=events.ALERT_ACCOUNT_FAILURES,
            )
        return
    if entry.subject_ref:
        strangers = Q(subject_ref=entry.subject_ref) & ~FROM_KNOWN_DEVICE
        reset = (_successes(entry.subject_ref) & ~FROM_KNOWN_DEVICE) | Q(
            event=events.PASSWORD_RESET, subject_ref=entry.subject_ref
        )
    else:
        strangers = Q(subject_ref="", data__login=digest)
        reset = Q(pk__in=[])
    count = _count_failures(entry, scope=strangers, reset=reset)
    if count >= POLICY.account_failures:
        subject = _subject(entry)
        if subject is not None or not entry.subject_ref:
            _slow_down(
                entry,
                scope="account",
                subject=subject,
                data={"login": digest} if subject is None else {},
                failures=count,
                wait=POLICY.delay(count - POLICY.account_failures, longest=POLICY.longest_delay),
                alert=events.ALERT_ACCOUNT_FAILURES,
            )
    if entry.ip:
        logins = _unresolved_logins(entry)
        if logins >= POLICY.address_logins:
            _slow_down(
                entry,
                scope="address",
                subject=None,
                data={},
                failures=logins,
                wait=POLICY.delay(
                    logins - POLICY.address_logins, longest=POLICY.address_longest_delay
                ),
                alert=events.ALERT_ADDRESS_FAILURES,
            )


def _unresolved_logins(entry: Entry) -> int:
    """How many different logins failed from the entry's address lately, from devices the
    account does not know, and were not followed by a sign-in to that account from there."""
    resolved = Entry.objects.filter(
        event__in=(events.LOGIN, events.REENTRY),
        ip=entry.ip,
        subject_ref=OuterRef("subject_ref"),
        id__gt=OuterRef("id"),
        id__lte=entry.id,
    ).exclude(subject_ref="")
    who = Case(
        When(subject_ref="", then=KT("data__login")),
        default=F("subject_ref"),
        output_field=CharField(),
    )
    return (
        Entry.objects.filter(
            event__in=events.PASSWORD_FAILURES,
            ip=entry.ip,
            at__gte=entry.at - POLICY.address_window,
            id__lte=entry.id,
        )
        .exclude(FROM_KNOWN_DEVICE)
        .exclude(Exists(resolved))
        .annotate(who=who)
        .values("who")
        .distinct()
        .count()
    )


def _slow_down(
    entry: Entry,
    *,
    scope: str,
    subject: "AbstractBaseUser | None",
    data: dict[str, str],
    failures: int,
    wait: timedelta,
    alert: str,
) -> None:
    until = entry.at + wait
    payload = {
        "scope": scope,
        "failures": failures,
        "seconds": int(wait.total_seconds()),
        "until": until.isoformat(timespec="seconds"),
        "triggered_by": entry.number,
        **data,
    }
    record(event=events.LOCKOUT, actor=WATCH, subject=subject, data=payload, meta=_meta(entry))
    same = {k: v for k, v in data.items() if k == "login"}
    raise_alert(
        event=alert,
        subject=subject,
        data={"failures": failures, "triggered_by": entry.number, **same},
        meta=_meta(entry) if scope == "address" else None,
        once_per=POLICY.alert_once_per,
        same=same,
    )


def _subject(entry: Entry) -> "AbstractBaseUser | None":
    """The account an entry is about, if it still exists."""
    if not entry.subject_ref.startswith("user:"):
        return None
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.filter(public_id=entry.subject_ref[5:]).first()
    except Exception:  # not a valid public id
        return None


# Reads ----------------------------------------------------------------------------------------


def _on_read(entry: Entry, actor: Actor) -> None:
    if getattr(actor, "is_staff", False):
        _staff_reads(entry, actor)
    if entry.event == events.ARCHIVE_DOWNLOADED and entry.ip:
        _archive_address(entry, actor)


def _staff_reads(entry: Entry, actor: Actor) -> None:
    reads = Entry.objects.filter(actor_ref=entry.actor_ref, event__startswith=events.READ_PREFIX)
    window_start = entry.at - POLICY.staff_reads_window
    people = (
        reads.filter(at__gt=window_start, id__lte=entry.id).values("subject_ref").distinct().count()
    )
    if people <= POLICY.staff_reads_floor:
        return
    # Only past the floor: the account's own busiest hour over the baseline period.
    busiest = (
        reads.filter(at__gt=entry.at - POLICY.baseline, at__lte=window_start)
        .annotate(hour=TruncHour("at"))
        .values("hour")
        .annotate(people=Count("subject_ref", distinct=True))
        .order_by("-people")
        .values_list("people", flat=True)
        .first()
    ) or 0
    if people <= POLICY.staff_reads_factor * busiest:
        return
    raise_alert(
        event=events.ALERT_STAFF_READS,
        subject=actor if not isinstance(actor, SystemActor) else None,
        data={
            "people": people,
            "minutes": int(POLICY.staff_reads_window.total_seconds() // 60),
            "usual": busiest,
            "triggered_by": entry.number,
        },
        once_per=POLICY.staff_reads_window,
    )


def network(ip: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The network an address belongs to, for "have we seen this place": /24, or /64 in IPv6."""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 64
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def _archive_address(entry: Entry, actor: Actor) -> None:
    ip = entry.ip
    if isinstance(actor, SystemActor) or ip is None:
        return
    earlier = Entry.objects.filter(
        actor_ref=entry.actor_ref,
        id__lt=entry.id,
        ip__isnull=False,
        at__gt=entry.at - timedelta(days=366),
    )
    known = earlier.filter(
        Q(event=events.ARCHIVE_DOWNLOADED)
        | Q(event=events.LOGIN, at__lt=entry.at - POLICY.known_address_age)
    )
    addresses = {ip for ip in known.values_list("ip", flat=True).distinct() if ip}
    if not addresses:
        return  # a new account has no habits yet to differ from
    known_networks = {network(address) for address in addresses}
    if network(ip) in known_networks:
        return
    raise_alert(
        event=events.ALERT_ARCHIVE_NEW_ADDRESS,
        subject=actor,
        data={"triggered_by": entry.number, "known_networks": len(known_networks)},
        meta=_meta(entry),
        once_per=timedelta(days=1),
    )


# Privileges -----------------------------------------------------------------------------------


def _on_role_changed(entry: Entry) -> None:
    if not entry.data.get("staff"):
        return
    raise_alert(
        event=events.ALERT_PRIVILEGE_GRANTED,
        subject=_subject(entry),
        data={"to": entry.data.get("to"), "by": entry.actor_ref, "triggered_by": entry.number},
        meta=_meta(entry),
    )


def look_at(entry: Entry, *, actor: Actor) -> None:
    """Run the rules that watch `entry`'s event (most events have none)."""
    if entry.event in events.PASSWORD_FAILURES:
        _on_password_failed(entry)
    elif entry.event.startswith(events.READ_PREFIX):
        _on_read(entry, actor)
    elif entry.event == events.ROLE_CHANGED:
        _on_role_changed(entry)
