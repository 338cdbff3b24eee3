# ruff: noqa: S608  (tampering with the journal in SQL is what these tests do)
"""Reads of many people journalled in one batch: one lane claimed, one multi-row insert.

A class's results page journals one "read.results" per pupil shown. Appended in one batch, the
entries cost the same few queries for 10 pupils as for 1,000, and they are ordinary entries of
the chain: consecutive positions of one lane, each signed from the one before, sealed with
their day, and `journal verify` names any change to them as it would to entries appended one
by one.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from charte import audit
from charte.audit import chain, events
from charte.audit.models import Entry
from charte.audit.watch import POLICY
from tests.audit.conftest import JSON_CAST, json_param, run_journal, tamper, write
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.learning import catalogue, chloe_class, enrol, make_pupil, school

__all__ = ["catalogue", "chloe_class", "school"]

pytestmark = pytest.mark.django_db


def assert_broken(first: str) -> str:
    code, out, err = run_journal("verify")
    assert code == 1, out + err
    assert err.splitlines()[0] == f"Journal broken: {first}", err
    return err


def people(n: int) -> list:
    return [make_user(consents=False) for _ in range(n)]


def test_a_batch_is_one_run_of_one_lane_each_entry_signed_from_the_one_before(teacher_chloe):
    write(2)
    pupils = people(5)

    written = audit.record_reads(
        viewer=teacher_chloe, subjects=[*pupils, pupils[0], teacher_chloe], what="results"
    )

    # Each person once; the viewer's own data is not a read of someone else's.
    assert [e.subject_ref for e in written] == [f"user:{p.public_id}" for p in pupils]
    entries = list(Entry.objects.order_by("lane", "seq"))
    assert [e.pk for e in entries[-5:]] == [e.pk for e in written]
    assert [(e.lane, e.seq) for e in entries] == [(0, seq) for seq in range(1, len(entries) + 1)]
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    for e in entries:
        content = chain.entry_bytes(
            e.seq, e.at, e.event, e.actor_ref, e.subject_ref, e.data, e.ip, e.user_agent
        )
        assert e.hash == chain.entry_hash(e.prev_hash, content)
    assert {e.event for e in written} == {"read.results"}
    assert {e.actor_ref for e in written} == {f"user:{teacher_chloe.public_id}"}
    assert run_journal("verify")[0] == 0


def test_a_batch_costs_the_same_queries_for_ten_people_as_for_two_hundred(teacher_chloe):
    write(1)
    counts = []
    for n in (10, 200):
        pupils = people(n)
        with CaptureQueriesContext(connection) as queries:
            written = audit.record_reads(viewer=teacher_chloe, subjects=pupils, what="results")
        assert len(written) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 2  # the lane claimed (its lock and head), then one multi-row insert
    assert run_journal("verify")[0] == 0


def test_an_entry_appended_after_a_batch_follows_it(teacher_chloe):
    pupils = people(3)
    *_, last = audit.record_reads(viewer=teacher_chloe, subjects=pupils, what="results")
    after = write(1)[0]

    assert (after.lane, after.seq) == (last.lane, last.seq + 1)
    assert after.prev_hash == last.hash
    assert run_journal("verify")[0] == 0


@pytest.fixture
def sealed_batch(clock, teacher_chloe):
    """A batch of five reads on a sealed day (2026-03-02), and another of five today; returns
    the positions of both batches' entries."""
    pupils = people(10)
    first = audit.record_reads(viewer=teacher_chloe, subjects=pupils[:5], what="results")
    clock.advance(days=1)
    assert run_journal("seal")[0] == 0
    second = audit.record_reads(viewer=teacher_chloe, subjects=pupils[5:], what="results")
    assert run_journal("verify")[0] == 0
    return [e.seq for e in first], [e.seq for e in second]


