"""Two web processes, two task workers and two schedulers on one PostgreSQL, started for real
as processes: requests to both web processes enqueue tasks, no task is run twice or lost, and
no periodic job is enqueued twice. Bounded in time."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from charte.audit.models import Entry
from charte.core.models import ScheduledJob
from charte.notifications.models import Message
from tests.audit.conftest import postgres_only
from tests.factories import make_user

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASKS = 30
# Password resets asked through each web process: each enqueues the delivery of one email.
RESETS = 6
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment(var: Path) -> dict[str, str]:
    name = connection.settings_dict["NAME"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "JOURNAL_KEY": settings.CHARTE_JOURNAL_KEY,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TEST_DATABASE_NAME": "",
        "LOG_LEVEL": "WARNING",
        "CHARTE_VAR_DIR": str(var),  # the emails, as files under var/mail
    }


def manage(var: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # fixed commands, no outside input
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(var),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def web_process(var: Path, port: int) -> subprocess.Popen[bytes]:
    """A web process as in production: gunicorn, one sync worker, on loopback."""
    return subprocess.Popen(  # fixed command, no outside input
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"),
        ],
        cwd=ROOT,
        env=environment(var),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def answering(port: int, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/compte/connexion/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            assert server.poll() is None, server.stderr.read() if server.stderr else b""
            assert time.monotonic() < deadline, f"no answer on port {port}"
            time.sleep(0.3)


def ask_password_reset(port: int, email: str) -> int:
    """As a browser does: the form (its CSRF cookie and token), then the form posted back."""
    path = "/compte/mot-de-passe/oublie/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    page = conn.getresponse()
    cookie = SimpleCookie(page.getheader("Set-Cookie", ""))["csrftoken"].value
    found = CSRF.search(page.read().decode())
    assert found
    body = f"csrfmiddlewaretoken={found.group(1)}&email={email.replace('@', '%40')}"
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
    )
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return answer.status


def test_two_web_processes_and_two_workers_run_each_task_once_and_two_schedulers_one_job(
    tmp_path,
):
    from django_tasks_db.models import DBTaskResult

    people = [
        make_user(email=f"oubli{n}@famille.test", first_name=f"Oubli{n}") for n in range(2 * RESETS)
    ]
    ports = [free_port(), free_port()]
    # Everything starts at once: the web processes, tasks enqueued from a shell, and both
    # schedulers ticking at the same moment.
    servers = [web_process(tmp_path, port) for port in ports]
    enqueue = manage(
        tmp_path,
        "shell",
        "-c",
        "from charte.audit.tasks import verify_journal_task\n"
        f"for _ in range({TASKS}): verify_journal_task.enqueue()",
    )
    schedulers = [manage(tmp_path, "scheduler", "--once") for _ in range(2)]
    try:
        for port, server in zip(ports, servers, strict=True):
            answering(port, server)
        # Half the people ask through one web process, half through the other, all at once.
        with ThreadPoolExecutor(max_workers=2 * RESETS) as pool:
            statuses = list(
                pool.map(
                    ask_password_reset,
                    [ports[n % 2] for n in range(len(people))],
                    [p.email for p in people],
                )
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
    assert statuses == [302] * len(people)
    assert enqueue.wait(timeout=120) == 0, enqueue.stderr.read() if enqueue.stderr else ""
    assert [s.wait(timeout=120) for s in schedulers] == [0, 0]
    # Then both workers drain the queue together.
    workers = [
        manage(tmp_path, "db_worker", "--batch", "--no-startup-delay", "--worker-id", f"worker-{n}")
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
    # Each email asked through either web process was delivered once: one delivery task per
    # message, run by one worker, that sent it; one file in the outbox's mail folder each.
    messages = Message.objects.filter(kind="accounts.password_reset")
    assert sorted(m.to_email for m in messages) == sorted(str(p.email) for p in people)
    assert all(m.status == Message.Status.SENT and m.attempts == 1 for m in messages)
    deliveries = [r for r in results if r.task_path.endswith("notifications.tasks.deliver")]
    assert all(r.status == "SUCCESSFUL" for r in deliveries)
    # The periodic retry, due at the schedulers' first tick, may enqueue a second delivery of
    # a message still queued: that one finds it sent (or being sent) and does nothing.
    sent = sorted(
        r.args_kwargs["kwargs"]["message_id"] for r in deliveries if r.return_value == "sent"
    )
    assert sent == sorted(m.pk for m in messages)
    assert all(r.return_value in {"sent", "nothing to do"} for r in deliveries)
    # (The file backend may append two messages sent in the same second to one file.)
    mailed = "".join(f.read_text() for f in (tmp_path / "mail").iterdir())
    assert mailed.count("\nSubject: ") == len(people)
    assert all(mailed.count(f"\nTo: {p.email}\n") == 1 for p in people)
    scheduled = len(results) - TASKS - len(deliveries)
    assert scheduled == jobs.count()
    assert {r.worker_ids[0] for r in results} <= {"worker-0", "worker-1"}
