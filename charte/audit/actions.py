"""The journal's upkeep: sealing each day, removing days past their year, checking the whole.

Each runs as a command (`manage.py journal seal|prune|verify`) and as a task (`tasks.py`), and
each writes its own entry in the journal it keeps.
"""

import logging
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.utils import timezone

from charte.audit import alerts, chain, events
from charte.audit.journal import record
from charte.audit.models import Entry, Run, Seal
from charte.audit.queries import Search, ref_public_id
from charte.audit.verify import Report, one_year_after, verify
from charte.core.actors import RETENTION, Actor, SystemActor

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

logger = logging.getLogger("charte.journal")

KEEPER = SystemActor("journal")
PRUNE_BATCH = 5000


class JournalBroken(Exception):
    """The entries about to be sealed do not match the chain: sealing stops, nothing is sealed."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.sealed: list[Seal] = []  # the days sealed, in this run, before the broken one


# Sealing ------------------------------------------------------------------------------------


def seal_journal(*, actor: Actor = KEEPER) -> list[Seal]:
    """Seal every complete day (UTC) not sealed yet, oldest first.

    Days without entries are sealed too, so that the seals run day after day without a gap and
    a day emptied by someone shows as such. Raises `JournalBroken`, sealing nothing more, when
    a day's entries do not match their chain: a broken day is never sealed as if it were sound.
    """
    sealed: list[Seal] = []
    try:
        while batch := _seal_some_days(actor=actor):
            sealed.extend(batch)
    except JournalBroken as error:
        error.sealed = sealed
        raise
    return sealed


# One transaction seals days until it has read this many entries or sealed this many days, so
# that writers never wait long on the journal's lock, even when catching up after an outage.
SEAL_BATCH_ENTRIES = 20_000
SEAL_BATCH_DAYS = 31


@transaction.atomic
def _seal_some_days(*, actor: Actor) -> list[Seal]:
    using = router.db_for_write(Seal)
    # Under every lane's lock: no entry of these days can still be on its way, and every later
    # entry is dated after the last sealed day (see chain.py).
    chain.lock_all(using)
    now = timezone.now()
    last = Seal.objects.using(using).order_by("-day").first()
    if last is not None:
        day = last.day + timedelta(days=1)
        heads = {lane: (run.last + 1, run.last_hash) for lane, run in last.runs().items()}
        prev_seal = last.hash
    else:
        first_at = Entry.objects.using(using).order_by("at").values_list("at", flat=True).first()
        if first_at is None:
            return []
        day = chain.utc_day(first_at)
        heads = {0: (1, chain.GENESIS)}
        prev_seal = chain.GENESIS
    sealed: list[Seal] = []
    read = 0
    while day < chain.utc_day(now) and len(sealed) < SEAL_BATCH_DAYS and read < SEAL_BATCH_ENTRIES:
        try:
            runs = _check_day(using=using, day=day, heads=heads)
        except JournalBroken:
            if not sealed:
                raise
            break  # keep the sound days sealed; the next batch starts at the broken one
        zero = runs[0]
        seal = Seal(
            day=day,
            first_seq=zero.first,
            last_seq=zero.last,
            count=sum(run.count for run in runs.values()),
            root=zero.root,
            last_entry_hash=zero.last_hash,
            prev_hash=prev_seal,
            key_id=chain.key_id(),
            sealed_at=now,
            lanes={
                str(lane): [run.first, run.last, run.last_hash, run.root]
                for lane, run in runs.items()
                if lane
            },
        )
        seal.hash = chain.seal_mac(seal)
        seal.save(using=using)
        sealed.append(seal)
        read += seal.count
        day = day + timedelta(days=1)
        heads = {lane: (run.last + 1, run.last_hash) for lane, run in runs.items()}
        prev_seal = seal.hash
    if not sealed:
        return []
    record(
        event=events.SEALED,
        actor=actor,
        data={
            "days": len(sealed),
            "first_day": sealed[0].day.isoformat(),
            "last_day": sealed[-1].day.isoformat(),
            "entries": read,
            "seal": sealed[-1].hash,
        },
    )
    # The copy kept outside the database: the application log receives every seal's hash.
    transaction.on_commit(partial(_log_seals, sealed), using=using)
    return sealed


def _check_day(*, using: str, day: date, heads: dict[int, tuple[int, str]]) -> dict[int, Run]:
    """Each lane's run of a day's entries, after checking that it follows its chain unbroken.

    `heads` gives each lane known so far its next position and the hash it continues from; a
    lane not in it starts at 1. Every lane known so far gets a run, empty or not."""
    start, end = chain.day_bounds(day)
    rows = cast(
        "Generator[tuple[Any, ...]]",
        Entry.objects.using(using)
        .filter(at__gte=start, at__lt=end)
        .order_by("lane", "seq")
        .values_list(*chain.ENTRY_FIELDS)
        .iterator(chunk_size=5000),
    )
    hashes: dict[int, list[str]] = {}
    links = dict(heads)
    try:
        for row in rows:
            lane, seq, *_, stored_prev, stored_hash = row
            next_seq, chain_prev = links.get(lane, (1, chain.GENESIS))
            where = f"entry #{seq}" + (f" of lane {lane}" if lane else "")
            if seq != next_seq:
                missing = f"entry #{next_seq}" + (f" of lane {lane}" if lane else "")
                raise JournalBroken(next_seq, f"{missing} of {day} is missing")
            if stored_prev != chain_prev:
                raise JournalBroken(seq, f"{where} does not follow the entry before it")
            if chain.entry_hash(stored_prev, chain.row_content(row)) != stored_hash:
                raise JournalBroken(seq, f"{where} was altered")
            hashes.setdefault(lane, []).append(stored_hash)
            links[lane] = (seq + 1, stored_hash)
    finally:
        rows.close()  # PostgreSQL: close the server-side cursor while its transaction lives
    runs: dict[int, Run] = {}
    for lane in sorted(links):
        first, _ = heads.get(lane, (1, chain.GENESIS))
        next_seq, last_hash = links[lane]
        runs[lane] = Run(first, next_seq - 1, last_hash, chain.merkle_root(hashes.get(lane, [])))
    return runs


def _log_seals(seals: list[Seal]) -> None:
    for seal in seals:
        logger.info(
            "journal sealed day=%s entries=%d last_seq=%d seal=%s",
            seal.day.isoformat(),
            seal.count,
            seal.last_seq,
            seal.hash,
        )


# Retention ----------------------------------------------------------------------------------


@dataclass
class Pruned:
    days: list[date] = field(default_factory=list)
    entries: int = 0


def prune_journal(
    *, today: date | None = None, actor: Actor = RETENTION, batch_size: int = PRUNE_BATCH
) -> Pruned:
    """Remove the entries of sealed days whose year is over; keep their seals.

    Design: why removing whole sealed days keeps the rest verifiable, and nothing else.
    - Only the oldest days go, whole, and only once sealed: what is removed is a run of the
      chain from its start. Its seal stays; it holds the removed day's last entry hash, which
      the first kept entry names as its `prev_hash`, and the seals' own chain loses no link.
      `journal verify` starts the entries after the last pruned seal and finds them intact.
    - A day is stamped "pruned" on its seal (the date, and a signature under the journal key)
      in the same transaction as the first batch of its entries goes: removing a day any other
      way, or earlier than a year after it, is still reported by `journal verify` as tampering.
    - Batches of `batch_size` entries, one transaction each. A run stopped halfway leaves a
      stamped day with entries left, which verify counts as awaiting removal and the next run
      removes; running again when all is done changes nothing.
    - A day is removed when a full year has passed since it began (so its last entries go a
      few hours before their year is up): kept one year at most, as the charter says. Seals
      keep no personal data (dates, counts and hashes), so they are kept.
    - Entries of days never sealed are not removed: a journal that cannot be sealed (because
      it no longer verifies) is evidence, kept until someone has looked; the seal job alerts.
    """
    as_of = today or chain.utc_day(timezone.now())
    result = Pruned()
    for seal in list(Seal.objects.filter(pruned_at__isnull=True).order_by("day")):
        if one_year_after(seal.day) > as_of:
            break
        _stamp_pruned(seal=seal, as_of=as_of, batch_size=batch_size, result=result)
        result.days.append(seal.day)
    last_pruned = Seal.objects.filter(pruned_at__isnull=False).order_by("-day").first()
    if last_pruned is not None:
        while (removed := _remove_batch(through=last_pruned, size=batch_size)) > 0:
            result.entries += removed
    if result.days or result.entries:
        record(
            event=events.PRUNED,
            actor=actor,
            data={
                "days": len(result.days),
                "entries": result.entries,
                "first_day": result.days[0].isoformat() if result.days else None,
                "last_day": result.days[-1].isoformat() if result.days else None,
                "as_of": as_of.isoformat(),
            },
        )
    return result


def _allow_removal(using: str) -> None:
    """Tell PostgreSQL's guard (migration 0003) that this transaction is the retention's."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL charte.journal_retention = 'on'")


