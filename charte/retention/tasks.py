"""The nightly jobs: tell those whose data goes soon, then sweep what has expired; later in the
night, once every job that erases has run, compute the forecast for the DPO's home page."""

from typing import Any

from django.tasks import task
from django.utils import timezone

from charte.core.actors import RETENTION
from charte.retention import actions, sweep


@task()
def nightly() -> dict[str, Any]:
    today = timezone.localdate()
    notices = actions.send_expiry_notices(today=today, actor=RETENTION)
    report = sweep.run(today=today, actor=RETENTION)
    return {
        "today": today.isoformat(),
        "notices": notices,
        "swept": {o.rule.code: o.expired for o in report.outcomes},
    }


@task()
def store_forecast() -> dict[str, Any]:
    today = timezone.localdate()
    stored = actions.store_forecast(today=today, actor=RETENTION)
    return {"today": today.isoformat(), "rules": len(stored.rules)}
