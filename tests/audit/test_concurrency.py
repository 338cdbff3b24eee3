"""Several writers at once, on PostgreSQL: each lane stays one line, numbered without a gap,
and writers do not wait for each other's lanes.

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
from charte.consent.models import ConsentRecord
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
    steps_done = 6 * len([i for i in range(40) if i % 3 == 0])
    assert Entry.objects.count() == 6 * 40 + steps_done
    lanes = gapless_lanes()
    assert len(lanes) > 1  # writers went to several lanes
    assert not Entry.objects.filter(event="test.undone").exists()
    report = verify()
    assert report.ok, report.problems
    # Writers really interleaved: no writer's entries form one block.
    order = list(Entry.objects.order_by("id").values_list("data__writer", flat=True))
    assert sum(1 for a, b in pairwise(order) if a != b) > 6
    # A transaction's entries stay in one lane (it holds one lane at most).
    for writer in range(6):
        for i in range(0, 40, 3):
            pair = Entry.objects.filter(data__writer=writer, data__i=i).values_list(
                "lane", flat=True
            )
            assert len(set(pair)) == 1


def test_concurrent_actions_of_one_statement_leave_each_row_once_with_its_entry():
    """Writers whose action is a new row given with its entry (`along`), out of any transaction:
    one statement each, retried from the lane's new head when another writer moved it."""

    def act(n: int, appends: int) -> None:
        for i in range(appends):
            row = ConsentRecord(
                subject_ref=f"user:00000000-0000-0000-0000-{n:012d}",
                purpose="newsletter",
                act="refused",
                actor_ref=f"system:writer-{n}",
                channel="api",
            )
            audit.record(
                event="consent.refused",
                actor=SystemActor(f"writer-{n}"),
                data={"record": str(row.public_id), "writer": n, "i": i},
                along=[row],
            )

    errors = run_writers(4, 25, act)

    assert errors == []
    rows = set(ConsentRecord.objects.values_list("public_id", flat=True))
    assert len(rows) == 4 * 25
    recorded = Entry.objects.filter(event="consent.refused").values_list("data__record", flat=True)
    assert sorted(recorded) == sorted(str(r) for r in rows)
    gapless_lanes()
    report = verify()
    assert report.ok, report.problems


def gapless_lanes() -> dict[int, int]:
    """Each lane's number of entries, after checking it is numbered 1, 2, 3... without a gap."""
    lanes: dict[int, list[int]] = {}
    for lane, seq in Entry.objects.order_by("lane", "seq").values_list("lane", "seq"):
        lanes.setdefault(lane, []).append(seq)
    for seqs in lanes.values():
        assert seqs == list(range(1, len(seqs) + 1))
    return {lane: len(seqs) for lane, seqs in lanes.items()}


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
    assert sum(gapless_lanes().values()) == 240
    report = verify()
    assert report.ok, report.problems
    order = list(Entry.objects.order_by("id").values_list("data__process", flat=True))
    assert sum(1 for a, b in pairwise(order) if a != b) > 4


def test_a_writer_holding_a_lane_does_not_hold_up_the_others():
    """No single lock: while one transaction keeps its lane, another appends and commits."""
    holding, release = threading.Event(), threading.Event()

    def hold(n: int, appends: int) -> None:
        if n == 0:
            with transaction.atomic():
                audit.record(event="test.slow", actor=SystemActor("slow"), data={})
                holding.set()
                assert release.wait(30)
        else:
            assert holding.wait(30)
            started = time.monotonic()
            audit.record(event="test.quick", actor=SystemActor("quick"), data={})
            assert time.monotonic() - started < 5  # did not wait for the slow one's commit
            release.set()

    errors = run_writers(2, 1, hold)

    assert errors == []
    slow, quick = Entry.objects.get(event="test.slow"), Entry.objects.get(event="test.quick")
    assert slow.lane != quick.lane
    assert quick.id > slow.id
    report = verify()
    assert report.ok, report.problems


def test_sealing_waits_for_every_lane_and_joins_them(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from charte.audit import actions

    run_writers(
        4,
        10,
        lambda n, appends: [
            audit.record(event="test.step", actor=SystemActor(f"w{n}"), data={"i": i})
            for i in range(appends)
        ],
    )
    lanes = gapless_lanes()
    later = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    [seal] = actions.seal_journal()

    assert seal.count == 40
    assert {0, *(int(k) for k in seal.lanes)} == set(lanes)
    report = verify(now=later)
    assert report.ok, report.problems


def test_without_the_lock_the_same_writers_would_fork_the_chain(monkeypatch):
    """The control experiment: the lane's lock is what keeps the tests above green."""

    def unlocked_claim(using: str) -> chain.Head:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT seq, hash, at FROM audit_entry WHERE lane = 0 ORDER BY seq DESC LIMIT 1"
            )
            row = cursor.fetchone()
        time.sleep(0.005)  # widen the window between reading the head and appending
        if row is None:
            return chain.Head(0, 0, chain.GENESIS, None, None)
        return chain.Head(0, row[0], row[1], row[2], None)

    monkeypatch.setattr(chain, "claim", unlocked_claim)
    monkeypatch.setattr(chain, "_append_in_one_statement", lambda *args, **kwargs: None)

    def append(n: int, appends: int) -> None:
        for i in range(appends):
            audit.record(event="test.step", actor=SystemActor(f"w{n}"), data={"i": i})

    errors = run_writers(4, 15, append)

    assert any(isinstance(e, IntegrityError) for e in errors)  # two writers took the same place
