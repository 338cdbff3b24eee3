"""Several writers at once, on PostgreSQL: the chain stays one line, numbered without a gap.

Threads each hold their own database connection, so they are real concurrent transactions;
the processes test runs separate Python processes, as web servers and workers are.
"""

import os
import subprocess
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction

from charte import audit
from charte.audit import chain
from charte.audit.models import Entry
from charte.audit.verify import verify
from charte.core.actors import SystemActor
from tests.audit.conftest import postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def run_writers(writers: int, appends: int, target) -> list[BaseException]:
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            target(n, appends)
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def append_alone_and_in_larger_transactions(n: int, appends: int) -> None:
    actor = SystemActor(f"writer-{n}")
    for i in range(appends):
        if i % 3 == 0:
            with transaction.atomic():  # an action: its own write, then its journal entry
                audit.record(event="test.step", actor=actor, data={"writer": n, "i": i})
                audit.record(event="test.step_done", actor=actor, data={"writer": n, "i": i})
        else:
            audit.record(event="test.step", actor=actor, data={"writer": n, "i": i})
        if i % 7 == 0:  # and some that roll back
            try:
                with transaction.atomic():
                    audit.record(event="test.undone", actor=actor, data={"writer": n})
                    raise RuntimeError
            except RuntimeError:
                pass


def test_concurrent_threads_leave_one_chain_that_verifies():
    errors = run_writers(6, 40, append_alone_and_in_larger_transactions)

    assert errors == []
    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    steps_done = 6 * len([i for i in range(40) if i % 3 == 0])
    assert len(seqs) == 6 * 40 + steps_done
    assert seqs == list(range(1, len(seqs) + 1))
    assert not Entry.objects.filter(event="test.undone").exists()
    report = verify()
    assert report.ok, report.problems
    # Writers really interleaved: no writer's entries form one block.
    order = list(Entry.objects.order_by("seq").values_list("data__writer", flat=True))
    assert sum(1 for a, b in pairwise(order) if a != b) > 6


def test_concurrent_processes_leave_one_chain_that_verifies():
    """Four Python processes, as four web servers would, appending at the same moment."""
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "JOURNAL_KEY": settings.CHARTE_JOURNAL_KEY,
        "TEST_DATABASE_NAME": "",
    }
    start_at = time.time() + 6
    script = (
        "import django, sys, time; django.setup();"
        "from charte import audit; from charte.core.actors import SystemActor;"
        "n = int(sys.argv[1]); actor = SystemActor(f'process-{n}');"
        f"time.sleep(max(0, {start_at} - time.time()));"
        "[audit.record(event='test.process', actor=actor, data={'process': n, 'i': i})"
        " for i in range(60)]"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=ROOT, env=env)
        for n in range(4)
    ]
    codes = [p.wait(timeout=120) for p in processes]

    assert codes == [0, 0, 0, 0]
    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 241))
    report = verify()
    assert report.ok, report.problems
    order = list(Entry.objects.order_by("seq").values_list("data__process", flat=True))
    assert sum(1 for a, b in pairwise(order) if a != b) > 4


def test_without_the_lock_the_same_writers_would_fork_the_chain(monkeypatch):
    """The control experiment: the lock is what keeps the test above green."""
    read_head = chain.head

    def slow_head(using: str) -> chain.Head:
        found = read_head(using)
        time.sleep(0.005)  # widen the window between reading the head and appending
        return found

    monkeypatch.setattr(chain, "lock", lambda using: None)
    monkeypatch.setattr(chain, "head", slow_head)

    def append(n: int, appends: int) -> None:
        for i in range(appends):
            audit.record(event="test.step", actor=SystemActor(f"w{n}"), data={"i": i})

    errors = run_writers(4, 15, append)

    assert any(isinstance(e, IntegrityError) for e in errors)  # two writers took the same place