@transaction.atomic
def _stamp_pruned(*, seal: Seal, as_of: date, batch_size: int, result: Pruned) -> None:
    using = router.db_for_write(Seal)
    _allow_removal(using)
    pruned_at = timezone.now()
    Seal.objects.using(using).filter(pk=seal.pk, pruned_at__isnull=True)._stamp_pruned(
        pruned_at=pruned_at,
        pruned_as_of=as_of,
        pruned_mac=chain.pruning_mac(seal_hash=seal.hash, as_of=as_of, pruned_at=pruned_at),
    )
    result.entries += _remove_batch(through=seal, size=batch_size)


@transaction.atomic
def _remove_batch(*, through: Seal, size: int) -> int:
    using = router.db_for_write(Entry)
    entries = Entry.objects.using(using)
    doomed = list(
        entries.filter(through.entries_through())
        .order_by("lane", "seq")
        .values_list("pk", flat=True)[:size]
    )
    if not doomed:
        return 0
    _allow_removal(using)
    return entries.filter(pk__in=doomed)._remove_for_retention()


# Verification -------------------------------------------------------------------------------


def verify_journal(*, actor: Actor = KEEPER, now: datetime | None = None) -> Report:
    """Check the whole journal, journal the outcome, and alert IT and the DPO when it is broken."""
    report = verify(now=now)
    with transaction.atomic():
        record(event=events.VERIFIED, actor=actor, data=report.summary())
        if not report.ok:
            first = report.first_problem
            alerts.raise_alert(
                event=events.ALERT_JOURNAL_BROKEN,
                data={
                    "problems": len(report.problems) + report.more_problems,
                    "first_seq": first.seq if first else None,
                },
                once_per=timedelta(days=1),
            )
    return report


