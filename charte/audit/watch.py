"""The watch: rules that read the journal as it is written, lock sign-ins out and raise alerts.

Design: the journal is the only state. Failures, lockouts and reads are entries already, so
counting them needs no second store, works the same across web processes and workers without
a shared cache, survives restarts, and leaves what an auditor needs in one place. Every rule
looks back over a short window through the `at` index (and the actor or subject index), so it
costs a few indexed counts on the events it watches and nothing on the others.

Rules (thresholds in `Policy`):
- sign-in failures on one account (or one typed login with no account, so that a lockout
  tells nothing about which logins exist): the account is locked for a while, IT and the DPO
  are alerted;
- sign-in failures from one address, whatever the logins: the address is locked out, alerted.
  The threshold is high on purpose: a school's pupils share one address, and thirty children
  mistyping their passwords in a lesson must not lock the school out;
- a staff account reading unusually many people's data: more distinct people within an hour
  than both a floor and a multiple of its own busiest hour of the past month;
- an archive downloaded from an address (network) that the account never used before, for a
  sign-in more than a day earlier or for another download;
- a role changed to a staff role (privileges granted).
A lock ends by itself after `lock_for`, and an account's lock ends early when its password is
reset (the person proved they hold the mailbox).
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from charte.audit import events
from charte.audit.alerts import WATCH, raise_alert
from charte.audit.chain import normalise_ip
from charte.audit.journal import RequestMeta, record
from charte.audit.models import Entry
from charte.core.actors import Actor, SystemActor, person_ref

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["POLICY", "WATCH", "Lock", "Policy", "current_lock", "look_at"]


@dataclass(frozen=True)
class Policy:
    account_failures: int = 5
    address_failures: int = 30
    failure_window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    staff_reads_floor: int = 40
    staff_reads_factor: int = 3
    staff_reads_window: timedelta = timedelta(hours=1)
    baseline: timedelta = timedelta(days=30)
    known_address_age: timedelta = timedelta(days=1)
    alert_once_per: timedelta = timedelta(hours=1)


POLICY = Policy()


@dataclass(frozen=True)
class Lock:
    scope: str  # "account" or "address"
    until: datetime


def _meta(entry: Entry) -> RequestMeta | None:
    return {"ip": entry.ip, "user_agent": entry.user_agent} if entry.ip else None


# Sign-in lockout ----------------------------------------------------------------------------


def _account_q(account: "AbstractBaseUser | None", login_digest: str) -> Q:
    if account is not None:
        return Q(subject_ref=person_ref(account))
    return Q(subject_ref="", data__login=login_digest)


def current_lock(
    *, account: "AbstractBaseUser | None", login_digest: str, ip: str | None
) -> Lock | None:
    """The lock that refuses this sign-in now, if any (the latest-ending one)."""
    now = timezone.now()
    scopes = Q(data__scope="account") & _account_q(account, login_digest)
    ip = normalise_ip(ip)
    if ip:
        scopes |= Q(data__scope="address", ip=ip)
    locks = list(
        Entry.objects.filter(event=events.LOCKOUT, at__gt=now - POLICY.lock_for)
        .filter(scopes)
        .order_by("-at")
        .values_list("at", "data")
    )
    if account is not None and any(data.get("scope") == "account" for _, data in locks):
        reset = (
            Entry.objects.filter(event=events.PASSWORD_RESET, subject_ref=person_ref(account))
            .filter(at__gt=min(at for at, _ in locks))
            .aggregate(last=Max("at"))["last"]
        )
        if reset is not None:
            locks = [(at, d) for at, d in locks if d.get("scope") != "account" or at > reset]
    if not locks:
        return None
    at, data = max(locks, key=lambda lock: lock[0])
    return Lock(scope=data.get("scope", "account"), until=at + POLICY.lock_for)


def _count_failures(entry: Entry, *, scope: Q, lock: Q, success: Q | None) -> int:
    """Failures in the window, counted after the scope's last lockout (or success) if any."""
    start = entry.at - POLICY.failure_window
    reset = Q(event=events.LOCKOUT) & lock
    if success is not None:
        reset |= Q(event=events.LOGIN) & success
    after = (
        Entry.objects.filter(reset, at__gte=start, seq__lt=entry.seq).aggregate(last=Max("seq"))[
            "last"
        ]
        or 0
    )
    return (
        Entry.objects.filter(scope, event=events.LOGIN_FAILED, at__gte=start)
        .filter(seq__gt=after, seq__lte=entry.seq)
        .count()
    )


def _on_login_failed(entry: Entry) -> None:
    digest = str(entry.data.get("login", ""))
    if entry.subject_ref:
        account_q = Q(subject_ref=entry.subject_ref)
        success: Q | None = Q(subject_ref=entry.subject_ref)
    else:
        account_q = Q(subject_ref="", data__login=digest)
        success = None
    count = _count_failures(
        entry, scope=account_q, lock=Q(data__scope="account") & account_q, success=success
    )
    if count >= POLICY.account_failures:
        subject = _subject(entry)
        if subject is not None or not entry.subject_ref:
            _lock_out(
                entry,
                scope="account",
                subject=subject,
                data={"login": digest} if subject is None else {},
                failures=count,
                alert=events.ALERT_ACCOUNT_FAILURES,
            )
    if entry.ip:
        address_q = Q(ip=entry.ip)
        count = _count_failures(
            entry, scope=address_q, lock=Q(data__scope="address") & address_q, success=None
        )
        if count >= POLICY.address_failures:
            _lock_out(
                entry,
                scope="address",
                subject=None,
                data={},
                failures=count,
                alert=events.ALERT_ADDRESS_FAILURES,
            )


def _lock_out(
    entry: Entry,
    *,
    scope: str,
    subject: "AbstractBaseUser | None",
    data: dict[str, str],
    failures: int,
    alert: str,
) -> None:
    until = entry.at + POLICY.lock_for
    payload = {
        "scope": scope,
        "failures": failures,
        "minutes": int(POLICY.lock_for.total_seconds() // 60),
        "until": until.isoformat(timespec="seconds"),
        "triggered_by": entry.seq,
        **data,
    }
    record(event=events.LOCKOUT, actor=WATCH, subject=subject, data=payload, meta=_meta(entry))
    raise_alert(
        event=alert,
        subject=subject,
        data={"failures": failures, "triggered_by": entry.seq, **data},
        meta=_meta(entry) if scope == "address" else None,
        once_per=POLICY.alert_once_per,
        same=data,
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
        reads.filter(at__gt=window_start, seq__lte=entry.seq)
        .values("subject_ref")
        .distinct()
        .count()
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
            "triggered_by": entry.seq,
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
        seq__lt=entry.seq,
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
        data={"triggered_by": entry.seq, "known_networks": len(known_networks)},
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
        data={"to": entry.data.get("to"), "by": entry.actor_ref, "triggered_by": entry.seq},
        meta=_meta(entry),
    )


def look_at(entry: Entry, *, actor: Actor) -> None:
    """Run the rules that watch `entry`'s event (most events have none)."""
    if entry.event == events.LOGIN_FAILED:
        _on_login_failed(entry)
    elif entry.event.startswith(events.READ_PREFIX):
        _on_read(entry, actor)
    elif entry.event == events.ROLE_CHANGED:
        _on_role_changed(entry)
