"""The fan-out of notices to recipients (GDPR art. 19) against plain inserts of the same rows.

    python -m bench.recipient_notices [--people 10000]

10,000 people, each disclosed to 3 recipients the register tells (an API processor, a partner
by email, the payment provider), have their erasure executed at once: `queue_notices` reads
their disclosures from the log, groups them per person and recipient, checks what was already
queued, inserts one notice per recipient, journals the batch and queues the sending tasks. The
baseline is `bulk_create` of the very same notice rows. Goal: baseline / fan-out >= 0.5.

Runs on a fresh database of its own (SQLite in a temporary folder, or PostgreSQL when
BENCH_DATABASE_URL is set, e.g. postgres://postgres@127.0.0.1:5432/postgres: a database named
bench_charte_<pid> is created there and dropped afterwards). Tasks go to the database backend
(their rows are part of the fan-out's cost); nothing is sent.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid

from bench import django_on

RECIPIENTS = ("email_provider", "partner_publisher", "payment_provider")
GOAL = 0.5


def setup(database_url: str) -> None:
    django_on(database_url, TASKS_BACKEND="django_tasks_db.DatabaseBackend")


def make_people(count: int) -> list[int]:
    """`count` parents, each with one disclosure to each of the three recipients."""
    from charte.accounts.models import User
    from charte.recipients.models import Disclosure

    tag = uuid.uuid4().hex[:6]
    User.objects.bulk_create(
        [
            User(
                role="parent",
                first_name="Bench",
                last_name=f"Person{n}",
                email=f"p{n}.{tag}@bench.test",
                username=f"bench.{tag}.{n}",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    ids = list(
        User.objects.filter(username__startswith=f"bench.{tag}.").values_list("pk", flat=True)
    )
    Disclosure.objects.bulk_create(
        [
            Disclosure(
                person_id=pk,
                recipient=code,
                purpose="orders",
                categories=["identity", "contact"],
                decided_by="system:seed",
            )
            for pk in ids
            for code in RECIPIENTS
        ],
        batch_size=2000,
    )
    return ids


def clock() -> float:
    """CPU time with SQLite (in-process; the machine is shared), wall time with a server."""
    from django.db import connection

    return time.process_time() if connection.vendor == "sqlite" else time.perf_counter()


def fan_out(subjects) -> int:
    from django.db import transaction

    from charte.core.actors import SEED
    from charte.recipients import notices

    with transaction.atomic():
        created = notices.queue_notices(kind="erase", subjects=subjects, actor=SEED)
    return len(created)


def plain_inserts(rows) -> tuple[int, float]:
    from django.db import transaction

    from charte.recipients.models import Notice

    copies = [
        Notice(
            person_id=r.person_id,
            recipient=r.recipient,
            kind=r.kind,
            request_reference=r.request_reference,
            disclosures=r.disclosures,
            categories=r.categories,
            payload=r.payload,
            queued_at=r.queued_at,
            next_attempt_at=r.next_attempt_at,
            due_at=r.due_at,
        )
        for r in rows
    ]
    start = clock()
    with transaction.atomic():
        Notice.objects.bulk_create(copies, batch_size=2000)
    return len(copies), clock() - start


def clear() -> None:
    from django_tasks_db.models import DBTaskResult

    from charte.recipients.models import Notice

    Notice.objects.all().delete()
    DBTaskResult.objects.all().delete()


def run(people: int, repeat: int) -> float:
    from django.db import connection

    from charte.recipients.models import Notice
    from charte.recipients.notices import Subject

    which = "CPU time" if connection.vendor == "sqlite" else "wall time"
    ids = make_people(people)
    print(
        f"Notices to recipients ({connection.vendor}, {which}): {people} people x "
        f"{len(RECIPIENTS)} recipients, best of {repeat}, alternated"
    )
    fan, plain = [], []
    for _ in range(repeat):
        subjects = [Subject(person_id=pk, reference=str(uuid.uuid4())) for pk in ids]
        start = clock()
        created = fan_out(subjects)
        fan.append(clock() - start)
        assert created == people * len(RECIPIENTS), created
        rows = list(Notice.objects.all())
        clear()
        inserted, elapsed = plain_inserts(rows)
        plain.append(elapsed)
        assert inserted == created
        clear()
    best_fan, best_plain = min(fan), min(plain)
    ratio = best_plain / best_fan
    print(f"{'plain inserts':>16} {best_plain * 1000:>9.1f} ms")
    print(f"{'fan-out':>16} {best_fan * 1000:>9.1f} ms")
    print(f"{'ratio':>16} {ratio:>9.2f}   (plain / fan-out, goal >= {GOAL})")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    url = os.environ.get("BENCH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        if url.startswith("postgres"):
            import psycopg

            name = f"bench_charte_{os.getpid()}"
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                setup(url.rsplit("/", 1)[0] + "/" + name)
                ratio = run(args.people, args.repeat)
            finally:
                from django.db import connections

                connections.close_all()
                with psycopg.connect(url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            os.environ["CHARTE_VAR_DIR"] = tmp
            setup(f"sqlite:///{tmp}/bench.sqlite3")
            ratio = run(args.people, args.repeat)
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
