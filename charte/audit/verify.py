"""Checking the journal end to end: every seal, every entry, every link between them.

What is checked, in one pass over the seals and one streamed pass over the entries:
- seals: each signed by the journal key, each naming the previous seal's hash, one per day
  without a gap, each day's run of entries following the previous day's;
- pruned days: the oldest ones only, each removed a year or more after its day, the removal
  signed; none of their entries left behind unnoticed;
- entries: numbered without a gap from where the pruned days end; each naming the hash of the
  one before; each one's content matching its own hash; dated in order, and inside the day of
  the seal that holds it;
- each sealed day: the Merkle root, count and last hash of the entries found match the seal.

A problem does not stop the walk: links are followed through the stored hashes, so that one
altered entry is named alone rather than dragging every later entry with it. Problems are
reported in chain order, so the first one named is the earliest place where the journal stops
being what was written.

The walk reads one snapshot: on PostgreSQL inside a REPEATABLE READ transaction, so that
entries appended or pruned meanwhile neither appear halfway nor count as missing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from charte.audit import chain
from charte.audit.models import Entry, Seal

MAX_PROBLEMS = 50
RETENTION_YEARS = 1


@dataclass(frozen=True, order=True)
class Problem:
    seq: int  # where in the chain (a seal: its day's last entry), for ordering
    order: int  # a day's entries before the seal that closes it
    message: str = field(compare=False)

    def __str__(self) -> str:
        return self.message


@dataclass
class Report:
    entries: int = 0
    first_seq: int | None = None
    head_seq: int = 0
    head_hash: str = chain.GENESIS
    seals: int = 0
    pruned_days: int = 0
    awaiting_removal: int = 0
    last_seal_day: date | None = None
    last_seal_hash: str = ""
    unsealed_days: list[date] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, seq: int, message: str, *, order: int = 0) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(Problem(seq, order, message))

    @property
    def first_problem(self) -> Problem | None:
        return min(self.problems) if self.problems else None

    def summary(self) -> dict[str, Any]:
        """What the journal's own `journal.verified` entry keeps: counts, never content."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "seals": self.seals,
            "problems": len(self.problems) + self.more_problems,
            "head": self.head_seq,
        }


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + RETENTION_YEARS, day=28)


def _entry_label(seq: int, at: datetime | None = None) -> str:
    return f"entry #{seq}" + (f" ({chain.utc_iso(at)[:19]}Z)" if at else "")


class _SealWalk:
    """The seals' chain, then the entries each sealed day should hold."""

    def __init__(self, report: Report, seals: list[Seal]) -> None:
        self.report = report
        self.sealed: list[Seal] = []
        # Where the entries start: after the last pruned day, or at the very beginning.
        self.start_seq = 1
        self.start_hash = chain.GENESIS
        prev: Seal | None = None
        current_key = chain.key_id()
        for seal in seals:
            where = f"seal of {seal.day.isoformat()}"
            if seal.key_id != current_key:
                report.add(
                    0,
                    f"{where}: signed with another journal key ({seal.key_id}; this "
                    f"server's is {current_key}): is JOURNAL_KEY the one it was written with?",
                    order=1,
                )
            elif chain.seal_mac(seal) != seal.hash:
                report.add(
                    seal.last_seq,
                    f"{where}: altered (its content does not match its signature)",
                    order=1,
                )
            if seal.prev_hash != (prev.hash if prev else chain.GENESIS):
                report.add(
                    seal.last_seq,
                    f"{where}: does not follow the seal before it (a seal was removed, inserted "
                    "or replaced before it)",
                    order=1,
                )
            if prev is not None and seal.day != prev.day + timedelta(days=1):
                report.add(
                    seal.last_seq,
                    f"{where}: the days from {(prev.day + timedelta(days=1)).isoformat()} to "
                    f"{(seal.day - timedelta(days=1)).isoformat()} have no seal",
                    order=1,
                )
            expected_first = prev.last_seq + 1 if prev is not None else 1
            if seal.first_seq != expected_first or seal.count != seal.last_seq - seal.first_seq + 1:
                report.add(
                    seal.last_seq,
                    f"{where}: its entries #{seal.first_seq} to #{seal.last_seq} do not follow "
                    f"the day before's (#{expected_first} expected first)",
                    order=1,
                )
            if seal.pruned_at is not None:
                self._check_pruned(seal, where, pruning=not self.sealed)
                if not self.sealed:
                    self.start_seq = seal.last_seq + 1
                    self.start_hash = seal.last_entry_hash
                    report.pruned_days += 1
            else:
                self.sealed.append(seal)
            prev = seal
        report.seals = len(seals)
        if prev is not None:
            report.last_seal_day = prev.day
            report.last_seal_hash = prev.hash
        self.index = 0
        self.leaves: list[str] = []
        self.last_hash = ""
        self.seen = 0

    def _check_pruned(self, seal: Seal, where: str, *, pruning: bool) -> None:
        report = self.report
        if not pruning:
            report.add(
                seal.last_seq,
                f"{where}: its entries were removed although a later day's were kept (only "
                "the oldest days are pruned)",
                order=1,
            )
        if (
            seal.pruned_at is None
            or seal.pruned_as_of is None
            or seal.pruned_mac
            != chain.pruning_mac(
                seal_hash=seal.hash, as_of=seal.pruned_as_of, pruned_at=seal.pruned_at
            )
        ):
            report.add(
                seal.last_seq,
                f"{where}: marked as pruned, but not by the journal's retention (the "
                "pruning's signature does not match)",
                order=1,
            )
        elif seal.pruned_as_of < one_year_after(seal.day):
            report.add(
                seal.last_seq,
                f"{where}: its entries were removed on {seal.pruned_as_of.isoformat()}, before "
                "the end of their year",
                order=1,
            )

    @property
    def current(self) -> Seal | None:
        return self.sealed[self.index] if self.index < len(self.sealed) else None

    def close(self, seal: Seal) -> None:
        where = f"seal of {seal.day.isoformat()}"
        if self.seen != seal.count:
            self.report.add(
                seal.last_seq,
                f"{where}: {seal.count} entries sealed (#{seal.first_seq} to #{seal.last_seq}), "
                f"{self.seen} found",
                order=1,
            )
        elif chain.merkle_root(self.leaves) != seal.root:
            self.report.add(
                seal.last_seq,
                f"{where}: its entries no longer give the root it sealed",
                order=1,
            )
        elif seal.count and self.last_hash != seal.last_entry_hash:
            self.report.add(
                seal.last_seq,
                f"{where}: its last entry is not the one it sealed",
                order=1,
            )
        self.index += 1
        self.leaves = []
        self.last_hash = ""
        self.seen = 0

    def take(self, seq: int, at: datetime, entry_hash: str) -> None:
        """Place one entry in its sealed day (if any), closing the days before it."""
        while self.current is not None and seq > self.current.last_seq:
            self.close(self.current)
        seal = self.current
        if seal is None:
            if self.sealed and chain.utc_day(at) <= self.sealed[-1].day:
                self.report.add(
                    seq,
                    f"{_entry_label(seq, at)}: dated in {self.sealed[-1].day.isoformat()} or "
                    "before, a day already sealed, but not sealed with it",
                )
            return
        if seq < seal.first_seq:
            return
        if chain.utc_day(at) != seal.day:
            self.report.add(
                seq, f"{_entry_label(seq, at)}: dated outside the day that sealed it ({seal.day})"
            )
        self.leaves.append(entry_hash)
        self.last_hash = entry_hash
        self.seen += 1

    def finish(self) -> None:
        while self.current is not None:
            self.close(self.current)


