"""Periodic jobs: a small registry, and a tick that hands due jobs to the task worker.

Design: Django's tasks framework runs tasks but does not schedule them. Each app registers its
periodic jobs here in `AppConfig.ready()` (`schedule.register(Job(...))`); `manage.py scheduler`
calls `tick()` every half minute (or once, from cron, with `--once`). `tick()` decides in the
database, row by row under a lock, whether a job is due, so that two schedulers never enqueue
the same run twice. Jobs themselves must be safe to run again (all our batch jobs are): a run
that was enqueued but lost is simply done at the next period.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True, kw_only=True)
class Job:
    name: str
    task: Any  # a django.tasks Task
    every: timedelta
    at: time | None = None  # for daily jobs: not before this local time (quiet hours)
    kwargs: dict[str, Any] = field(default_factory=dict)

    def is_due(self, *, now: datetime, last: datetime | None) -> bool:
        if self.at is not None:
            local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
            if local.time() < self.at:
                return False
        return last is None or now - last >= self.every


_jobs: dict[str, Job] = {}


def register(job: Job) -> None:
    if job.name in _jobs:
        raise ValueError(f"The periodic job {job.name!r} is registered twice.")
    _jobs[job.name] = job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def tick(*, now: datetime | None = None, enqueue: Callable[[Job], str] | None = None) -> list[str]:
    """Enqueue every due job once; return their names."""
    from charte.core.models import ScheduledJob

    now = now or timezone.now()
    enqueue = enqueue or _enqueue
    started = []
    for job in jobs():
        with transaction.atomic():
            row, _ = ScheduledJob.objects.select_for_update().get_or_create(name=job.name)
            if not job.is_due(now=now, last=row.last_enqueued_at):
                continue
            row.last_enqueued_at = now
            row.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(partial(_record_task_id, row.pk, job, enqueue))
        started.append(job.name)
    return started


def _enqueue(job: Job) -> str:
    result = job.task.enqueue(**job.kwargs)
    return str(result.id)


def _record_task_id(row_pk: int, job: Job, enqueue: Callable[[Job], str]) -> None:
    from charte.core.models import ScheduledJob

    ScheduledJob.objects.filter(pk=row_pk).update(last_task_id=enqueue(job)[:64])
