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
from charte.audit.models import Entry, Run, Seal

MAX_PROBLEMS = 50
RETENTION_YEARS = 1


@dataclass(frozen=True, order=True)
class Problem:
    lane: int  # which chain
    seq: int  # where in its chain (a seal: its day's last entry of lane 0), for ordering
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
    lanes: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, seq: int, message: str, *, order: int = 0, lane: int = 0) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(Problem(lane, seq, order, message))

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


def _entry_label(seq: int, at: datetime | None = None, lane: int = 0) -> str:
    where = f"entry #{seq}" + (f" of lane {lane}" if lane else "")
    return where + (f" ({chain.utc_iso(at)[:19]}Z)" if at else "")


class _Seals:
    """The seals' own chain, and where each lane's entries start (after the pruned days)."""

    def __init__(self, report: Report, seals: list[Seal]) -> None:
        self.report = report
        self.sealed: list[Seal] = []  # the seals whose entries are still kept
        self.start: dict[int, tuple[int, str]] = {0: (1, chain.GENESIS)}
        prev: Seal | None = None
        prev_runs: dict[int, Run] = {}
        current_key = chain.key_id()
        for seal in seals:
            where = f"seal of {seal.day.isoformat()}"
            runs = seal.runs()
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
            for lane in sorted(set(runs) | set(prev_runs)):
                run = runs.get(lane)
                before = prev_runs.get(lane)
                expected_first = before.last + 1 if before is not None else 1
                of_lane = f"lane {lane}: " if lane else ""
                if run is None:
                    report.add(
                        seal.last_seq,
                        f"{where}: lane {lane}, sealed the day before, is missing",
                        order=1,
                        lane=lane,
                    )
                elif run.first != expected_first or run.count < 0:
                    report.add(
                        run.last if lane else seal.last_seq,
                        f"{where}: {of_lane}its entries #{run.first} to #{run.last} do not "
                        f"follow the day before's (#{expected_first} expected first)",
                        order=1,
                        lane=lane,
                    )
            if seal.count != sum(run.count for run in runs.values()):
                report.add(
                    seal.last_seq,
                    f"{where}: its count ({seal.count}) is not the sum of its lanes' entries",
                    order=1,
                )
            if seal.pruned_at is not None:
                self._check_pruned(seal, where, pruning=not self.sealed)
                if not self.sealed:
                    self.start = {lane: (run.last + 1, run.last_hash) for lane, run in runs.items()}
                    report.pruned_days += 1
            else:
                self.sealed.append(seal)
            prev, prev_runs = seal, runs
        report.seals = len(seals)
        if prev is not None:
            report.last_seal_day = prev.day
            report.last_seal_hash = prev.hash

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

    def lanes(self) -> set[int]:
        found = set(self.start)
        for seal in self.sealed:
            found |= set(seal.runs())
        return found


