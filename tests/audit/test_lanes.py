# ruff: noqa: S608  (tampering with the journal in SQL is what these tests do)
"""The journal as several lanes: each a chain of its own, joined every night by the seal.

Entries are written to lanes 0 and 3 (a connection's lane is the one it tries first, which
these tests set), over three days sealed and one day not, then changed behind the
application's back: `journal verify` still names each change and where, lane included.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from charte.audit import chain
from charte.audit.models import Entry, Seal
from charte.audit.verify import verify
from tests.audit.conftest import JSON_CAST, json_param, run_journal, tamper, write

pytestmark = pytest.mark.django_db


@contextmanager
def lane(number: int) -> Iterator[None]:
    """Write in lane `number`: the lane this connection tries first, its expected head unknown."""
    before = getattr(connection, "charte_journal_lane", 0)
    connection.charte_journal_lane = number  # type: ignore[attr-defined]
    connection.charte_journal_head = None  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection.charte_journal_lane = before  # type: ignore[attr-defined]
        connection.charte_journal_head = None  # type: ignore[attr-defined]


def assert_broken(first: str) -> str:
    code, out, err = run_journal("verify")
    assert code == 1, out + err
    assert err.splitlines()[0] == f"Journal broken: {first}", err
    return err


@pytest.fixture
def two_lanes(clock, db):
    """Three days of two entries in lane 0 and two in lane 3, sealed; then one more of each."""
    for _ in range(3):
        write(2)
        with lane(3):
            write(2, event="test.lane")
        clock.advance(days=1)
    with lane(0):
        assert run_journal("seal")[0] == 0
    write(1, event="test.today")
    with lane(3):
        write(1, event="test.today")
    return clock


def in_lane(number: int, seq: int) -> Entry:
    return Entry.objects.get(lane=number, seq=seq)


def test_each_lane_is_a_chain_of_its_own_and_the_seal_holds_every_lane(two_lanes):
    for number in (0, 3):
        entries = list(Entry.objects.filter(lane=number).order_by("seq"))
        assert entries[0].prev_hash == chain.GENESIS
        assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    first = Seal.objects.get(day=date(2026, 3, 2))
    lane3 = list(Entry.objects.filter(lane=3, seq__lte=2).values_list("hash", flat=True))
    assert (first.first_seq, first.last_seq, first.count) == (1, 2, 4)
    assert first.lanes == {"3": [1, 2, lane3[-1], chain.merkle_root(lane3)]}
    second = Seal.objects.get(day=date(2026, 3, 3))
    assert second.lanes["3"][:2] == [3, 4]
    report = verify()
    assert report.ok, report.problems
    assert (report.entries, report.lanes) == (3 * 4 + 2 + 1, 2)  # with the sealing's own entry


def test_a_lane_is_signed_with_its_number_so_an_entry_cannot_change_lane(two_lanes):
    last = Entry.objects.filter(lane=3).order_by("-seq")[0]
    tamper("UPDATE audit_entry SET lane = 5 WHERE id = %s", [last.id])

    err = assert_broken(
        "entries #1 to #6 of lane 5: missing (removed); the chain jumps to entry #7 of lane 5 "
        "(2026-03-05T09:00:00Z)"
    )
    assert "entry #7 of lane 5 (2026-03-05T09:00:00Z): altered" in err


def test_an_edited_entry_of_another_lane_is_named_with_its_lane(two_lanes):
    tamper(
        f"UPDATE audit_entry SET data = %s{JSON_CAST} WHERE lane = 3 AND seq = 3",
        [json_param({"n": 99})],
    )

    assert_broken(
        "entry #3 of lane 3 (2026-03-03T09:00:00Z): altered (its content does not match its hash)"
    )


def test_a_removed_entry_of_another_lane_is_named(two_lanes):
    tamper("DELETE FROM audit_entry WHERE lane = 3 AND seq = 4")

    err = assert_broken(
        "entry #4 of lane 3: missing (removed); the chain jumps to entry #5 of lane 3 "
        "(2026-03-04T09:00:00Z)"
    )
    assert "seal of 2026-03-03: lane 3: 2 entries sealed (#3 to #4), 1 found" in err


def test_a_whole_lane_removed_after_its_seal_is_named(two_lanes):
    tamper("DELETE FROM audit_entry WHERE lane = 3")

    err = assert_broken("seal of 2026-03-02: lane 3: 2 entries sealed (#1 to #2), 0 found")
    assert "seal of 2026-03-04: lane 3: 2 entries sealed (#5 to #6), 0 found" in err


def test_two_entries_swapped_across_lanes_are_named(two_lanes):
    zero, three = in_lane(0, 3), in_lane(3, 3)
    tamper("UPDATE audit_entry SET lane = 9 WHERE id = %s", [zero.id])
    tamper("UPDATE audit_entry SET lane = 0 WHERE id = %s", [three.id])
    tamper("UPDATE audit_entry SET lane = 3 WHERE id = %s", [zero.id])

    err = assert_broken(
        "entry #3 (2026-03-03T09:00:00Z): does not follow the entry before it (entries were "
        "reordered, or the one before was replaced)"
    )
    assert "entry #3 of lane 3 (2026-03-03T09:00:00Z): does not follow" in err


def test_a_forged_lane_in_a_seal_is_named(two_lanes):
    seal = Seal.objects.get(day=date(2026, 3, 3))
    forged = dict(seal.lanes)
    forged["3"] = [3, 3, forged["3"][2], forged["3"][3]]
    tamper(
        "UPDATE audit_seal SET lanes = %s" + JSON_CAST + " WHERE day = '2026-03-03'",
        [json_param(forged)],
    )

    err = assert_broken("seal of 2026-03-03: altered (its content does not match its signature)")
    assert "seal of 2026-03-03: its count (4) is not the sum of its lanes' entries" in err


def test_a_lane_dropped_from_a_seal_is_named(two_lanes):
    tamper(
        "UPDATE audit_seal SET lanes = %s" + JSON_CAST + " WHERE day = '2026-03-04'",
        [json_param({})],
    )

    err = assert_broken("seal of 2026-03-04: altered (its content does not match its signature)")
    assert "seal of 2026-03-04: lane 3, sealed the day before, is missing" in err


def test_an_entry_written_after_the_seal_is_dated_after_the_sealed_days(clock, db):
    """A clock behind the others' cannot date a new lane's entry inside a sealed day."""
    write(1)
    clock.advance(days=1)
    assert run_journal("seal")[0] == 0
    clock.advance(days=-1)  # this server's clock is a day late
    with lane(4):
        [late] = write(1, event="test.late")

    assert late.at.date() == date(2026, 3, 3)
    assert verify().ok


def test_pruning_removes_every_lane_of_a_day_and_what_remains_verifies(two_lanes):
    clock = two_lanes
    clock.set(clock.now.replace(year=2027, day=4))
    code, out, _ = run_journal("prune")

    assert code == 0, out
    assert not Entry.objects.filter(at__lt=datetime(2026, 3, 5, tzinfo=UTC)).exists()
    assert Entry.objects.filter(lane=3).exists()  # today's
    report = verify()
    assert report.ok, report.problems
