"""Sealing each day, and removing whole days after a year while what remains still verifies."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings

from charte.accounts.models import Role
from charte.audit import actions, chain
from charte.audit.models import Entry, Seal
from charte.audit.tasks import prune_journal_task, seal_journal_task
from charte.audit.verify import verify
from tests.audit.conftest import run_journal, tamper, write
from tests.conftest import journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db

START = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def five_days(clock):
    """Four entries a day from 10 to 14 January 2025, sealed every night by the daily job."""
    clock.set(START)
    for _ in range(5):
        write(4)
        clock.advance(days=1)
        seal_journal_task.enqueue()
    return clock


def test_each_complete_day_is_sealed_once_with_its_root_and_chained_to_the_one_before(five_days):
    seals = list(Seal.objects.order_by("day"))

    assert [s.day for s in seals] == [date(2025, 1, d) for d in range(10, 15)]
    assert seals[0].prev_hash == chain.GENESIS
    assert [s.prev_hash for s in seals[1:]] == [s.hash for s in seals[:-1]]
    first_day = list(
        Entry.objects.filter(seq__lte=4).order_by("seq").values_list("hash", flat=True)
    )
    assert (seals[0].first_seq, seals[0].last_seq, seals[0].count) == (1, 4, 4)
    assert seals[0].root == chain.merkle_root(first_day)
    assert seals[0].last_entry_hash == first_day[-1]
    # Each seal is journalled, and its entry dates everything after it in the next day.
    sealed = journal("journal.sealed")
    assert [e.data["first_day"] for e in sealed] == [f"2025-01-{d}" for d in range(10, 15)]
    assert sealed[0].data == {
        "days": 1,
        "first_day": "2025-01-10",
        "last_day": "2025-01-10",
        "entries": 4,
        "seal": seals[0].hash,
    }
    assert seals[1].first_seq == 5  # day 2 starts with the entry that sealed day 1
    assert Entry.objects.get(seq=5).event == "journal.sealed"
    assert run_journal("seal")[1] == "Nothing to seal: every complete day is sealed.\n"


def test_a_day_without_entries_is_sealed_too_so_that_seals_leave_no_gap(clock):
    clock.set(START)
    write(1)
    clock.advance(days=3)

    code, out, _ = run_journal("seal")

    assert code == 0
    assert [s.count for s in Seal.objects.order_by("day")] == [1, 0, 0]
    assert "Sealed 2025-01-11: 0 entries (#2 to #1)" in out
    [sealed] = journal("journal.sealed")  # three days, one transaction
    assert sealed.data["days"] == 3
    assert verify(now=clock.now).ok


def test_the_seal_is_written_to_the_application_log_as_the_copy_kept_outside(
    clock, caplog, django_capture_on_commit_callbacks
):
    clock.set(START)
    write(1)
    clock.advance(days=1)

    with (
        caplog.at_level("INFO", logger="charte.journal"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [seal] = actions.seal_journal()

    assert f"journal sealed day=2025-01-10 entries=1 last_seq=1 seal={seal.hash}" in caplog.text


def test_a_day_that_does_not_verify_is_not_sealed_and_it_and_the_dpo_are_alerted(
    clock, mailoutbox, django_capture_on_commit_callbacks
):
    clock.set(START)
    make_user(role=Role.IT)
    make_user(role=Role.DPO)
    clock.advance(days=1)
    write(2)
    clock.advance(days=1)
    tamper("UPDATE audit_entry SET event = 'forged' WHERE seq = 4")  # the second day's

    with django_capture_on_commit_callbacks(execute=True):
        code, out, err = run_journal("seal")

    assert code == 1
    assert "Sealed 2025-01-10: 2 entries" in out
    assert "Journal broken, not sealed: entry #4 was altered." in err
    assert [s.day for s in Seal.objects.all()] == [date(2025, 1, 10)]
    [alert] = journal("alert.journal_broken")
    assert alert.data == {"problems": 1, "first_seq": 4}
    assert len(mailoutbox) == 2


def test_after_a_year_the_old_days_are_gone_their_seals_stay_and_the_rest_verifies(five_days):
    clock = five_days
    clock.set(datetime(2026, 1, 12, 3, 0, tzinfo=UTC))  # 10, 11 and 12 January 2025 are a year old

    code, out, _ = run_journal("prune")

    assert code == 0, out
    assert "Removed 14 entries: 3 days (2025-01-10 to 2025-01-12). Their seals are kept." in out
    pruned = Seal.objects.filter(pruned_at__isnull=False).order_by("day")
    assert [s.day for s in pruned] == [date(2025, 1, 10), date(2025, 1, 11), date(2025, 1, 12)]
    assert Seal.objects.count() == 367  # every day from 10 January 2025 to yesterday
    assert not Entry.objects.filter(at__lt=datetime(2025, 1, 13, tzinfo=UTC)).exists()
    assert Entry.objects.filter(at__lt=datetime(2025, 1, 14, tzinfo=UTC)).count() == 5
    [entry] = journal("journal.pruned")
    assert entry.actor_ref == "system:retention"
    assert entry.data == {
        "days": 3,
        "entries": 14,
        "first_day": "2025-01-10",
        "last_day": "2025-01-12",
        "as_of": "2026-01-12",
    }
    code, out, err = run_journal("verify")
    assert code == 0, err
    assert "Days removed after their year: 3 (their seals are kept)" in out
    # Tampering with what remains is still caught, right after the removed days.
    tamper("UPDATE audit_entry SET event = 'forged' WHERE seq = 15")
    assert run_journal("verify")[0] == 1


def test_pruning_again_changes_nothing(five_days):
    five_days.set(datetime(2026, 1, 12, 3, 0, tzinfo=UTC))
    run_journal("prune")
    entries = Entry.objects.count()

    _, out, _ = run_journal("prune")

    assert out == "Nothing to remove: no sealed day is older than a year.\n"
    assert Entry.objects.count() == entries
    assert len(journal("journal.pruned")) == 1


def test_pruning_goes_in_small_batches_to_the_same_end(five_days):
    five_days.set(datetime(2026, 1, 12, 3, 0, tzinfo=UTC))

    result = actions.prune_journal(batch_size=2)

    assert (len(result.days), result.entries) == (3, 14)
    assert verify().ok


def test_a_prune_stopped_halfway_is_finished_by_the_next_run_and_verifies_meanwhile(five_days):
    five_days.set(datetime(2026, 1, 12, 3, 0, tzinfo=UTC))
    first = Seal.objects.get(day=date(2025, 1, 10))
    actions._stamp_pruned(
        seal=first, as_of=date(2026, 1, 12), batch_size=1, result=actions.Pruned()
    )

    report = verify()
    assert report.ok, report.problems
    assert report.awaiting_removal == 3
    assert "3 entries of removed days are still there" in run_journal("verify")[1]

    actions.prune_journal()

    assert verify().ok
    assert verify().awaiting_removal == 0


def test_the_year_is_counted_from_the_day_and_can_be_counted_to_another_date(five_days):
    five_days.set(datetime(2026, 1, 20, tzinfo=UTC))

    _, out, _ = run_journal("prune", "--today", "2026-01-10")

    assert "1 days (2025-01-10 to 2025-01-10)" in out
    assert Seal.objects.get(day=date(2025, 1, 10)).pruned_as_of == date(2026, 1, 10)
    assert verify().ok


def test_nothing_is_removed_before_its_year(five_days):
    five_days.set(datetime(2026, 1, 9, 23, 0, tzinfo=UTC))

    _, out, _ = run_journal("prune")

    assert out == "Nothing to remove: no sealed day is older than a year.\n"
    assert Entry.objects.filter(seq=1).exists()


def test_unsealed_days_are_not_removed_even_when_old(clock):
    clock.set(START)
    write(3)
    clock.advance(days=1)
    write(1)
    tamper("UPDATE audit_entry SET event = 'forged' WHERE seq = 2")  # so day 1 cannot be sealed
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))

    _, _, err = run_journal("prune")

    assert "Journal broken, sealing stopped: entry #2 was altered." in err
    assert Entry.objects.count() >= 4  # kept as evidence until someone looks


def test_the_daily_prune_task_seals_first(clock):
    clock.set(START)
    write(2)
    clock.set(datetime(2026, 1, 11, tzinfo=UTC))

    prune_journal_task.enqueue()

    assert Seal.objects.get(day=date(2025, 1, 10)).pruned_at is not None
    assert not Entry.objects.filter(seq__lte=2).exists()
    assert verify().ok


def test_a_bad_date_for_today_is_refused_plainly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="'2026-13-01' is not a date written YYYY-MM-DD"):
        run_journal("prune", "--today", "2026-13-01")


def test_verify_says_which_complete_days_wait_for_their_seal(clock):
    clock.set(START)
    write(1)
    clock.advance(days=2)

    out = run_journal("verify")[1]

    assert "Complete days not sealed yet: 2 (from 2025-01-10): run `manage.py journal seal`." in out


@override_settings(CHARTE_JOURNAL_KEY="x" * 40)
def test_one_year_after_the_29th_of_february_is_the_28th(db):
    from charte.audit.verify import one_year_after

    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert one_year_after(date(2026, 3, 2)) == date(2027, 3, 2)
    assert timedelta(days=365) <= one_year_after(date(2025, 1, 10)) - date(2025, 1, 10)
