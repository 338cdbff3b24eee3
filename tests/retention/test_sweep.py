"""The sweep, time-travelled around the school year's end: created on 30 August, on 1 September,
renewed, held; rows past their own period; the journal left to its owner."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from charte import audit
from charte.accounts.models import Role, Session, User
from charte.audit import retention as audit_retention
from charte.audit.actions import verify_journal
from charte.audit.models import Entry, Seal
from charte.core.actors import RETENTION, SEED
from charte.notifications.models import Message
from charte.retention import actions, handlers, sweep
from charte.retention.checks import check_handlers
from charte.retention.models import LegalHold, Renewal
from tests.conftest import journal
from tests.retention.helpers import account_created, exists, message_about, noon

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(dpo_elise):
    """Four accounts of the 2025 school year's end, and the DPO who holds one of them."""
    on_30_august = account_created(date(2025, 8, 30))
    on_1_september = account_created(date(2025, 9, 1))
    renewed = account_created(date(2025, 8, 30))
    actions.renew(
        person=renewed, source=Renewal.Source.PERSON, actor=renewed, today=date(2025, 10, 15)
    )
    held = account_created(date(2025, 8, 30))
    actions.place_hold(
        actor=dpo_elise, person=held, reason=LegalHold.Reason.LITIGATION, reference="LIT-7"
    )
    return on_30_august, on_1_september, renewed, held


def run(day, **kwargs):
    return sweep.run(today=day, actor=RETENTION, **kwargs)


def test_nothing_goes_on_the_last_day_it_is_kept(year):
    report = run(date(2025, 11, 30))

    assert all(exists(u) for u in year)
    assert report.outcome("account").expired == 0


def test_an_account_created_on_30_august_goes_on_1_december(year):
    on_30_august, on_1_september, renewed, held = year

    report = run(date(2025, 12, 1))

    assert not exists(on_30_august)
    assert exists(on_1_september)
    assert exists(renewed)
    assert exists(held)
    outcome = report.outcome("account")
    assert (outcome.expired, outcome.held) == (1, 1)
    assert outcome.report.deleted["accounts.User"] == 1


def test_created_on_1_september_or_renewed_it_lasts_one_more_school_year(year):
    _, on_1_september, renewed, held = year

    run(date(2026, 11, 30))
    assert exists(on_1_september)
    assert exists(renewed)

    run(date(2026, 12, 1))
    assert not exists(on_1_september)
    assert not exists(renewed)
    assert exists(held)


def test_a_held_account_goes_at_the_first_sweep_after_its_hold_is_lifted(year, dpo_elise):
    *_, held = year
    run(date(2026, 1, 10))
    assert exists(held)

    actions.lift_hold(hold=LegalHold.objects.get(person=held), actor=dpo_elise)
    run(date(2026, 1, 11))

    assert not exists(held)


def test_a_hold_with_an_end_date_stops_protecting_after_it(dpo_elise):
    person = account_created(date(2024, 1, 10))
    actions.place_hold(
        actor=dpo_elise,
        person=person,
        reason=LegalHold.Reason.AUTHORITY,
        until=timezone.localdate() + timedelta(days=10),
    )

    run(timezone.localdate() + timedelta(days=10))
    assert exists(person)
    run(timezone.localdate() + timedelta(days=11))
    assert not exists(person)


def test_staff_accounts_are_outside_the_school_year_rule(it_jules):
    User.objects.filter(pk=it_jules.pk).update(created_at=noon(date(2020, 1, 1)))

    run(date(2030, 1, 1))

    assert exists(it_jules)


def test_an_expired_account_goes_with_everything_about_it(guardian_anna):
    pupil = account_created(date(2024, 3, 1), role=Role.PUPIL)
    from charte.accounts import actions as accounts

    accounts.propose_guardianship(child=pupil, guardian=guardian_anna, actor=guardian_anna)
    message_about(pupil, timezone.localdate())
    actions.renew(
        person=pupil, source=Renewal.Source.GUARDIAN, actor=guardian_anna, today=date(2024, 5, 1)
    )

    run(date(2025, 12, 1))

    assert not exists(pupil)
    assert exists(guardian_anna)
    assert not Message.objects.filter(about_id=pupil.pk).exists()
    assert not Renewal.objects.filter(person_id=pupil.pk).exists()
    # The journal keeps its year: the pupil's entries stay, named by reference only.
    assert Entry.objects.filter(event="guardianship.proposed").exists()


