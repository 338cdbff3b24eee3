"""A sweep killed mid-run, then run again, ends where one uninterrupted run ends."""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction

from charte.accounts.models import Role, User
from charte.core.actors import RETENTION
from charte.notifications.models import Message
from charte.privacy import erasure
from charte.retention import dates, sweep
from tests.retention.helpers import account_created, message_about

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)


class Rollback(Exception):
    pass


def state():
    return (
        sorted(User.objects.values_list("public_id", flat=True)),
        sorted(Message.objects.values_list("public_id", flat=True)),
    )


def created_days(n: int) -> list[date]:
    return [date(2024 + i % 3, 1 + i % 12, 1 + i % 27) for i in range(n)]


def populate(n: int):
    for day in created_days(n):
        pupil = account_created(day, role=Role.PUPIL)
        for day in (date(2026, 11, 1), date(2026, 11, 25)):
            message_about(pupil, day)


def uninterrupted_result():
    try:
        with transaction.atomic():
            sweep.run(today=TODAY, actor=RETENTION, batch_size=2)
            result = state()
            raise Rollback
    except Rollback:
        return result


@pytest.mark.django_db
@pytest.mark.parametrize("crash_at", [1, 3, 7])
def test_raising_inside_a_batch_then_sweeping_again(monkeypatch, crash_at):
    populate(12)
    expected = uninterrupted_result()
    real = erasure.apply_to
    calls = {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == crash_at:
            raise RuntimeError("the worker was killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(erasure, "apply_to", crashing)
    with pytest.raises(RuntimeError):
        sweep.run(today=TODAY, actor=RETENTION, batch_size=2)
    monkeypatch.setattr(erasure, "apply_to", real)
    assert state() != expected or crash_at == 1  # it was cut short

    sweep.run(today=TODAY, actor=RETENTION, batch_size=2)

    assert state() == expected
    assert len(expected[0]) < 12  # some accounts went, some stayed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_process_killed_mid_sweep_then_run_again(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a second process needs a database it can share: PostgreSQL")
    populate(30)
    env = {
        **os.environ,
        "DATABASE_URL": _url(),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "CHARTE_VAR_DIR": str(tmp_path),
    }
    env.pop("TEST_DATABASE_NAME", None)
    command = [
        sys.executable,
        "manage.py",
        "retention",
        "sweep",
        "--today",
        TODAY.isoformat(),
        "--batch-size",
        "1",
        "--no-progress",
    ]
    before = User.objects.count()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while User.objects.count() == before and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    partial = User.objects.count()

    finished = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert finished.returncode == 0, finished.stderr
    assert partial < before
    kept = [d for d in created_days(30) if dates.kept_until_created(d) >= TODAY]
    assert 0 < len(kept) == User.objects.count()


def _url():
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