class _LaneWalk:
    """One lane's entries, in order: their links, hashes and dates, and the runs sealed."""

    def __init__(self, report: Report, seals: _Seals, lane: int) -> None:
        self.report = report
        self.lane = lane
        self.last_sealed_day = seals.sealed[-1].day if seals.sealed else None
        self.runs = [(seal, run) for seal in seals.sealed if (run := seal.runs().get(lane))]
        self.expected_seq, self.prev_hash = seals.start.get(lane, (1, chain.GENESIS))
        self.prev_at: datetime | None = None
        self.first_at: datetime | None = None
        self.index = 0
        self.leaves: list[str] = []
        self.last_hash = ""
        self.seen = 0

    def take(self, row: tuple[Any, ...]) -> None:
        report, lane = self.report, self.lane
        _, seq, at, *_, stored_prev, stored_hash = row
        linked = True
        if seq != self.expected_seq:
            first, last = self.expected_seq, seq - 1
            missing = (
                _entry_label(first, lane=lane)
                if first == last
                else f"entries #{first} to #{last}" + (f" of lane {lane}" if lane else "")
            )
            report.add(
                first,
                f"{missing}: missing (removed); the chain jumps to {_entry_label(seq, at, lane)}",
                lane=lane,
            )
            linked = False
        if linked and stored_prev != self.prev_hash:
            report.add(
                seq,
                f"{_entry_label(seq, at, lane)}: does not follow the entry before it (entries "
                "were reordered, or the one before was replaced)",
                lane=lane,
            )
        if chain.entry_hash(stored_prev, chain.row_content(row)) != stored_hash:
            report.add(
                seq,
                f"{_entry_label(seq, at, lane)}: altered (its content does not match its hash)",
                lane=lane,
            )
        if self.prev_at is not None and at < self.prev_at:
            report.add(
                seq, f"{_entry_label(seq, at, lane)}: dated before the entry before it", lane=lane
            )
        self._place(seq, at, stored_hash)
        report.entries += 1
        if self.first_at is None:
            self.first_at = at
            if lane == 0:
                report.first_seq = seq
        self.expected_seq = seq + 1
        self.prev_hash = stored_hash
        self.prev_at = at
        if lane == 0:
            report.head_seq = seq
            report.head_hash = stored_hash

    def _place(self, seq: int, at: datetime, entry_hash: str) -> None:
        """Place one entry in its sealed day (if any), closing the days before it."""
        while self.index < len(self.runs) and seq > self.runs[self.index][1].last:
            self._close()
        if self.index >= len(self.runs):
            if self.last_sealed_day is not None and chain.utc_day(at) <= self.last_sealed_day:
                self.report.add(
                    seq,
                    f"{_entry_label(seq, at, self.lane)}: dated in "
                    f"{self.last_sealed_day.isoformat()} or before, a day already sealed, but "
                    "not sealed with it",
                    lane=self.lane,
                )
            return
        seal, run = self.runs[self.index]
        if seq < run.first:
            return
        if chain.utc_day(at) != seal.day:
            self.report.add(
                seq,
                f"{_entry_label(seq, at, self.lane)}: dated outside the day that sealed it "
                f"({seal.day})",
                lane=self.lane,
            )
        self.leaves.append(entry_hash)
        self.last_hash = entry_hash
        self.seen += 1

    def _close(self) -> None:
        seal, run = self.runs[self.index]
        where = f"seal of {seal.day.isoformat()}" + (f": lane {self.lane}" if self.lane else "")
        seq = seal.last_seq if self.lane == 0 else run.last
        if self.seen != run.count:
            self.report.add(
                seq,
                f"{where}: {run.count} entries sealed (#{run.first} to #{run.last}), "
                f"{self.seen} found",
                order=1,
                lane=self.lane,
            )
        elif chain.merkle_root(self.leaves) != run.root:
            self.report.add(
                seq,
                f"{where}: its entries no longer give the root it sealed",
                order=1,
                lane=self.lane,
            )
        elif run.count and self.last_hash != run.last_hash:
            self.report.add(
                seq, f"{where}: its last entry is not the one it sealed", order=1, lane=self.lane
            )
        self.index += 1
        self.leaves = []
        self.last_hash = ""
        self.seen = 0

    def finish(self) -> None:
        while self.index < len(self.runs):
            self._close()


def _rows(using: str, chunk_size: int) -> Iterator[tuple[Any, ...]]:
    return (
        Entry.objects.using(using)
        .order_by("lane", "seq")
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
    """Check the whole journal; `report.problems` says where it does not match, first first.

    One pass over the seals, then one streamed pass over the entries, lane after lane."""
    using = router.db_for_read(Entry)
    now = now or timezone.now()
    report = Report()
    with _snapshot(using):
        seals = _Seals(report, list(Seal.objects.using(using).order_by("day")))
        walks: dict[int, _LaneWalk] = {}
        walk: _LaneWalk | None = None
        for row in _rows(using, chunk_size):
            lane, seq = row[0], row[1]
            if walk is None or walk.lane != lane:
                walk = walks[lane] = _LaneWalk(report, seals, lane)
            if seq < seals.start.get(lane, (1, ""))[0]:
                report.awaiting_removal += 1  # of a day stamped pruned, not removed yet
                continue
            walk.take(row)
        for lane in seals.lanes() - set(walks):
            walks[lane] = _LaneWalk(report, seals, lane)  # sealed, but no entry left at all
        for each in walks.values():
            each.finish()
        report.lanes = len([w for w in walks.values() if w.first_at is not None])
        if report.entries == 0 or report.first_seq is None:
            start_seq, start_hash = seals.start.get(0, (1, chain.GENESIS))
            if report.first_seq is None:
                report.head_seq, report.head_hash = start_seq - 1, start_hash
        if report.last_seal_day is not None:
            first_unsealed: date | None = report.last_seal_day + timedelta(days=1)
        else:
            starts = [w.first_at for w in walks.values() if w.first_at is not None]
            first_unsealed = chain.utc_day(min(starts)) if starts else None
        today = chain.utc_day(now)
        day = first_unsealed
        while day is not None and day < today and len(report.unsealed_days) < 400:
            report.unsealed_days.append(day)
            day += timedelta(days=1)
    report.problems.sort()
    return report
