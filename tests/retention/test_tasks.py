import json
from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from charte.accounts.models import User
from charte.core import schedule
from charte.retention import actions, forecast, tasks
from charte.retention.models import ExpiryNotice, LegalHold, StoredForecast
from tests.conftest import journal
from tests.retention.helpers import account_created, exists, message_about

pytestmark = pytest.mark.django_db


def test_the_sweep_runs_every_night_in_the_quiet_hours():
    [job] = [j for j in schedule.jobs() if j.name == "retention.nightly"]

    assert job.at == time(2, 30)
    assert job.task is tasks.nightly


def test_the_nightly_task_sends_notices_then_sweeps(monkeypatch):
    """One night: the account whose end is near is told, the account past its end goes."""
    soon = account_created(date(2026, 3, 1))  # its notice is due on 5 November 2026
    gone = account_created(date(2023, 3, 1))  # past its retention long before
    localdate = tasks.timezone.localdate
    monkeypatch.setattr(
        tasks.timezone,
        "localdate",
        lambda value=None, *a, **k: (
            date(2026, 11, 5) if value is None else localdate(value, *a, **k)
        ),
    )

    result = tasks.nightly.enqueue()

    assert result.return_value["notices"] == 1
    assert list(ExpiryNotice.objects.values_list("person", flat=True)) == [soon.pk]
    assert result.return_value["swept"]["account"] == 1
    assert exists(soon)
    assert not exists(gone)


def test_the_forecast_is_computed_each_night_after_the_nights_erasures():
    [job] = [j for j in schedule.jobs() if j.name == "retention.forecast"]
    night = [j.at for j in schedule.jobs() if j.at is not None and j.at < time(7)]

    assert job.task is tasks.store_forecast
    assert job.at is not None
    assert job.at == max(night)  # the sweep at 2:30, the consent and family erasures until 3:40


def varied_retention(dpo):
    """Accounts past their end (one held, one active lately) and a message about to go."""
    today = timezone.localdate()
    account_created(date(2024, 1, 10))
    held = account_created(date(2024, 1, 10))
    active = account_created(date(2024, 1, 10))
    User.objects.filter(pk=active.pk).update(last_seen_at=timezone.now())
    message_about(active, today - timedelta(days=15))
    actions.place_hold(
        actor=dpo, person=held, reason=LegalHold.Reason.LITIGATION, reference="LIT-1"
    )
    return today


def test_the_job_stores_what_the_forecast_computes(dpo_elise):
    today = varied_retention(dpo_elise)

    result = tasks.store_forecast.enqueue()

    stored = StoredForecast.objects.get()
    live = forecast.forecast(today)
    assert stored.day == today
    assert [forecast.Forecast.from_data(d) for d in stored.rules] == [
        replace(item, samples=[], note="") for item in live
    ]
    by_rule = {f.rule.code: f for f in live}
    assert by_rule["account"].due_now == 2  # of three past their end, one held
    technical = by_rule["technical"]
    assert (technical.upcoming, technical.active) == (1, 1)
    assert technical.per_model["notifications.Message"] == 1
    assert result.return_value == {"today": today.isoformat(), "rules": len(live)}
    [entry] = journal("retention.forecast_stored")
    assert entry.actor_ref == "system:retention"
    assert entry.data == {"today": today.isoformat(), "rules": len(live)}


def test_the_stored_forecast_names_nobody(dpo_elise):
    varied_retention(dpo_elise)
    people = {str(p) for p in User.objects.values_list("public_id", flat=True)}

    tasks.store_forecast.enqueue()

    stored = json.dumps(StoredForecast.objects.get().rules)
    assert not [p for p in people if p in stored]


def test_running_the_job_again_replaces_the_days_figures(dpo_elise):
    today = varied_retention(dpo_elise)
    tasks.store_forecast.enqueue()
    first = StoredForecast.objects.get()
    account_created(date(2024, 1, 10))  # one more account due

    tasks.store_forecast.enqueue()

    second = StoredForecast.objects.get()  # one row still: replaced, not added
    assert second.day == today
    assert second.computed_at >= first.computed_at
    due = {d["rule"]: d["due_now"] for d in second.rules}
    assert due["account"] == {d["rule"]: d["due_now"] for d in first.rules}["account"] + 1
    assert len(journal("retention.forecast_stored")) == 2


def test_a_new_day_replaces_the_day_before():
    tasks.store_forecast.enqueue()
    StoredForecast.objects.update(day=F("day") - timedelta(days=1))

    tasks.store_forecast.enqueue()

    assert list(StoredForecast.objects.values_list("day", flat=True)) == [timezone.localdate()]
