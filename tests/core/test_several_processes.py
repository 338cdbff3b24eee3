"""Two task workers and two schedulers on one PostgreSQL, started for real as processes: no
task is run twice or lost, and no periodic job is enqueued twice. Bounded in time."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from charte.audit.models import Entry
from charte.core.models import ScheduledJob
from tests.audit.conftest import postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASKS = 30


def environment() -> dict[str, str]:
    name = connection.settings_dict["NAME"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "JOURNAL_KEY": settings.CHARTE_JOURNAL_KEY,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TEST_DATABASE_NAME": "",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # fixed commands, no outside input
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_two_workers_run_each_task_once_and_two_schedulers_enqueue_each_job_once():
    from django_tasks_db.models import DBTaskResult

    enqueue = manage(
        "shell",
        "-c",
        "from charte.audit.tasks import verify_journal_task\n"
        f"for _ in range({TASKS}): verify_journal_task.enqueue()",
    )
    assert enqueue.wait(timeout=120) == 0, enqueue.stderr.read() if enqueue.stderr else ""
    # Both schedulers tick at the same moment, then both workers drain the queue together.
    schedulers = [manage("scheduler", "--once") for _ in range(2)]
    assert [s.wait(timeout=120) for s in schedulers] == [0, 0]
    workers = [
        manage("db_worker", "--batch", "--no-startup-delay", "--worker-id", f"worker-{n}")
        for n in range(2)
    ]
    codes = [w.wait(timeout=300) for w in workers]

    assert codes == [0, 0], [w.stderr.read() if w.stderr else b"" for w in workers]
    results = list(DBTaskResult.objects.all())
    verify_runs = [r for r in results if r.task_path.endswith("verify_journal_task")]
    # None lost: every task was taken and finished (a periodic job's own failure is its app's
    # business, and is retried at its next period); the verifications all succeeded.
    assert all(r.status in {"SUCCESSFUL", "FAILED"} for r in results)
    assert all(r.status == "SUCCESSFUL" for r in verify_runs)
    assert all(len(r.worker_ids) == 1 for r in results)  # each claimed by one worker only
    # Each verification ran once: one journal entry per task, none lost, none twice.
    assert Entry.objects.filter(event="journal.verified").count() == len(verify_runs)
    assert len(verify_runs) >= TASKS
    # Each periodic job was enqueued once, though two schedulers ticked at the same moment.
    jobs = ScheduledJob.objects.exclude(last_enqueued_at=None)
    assert jobs.exists()
    per_task: dict[str, int] = {}
    for result in results:
        per_task[result.task_path] = per_task.get(result.task_path, 0) + 1
    for job in jobs:
        assert job.last_task_id
    scheduled = len(results) - TASKS
    assert scheduled == jobs.count()
    assert {r.worker_ids[0] for r in results} <= {"worker-0", "worker-1"}