def _rows(using: str, start_seq: int, chunk_size: int) -> Iterator[tuple[Any, ...]]:
    return (
        Entry.objects.using(using)
        .filter(seq__gte=start_seq)
        .order_by("seq")
        .values_list(*chain.ENTRY_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One consistent view of the journal for the whole walk.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction (which blocks no writer). SQLite: none
    is opened, since ours begin IMMEDIATE and would hold the write lock for the whole walk; each
    statement reads its own snapshot in WAL mode, which is enough for a development database.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def verify(*, now: datetime | None = None, chunk_size: int = 5000) -> Report:
    """Check the whole journal; `report.problems` says where it does not match, first first."""
    using = router.db_for_read(Entry)
    now = now or timezone.now()
    report = Report()
    with _snapshot(using):
        walk = _SealWalk(report, list(Seal.objects.using(using).order_by("day")))
        if walk.start_seq > 1:
            report.awaiting_removal = (
                Entry.objects.using(using).filter(seq__lt=walk.start_seq).count()
            )
        expected_seq = walk.start_seq
        prev_hash = walk.start_hash
        prev_at: datetime | None = None
        first_at: datetime | None = None
        for row in _rows(using, walk.start_seq, chunk_size):
            seq, at, *_, stored_prev, stored_hash = row
            linked = True
            if seq != expected_seq:
                missing = (
                    f"entry #{expected_seq}"
                    if seq == expected_seq + 1
                    else f"entries #{expected_seq} to #{seq - 1}"
                )
                report.add(
                    expected_seq,
                    f"{missing}: missing (removed); the chain jumps to {_entry_label(seq, at)}",
                )
                linked = False
            if linked and stored_prev != prev_hash:
                report.add(
                    seq,
                    f"{_entry_label(seq, at)}: does not follow the entry before it (entries were "
                    "reordered, or the one before was replaced)",
                )
            if chain.entry_hash(stored_prev, chain.row_content(row)) != stored_hash:
                report.add(
                    seq,
                    f"{_entry_label(seq, at)}: altered (its content does not match its hash)",
                )
            if prev_at is not None and at < prev_at:
                report.add(seq, f"{_entry_label(seq, at)}: dated before the entry before it")
            walk.take(seq, at, stored_hash)
            report.entries += 1
            if first_at is None:
                first_at = at
                report.first_seq = seq
            expected_seq = seq + 1
            prev_hash = stored_hash
            prev_at = at
            report.head_seq = seq
            report.head_hash = stored_hash
        walk.finish()
        if report.entries == 0:
            report.head_seq = walk.start_seq - 1
            report.head_hash = walk.start_hash
        if report.last_seal_day is not None:
            first_unsealed: date | None = report.last_seal_day + timedelta(days=1)
        else:
            first_unsealed = chain.utc_day(first_at) if first_at is not None else None
        today = chain.utc_day(now)
        day = first_unsealed
        while day is not None and day < today and len(report.unsealed_days) < 400:
            report.unsealed_days.append(day)
            day += timedelta(days=1)
    report.problems.sort()
    return report
