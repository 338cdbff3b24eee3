from datetime import UTC, datetime, time, timedelta

import pytest

from charte.core import schedule
from charte.core.models import ScheduledJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setattr(schedule, "_jobs", {})
    enqueued: list[str] = []

    def fake_enqueue(job):
        enqueued.append(job.name)
        return f"task-{len(enqueued)}"

    return enqueued, fake_enqueue


def test_a_job_runs_once_per_period(jobs):
    enqueued, enqueue = jobs
    schedule.register(schedule.Job(name="demo.hourly", task=None, every=timedelta(hours=1)))
    start = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

    assert schedule.tick(now=start, enqueue=enqueue) == ["demo.hourly"]
    assert schedule.tick(now=start + timedelta(minutes=59), enqueue=enqueue) == []
    assert schedule.tick(now=start + timedelta(hours=1), enqueue=enqueue) == ["demo.hourly"]

    assert enqueued == ["demo.hourly", "demo.hourly"]
    assert ScheduledJob.objects.get(name="demo.hourly").last_task_id == "task-2"


def test_a_daily_job_waits_for_its_quiet_hour(jobs, settings):
    _, enqueue = jobs
    settings.TIME_ZONE = "Europe/Paris"
    schedule.register(
        schedule.Job(name="demo.nightly", task=None, every=timedelta(hours=20), at=time(2, 0))
    )

    # 00:30 in Paris is 23:30 UTC the day before: too early.
    assert schedule.tick(now=datetime(2026, 11, 25, 23, 30, tzinfo=UTC), enqueue=enqueue) == []
    assert schedule.tick(now=datetime(2026, 11, 26, 1, 5, tzinfo=UTC), enqueue=enqueue) == [
        "demo.nightly"
    ]
    assert schedule.tick(now=datetime(2026, 11, 26, 12, 0, tzinfo=UTC), enqueue=enqueue) == []


def test_a_name_cannot_be_registered_twice(jobs):
    schedule.register(schedule.Job(name="demo.once", task=None, every=timedelta(days=1)))

    with pytest.raises(ValueError, match="twice"):
        schedule.register(schedule.Job(name="demo.once", task=None, every=timedelta(days=1)))