@pytest.mark.parametrize(("batch", "day"), [(0, "2026-03-02"), (1, "2026-03-03")])
def test_an_edited_entry_of_a_batch_is_named(sealed_batch, batch, day):
    seq = sealed_batch[batch][2]
    tamper(
        f"UPDATE audit_entry SET data = %s{JSON_CAST} WHERE seq = %s",
        [json_param({"via": "forged"}), seq],
    )

    assert_broken(f"entry #{seq} ({day}T09:00:00Z): altered (its content does not match its hash)")


def test_a_removed_entry_of_a_batch_is_named(sealed_batch):
    seq = sealed_batch[0][1]
    last_sealed = sealed_batch[0][-1]
    tamper("DELETE FROM audit_entry WHERE seq = %s", [seq])

    err = assert_broken(
        f"entry #{seq}: missing (removed); the chain jumps to entry #{seq + 1} "
        "(2026-03-02T09:00:00Z)"
    )
    assert (
        f"seal of 2026-03-02: {last_sealed} entries sealed (#1 to #{last_sealed}), "
        f"{last_sealed - 1} found" in err
    )


def test_two_swapped_entries_of_a_batch_are_named(sealed_batch):
    # Same time, event and viewer: only whom each is about (and the chain) tells them apart.
    a, b = sealed_batch[1][1:3]
    one, two = Entry.objects.get(seq=a), Entry.objects.get(seq=b)
    columns = ["subject_ref", "prev_hash", "hash"]
    assignments = ", ".join(f"{c} = %s" for c in columns)
    tamper(
        f"UPDATE audit_entry SET {assignments} WHERE seq = %s",
        [*(getattr(two, c) for c in columns), a],
    )
    tamper(
        f"UPDATE audit_entry SET {assignments} WHERE seq = %s",
        [*(getattr(one, c) for c in columns), b],
    )

    err = assert_broken(
        f"entry #{a} (2026-03-03T09:00:00Z): does not follow the entry before it (entries were "
        "reordered, or the one before was replaced)"
    )
    assert f"entry #{b} (2026-03-03T09:00:00Z): altered" in err


def test_a_staff_account_reading_many_people_at_once_is_watched_as_one_by_one(
    cs_farid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        audit.record_reads(
            viewer=cs_farid, subjects=people(POLICY.staff_reads_floor + 1), what="account"
        )

    [alert] = journal(events.ALERT_STAFF_READS)
    assert alert.data["people"] == POLICY.staff_reads_floor + 1
    assert alert.subject_ref == f"user:{cs_farid.public_id}"


def test_a_staff_account_reading_a_few_people_at_once_raises_no_alert(cs_farid):
    audit.record_reads(viewer=cs_farid, subjects=people(POLICY.staff_reads_floor), what="account")

    assert journal(events.ALERT_STAFF_READS) == []
    assert len(journal("read.account")) == POLICY.staff_reads_floor


def test_an_archive_download_is_never_batched(guardian_anna):
    before = Entry.objects.count()
    with pytest.raises(ValueError, match="one at a time"):
        audit.record_reads(viewer=guardian_anna, subjects=[guardian_anna], what="archive")
    assert Entry.objects.count() == before


def test_a_class_results_page_journals_each_pupil_in_one_run(catalogue, chloe_class, teacher_chloe):
    pupils = [make_pupil(consents=False) for _ in range(30)]
    for pupil in pupils:
        enrol(pupil, chloe_class)
    client = client_for(teacher_chloe)
    before = Entry.objects.count()

    response = client.get(reverse("results:class_results", args=[chloe_class.public_id]))

    assert response.status_code == 200
    reads = journal("read.results")
    assert sorted(e.subject_ref for e in reads) == sorted(f"user:{p.public_id}" for p in pupils)
    assert {e.data["via"] for e in reads} == {"class_page"}
    assert len({e.lane for e in reads}) == 1
    positions = sorted(e.seq for e in reads)
    assert positions == list(range(positions[0], positions[0] + len(pupils)))
    assert Entry.objects.count() == before + len(pupils)
    assert run_journal("verify")[0] == 0