def seal_or_alert(*, actor: Actor = KEEPER) -> tuple[list[Seal], JournalBroken | None]:
    """Seal what can be; if a day does not match its chain, alert IT and the DPO and say so."""
    try:
        return seal_journal(actor=actor), None
    except JournalBroken as error:
        with transaction.atomic():
            alerts.raise_alert(
                event=events.ALERT_JOURNAL_BROKEN,
                data={"problems": 1, "first_seq": error.seq},
                once_per=timedelta(days=1),
            )
        return error.sealed, error


# Reading the journal ----------------------------------------------------------------------


def _person(ref: str) -> "AbstractBaseUser | None":
    public_id = ref_public_id(ref) if ref.startswith("user:") else None
    if public_id is None:
        return None
    return get_user_model().objects.filter(public_id=public_id).first()


@transaction.atomic
def journal_search(
    *, viewer: "AbstractBaseUser", search: Search, results: int, page: int | None = None
) -> Entry:
    """Journal a search of the journal (or its export, `page=None`): searching is reading.

    The person searched for is the entry's subject, so that their own access to their data
    shows who looked them up in the journal; the filters are kept as references only.
    """
    person = _person(search.person)
    data: dict[str, object] = {"filters": search.filters(), "results": results}
    if page is not None:
        data["page"] = page
    return record(
        event=events.SEARCHED if page is not None else events.EXPORTED,
        actor=viewer,
        subject=person,
        data=data,
    )