def test_a_hold_on_an_object_keeps_it_and_the_accounts_it_is_about(dpo_elise):
    person = account_created(date(2024, 3, 1))
    kept = message_about(person, date(2024, 3, 2))
    other = account_created(date(2024, 3, 1))
    gone = message_about(other, date(2024, 3, 2))
    actions.place_hold(
        actor=dpo_elise,
        model_label="notifications.Message",
        object_id=str(kept.public_id),
        reason=LegalHold.Reason.PENDING_REQUEST,
    )

    report = run(date(2025, 12, 1))

    assert Message.objects.filter(pk=kept.pk).exists()
    assert exists(person)
    assert not Message.objects.filter(pk=gone.pk).exists()
    assert not exists(other)
    assert report.outcome("technical").held == 1
    assert report.outcome("account").held == 1


def test_rows_go_when_their_own_period_ends_and_not_a_day_before(guardian_anna):
    message = message_about(guardian_anna, date(2026, 3, 1))

    run(date(2026, 3, 31))  # kept 30 days: until 31 March included
    assert Message.objects.filter(pk=message.pk).exists()

    report = run(date(2026, 4, 1))
    assert not Message.objects.filter(pk=message.pk).exists()
    assert exists(guardian_anna)
    assert report.outcome("technical").report.deleted["notifications.Message"] == 1


def test_sessions_go_the_day_after_they_expire(guardian_anna, client):
    client.force_login(guardian_anna)
    session = Session.objects.get(user=guardian_anna)
    ends = session.expire_date

    run(ends.date())
    assert Session.objects.filter(pk=session.pk).exists()
    run(ends.date() + timedelta(days=2))
    assert not Session.objects.filter(pk=session.pk).exists()


@pytest.fixture
def journal_handler_away():
    """The journal's own handler set aside (it registers at start-up), and put back after."""
    own = handlers.handler_for("journal")
    handlers.unregister("journal")
    yield
    handlers.unregister("journal")
    if own is not None:
        handlers.register("journal", own)


