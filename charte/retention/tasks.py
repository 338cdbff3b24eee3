"""The nightly job: tell those whose data goes soon, then sweep what has expired."""

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
