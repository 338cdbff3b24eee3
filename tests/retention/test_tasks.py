from datetime import date, time

import pytest

from charte.core import schedule
from charte.retention import tasks
from charte.retention.models import ExpiryNotice
from tests.retention.helpers import account_created, exists

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