def recorded_at(moment, monkeypatch, n=1):
    """Journal entries written, through the journal, at `moment`."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    entries = [audit.record(event="test.done", actor=SEED, data={"n": i}) for i in range(n)]
    monkeypatch.undo()
    return entries


def test_the_journal_is_never_swept_without_its_owners_handler(journal_handler_away, monkeypatch):
    [old] = recorded_at(noon(date(2020, 1, 1)), monkeypatch)

    report = run(date(2030, 1, 1))

    assert Entry.objects.filter(pk=old.pk).exists()
    assert report.outcome("journal").waiting_for_handler


def test_the_journal_owner_s_handler_is_called_with_the_cut_off(journal_handler_away):
    calls = []

    def handler(expiry):
        calls.append(expiry)
        return 0 if expiry.dry_run else 42

    handlers.register("journal", handler)
    report = run(date(2026, 6, 15))
    dry = run(date(2026, 6, 15), dry_run=True)

    assert report.outcome("journal").expired == 42
    assert dry.outcome("journal").expired == 0
    assert calls[0].cutoff == noon(date(2025, 6, 15)) - timedelta(hours=12)
    assert not calls[0].dry_run
    assert calls[1].dry_run


def test_the_journal_registers_its_own_prune_for_its_rule():
    assert handlers.handler_for("journal") is audit_retention.remove_expired


def test_the_sweep_removes_the_journal_s_days_past_their_year_by_sealed_day(monkeypatch):
    old = recorded_at(noon(date(2025, 1, 10)), monkeypatch, n=3)
    recent = recorded_at(noon(date(2025, 3, 1)), monkeypatch, n=2)
    # The sweep runs on 2026-01-12: days up to 2025-01-12 are past their year.
    monkeypatch.setattr(timezone, "now", lambda: noon(date(2026, 1, 12)))

    dry = run(date(2026, 1, 12), dry_run=True)
    assert dry.outcome("journal").expired == 0  # a dry run seals nothing, so nothing is due yet
    assert Entry.objects.filter(pk__in=[e.pk for e in old]).count() == 3

    report = run(date(2026, 1, 12))

    assert report.outcome("journal").expired == 3
    assert not Entry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert Entry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    seal = Seal.objects.get(day=date(2025, 1, 10))
    assert seal.pruned_as_of == date(2026, 1, 12)
    [pruned] = journal("journal.pruned")
    assert pruned.data["entries"] == 3
    assert not Seal.objects.filter(day=date(2025, 3, 1), pruned_at__isnull=False).exists()
    # Once sealed, a dry run counts what the next run would remove, and removes nothing.
    monkeypatch.setattr(timezone, "now", lambda: noon(date(2026, 3, 5)))
    assert run(date(2026, 3, 5), dry_run=True).outcome("journal").expired == 2
    assert Entry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    assert verify_journal().ok


def test_a_rule_cannot_have_two_handlers_or_an_unknown_code():
    handlers.register("proof", lambda expiry: 0)
    try:
        with pytest.raises(ValueError, match="already"):
            handlers.register("proof", lambda expiry: 0)
    finally:
        handlers.unregister("proof")
    handlers.register("forever", lambda expiry: 0)
    try:
        [error] = check_handlers()
    finally:
        handlers.unregister("forever")
    assert error.id == "charte.E104"
    assert "'forever'" in error.msg


def test_a_dry_run_counts_and_changes_nothing(year):
    before = (User.objects.count(), Entry.objects.count())

    report = run(date(2026, 12, 1), dry_run=True)

    assert report.outcome("account").expired == 3
    assert report.outcome("account").held == 1
    assert (User.objects.count(), Entry.objects.count()) == before


def test_each_rule_s_counts_go_to_the_journal(year):
    run(date(2025, 12, 1))

    [account] = [e for e in journal("retention.rule_swept") if e.data["rule"] == "account"]
    assert account.data["expired"] == 1
    assert account.data["held"] == 1
    assert account.data["deleted"]["accounts.User"] == 1
    [whole] = journal("retention.swept")
    assert whole.data["rules"]["account"] == 1
    assert whole.actor_ref == "system:retention"


def test_small_batches_give_the_same_result_as_one(year):
    for n in range(5):
        account_created(date(2024, 1, 1 + n))

    report = run(date(2025, 12, 1), batch_size=2)

    assert report.outcome("account").expired == 6
    assert User.objects.filter(created_at__lt=noon(date(2025, 9, 1))).count() == 2  # renewed, held
    assert SEED  # the seed actor created them; the sweep acted as retention


def test_a_run_of_expired_accounts_is_swept_by_its_key_range_and_the_others_stay(dpo_elise):
    # Accounts created together have neighbouring keys: each statement then names their rows by
    # a range on its own foreign key instead of deriving the expired accounts again.
    kept_before = account_created(date(2025, 9, 1))
    expired = [account_created(date(2024, 1, 1 + n)) for n in range(3)]
    for person in expired:
        message_about(person, date(2024, 1, 1))
    kept_after = account_created(date(2025, 9, 1))
    message_about(kept_after, date(2025, 12, 1))

    with CaptureQueriesContext(connection) as queries:
        report = run(date(2025, 12, 1))

    assert report.outcome("account").expired == 3
    assert not any(exists(person) for person in expired)
    assert exists(kept_before)
    assert exists(kept_after)
    assert Message.objects.filter(about=kept_after).count() == 1
    assert not Message.objects.filter(about_id__in=[p.pk for p in expired]).exists()
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert any("notifications_message" in sql for sql in deletes)
    assert not [sql for sql in deletes if '"is_staff"' in sql]


def test_an_account_kept_amid_expired_ones_stays_and_they_go(dpo_elise):
    first = account_created(date(2024, 1, 1))
    kept = account_created(date(2025, 9, 1))
    last = account_created(date(2024, 1, 2))

    report = run(date(2025, 12, 1))

    assert report.outcome("account").expired == 2
    assert not exists(first)
    assert not exists(last)
    assert exists(kept)
