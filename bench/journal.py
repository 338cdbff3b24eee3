"""What the journal's chain costs: appends beside plain inserts, verification beside SHA-256.

    .venv/bin/python -m bench.journal                       # SQLite, 5,000 entries
    .venv/bin/python -m bench.journal --database postgres   # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python -m bench.journal --database postgres --entries 20000 --writers 4,8
    make bench                                              # both databases

Each run makes a throwaway database (a temporary SQLite file, or a `bench_journal_<pid>`
PostgreSQL database, dropped at the end), migrates it, and measures in the same process:

1. appends: `audit.record(...)` of N entries, against inserting the same N rows through the
   ORM into a plain table with the same columns and no chain. Once with one transaction per
   entry (each commits, as a sign-in does), once with 100 entries per transaction (as an
   import or a sweep does), once as a page's reads of 1,000 people (one batch per page,
   against one plain multi-row insert, and against the same entries appended one by one),
   and on PostgreSQL with 1, 4 and 8 processes at once (as web servers and workers are; the
   journal's lanes at work), each writing its share;
2. verification: `journal verify` over the N entries, against `hashlib.sha256` over the same
   canonical bytes (one call per entry, and once over all of them), and against merely reading
   the rows back, so that the chain's own share shows.
Ratios above 1 mean "slower than the baseline".
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def setup_database(kind: str) -> Callable[[], None]:
    """Point Django at a fresh database; return what drops it."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-journal-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ["CHARTE_VAR_DIR"] = folder

        def drop() -> None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)

        return drop
    import psycopg

    name = f"bench_journal_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"

    def drop_pg() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop_pg


def rows(n: int, offset: int = 0) -> list[dict]:
    """Entries like an action's: a person's reference, a few ids and counts."""
    return [
        {
            "event": "bench.updated",
            "actor_ref": f"user:00000000-0000-4000-8000-{(i % 500):012d}",
            "subject_ref": f"user:00000000-0000-4000-9000-{(i % 5000):012d}",
            "data": {"exercise": i, "score": i % 20, "attempts": 1 + i % 3},
        }
        for i in range(offset, offset + n)
    ]


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def best_of(rounds: int, *works: Callable[[int], object]) -> list[float]:
    """Each work's best time over `rounds`, the works taking turns so that they share the noise
    of a busy machine. Each work is given the round's number (to write fresh rows)."""
    best = [float("inf")] * len(works)
    for r in range(rounds):
        for i, work in enumerate(works):
            best[i] = min(best[i], timed(partial(work, r)))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument(
        "--writers",
        type=lambda text: [int(w) for w in text.split(",")],
        default=[4, 8],
        help="processes writing at once, on PostgreSQL (comma-separated counts)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="keep the best of so many")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        drop = setup_database(args.database)
    except Exception as error:  # a missing PostgreSQL is reported, not fatal
        print(f"{args.database}: skipped ({error})")
        return 0
    try:
        return run(args)
    finally:
        drop()


def run(args: argparse.Namespace) -> int:
    import hashlib

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, models, transaction

    call_command("migrate", verbosity=0)

    from charte import audit
    from charte.audit import chain
    from charte.audit.models import Entry
    from charte.audit.verify import verify
    from charte.core.actors import SystemActor

    class PlainEntry(models.Model):
        """The same columns as a journal entry, without the chain."""

        at = models.DateTimeField(db_index=True)
        event = models.CharField(max_length=64, db_index=True)
        actor_ref = models.CharField(max_length=64, db_index=True)
        subject_ref = models.CharField(max_length=64, blank=True, db_index=True)
        data = models.JSONField(default=dict)
        ip = models.GenericIPAddressField(null=True)
        user_agent = models.CharField(max_length=200, blank=True)

        class Meta:
            app_label = "bench"

        def __str__(self) -> str:
            return self.event

    with connection.schema_editor() as editor:
        editor.create_model(PlainEntry)

    from django.utils import timezone

    n = args.entries
    actor = SystemActor("bench")
    vendor = connection.vendor
    print(f"\n== Journal on {vendor}, {n} entries per measure, best of {args.rounds} ==")

    def journal_append(batch: list[dict]) -> None:
        for row in batch:
            audit.record(event=row["event"], actor=actor, data=row["data"])

    def plain_insert(batch: list[dict]) -> None:
        for row in batch:
            PlainEntry._default_manager.create(
                at=timezone.now(),
                event=row["event"],
                actor_ref=row["actor_ref"],
                subject_ref=row["subject_ref"],
                data=row["data"],
            )

    def in_transactions(write: Callable[[list[dict]], None], batch: list[dict]) -> None:
        for start in range(0, len(batch), 100):
            with transaction.atomic():
                write(batch[start : start + 100])

    def report(label: str, seconds: float, baseline: float, count: int) -> None:
        print(
            f"  {label:<40} {count / seconds:>8,.0f} /s   plain insert {count / baseline:>8,.0f} /s"
            f"   ratio {seconds / baseline:4.2f}"
        )

    print("Appends (entries per second; the same rows into a plain table beside them):")
    journal_append(rows(50))  # warm both paths up: connections, caches
    plain_insert(rows(50))
    rounds = args.rounds
    t_journal, t_plain = best_of(
        rounds,
        lambda r: journal_append(rows(n, offset=r * n)),
        lambda r: plain_insert(rows(n, offset=r * n)),
    )
    report("one transaction per entry", t_journal, t_plain, n)
    t_journal, t_plain = best_of(
        rounds,
        lambda r: in_transactions(journal_append, rows(n, offset=r * n)),
        lambda r: in_transactions(plain_insert, rows(n, offset=r * n)),
    )
    report("100 entries per transaction", t_journal, t_plain, n)

    # A page showing 1,000 people (a class's results) journals one read entry each, in one
    # transaction: one batch (`chain.append_many`, as `audit.record_reads` does) against the
    # same rows in one plain multi-row insert, and against appending them one by one.
    page = 1000

    def said(batch: list[dict]) -> list[chain.Said]:
        return [chain.Said("read.bench", r["actor_ref"], r["subject_ref"], {}) for r in batch]

    def journal_batch(batch: list[dict]) -> None:
        for start in range(0, len(batch), page):
            with transaction.atomic():
                chain.append_many(said(batch[start : start + page]))

    def journal_one_by_one(batch: list[dict]) -> None:
        for start in range(0, len(batch), page):
            with transaction.atomic():
                for one in said(batch[start : start + page]):
                    chain.append_many([one])

    def plain_bulk(batch: list[dict]) -> None:
        now = timezone.now()
        for start in range(0, len(batch), page):
            with transaction.atomic():
                PlainEntry._default_manager.bulk_create(
                    PlainEntry(
                        at=now,
                        event="read.bench",
                        actor_ref=r["actor_ref"],
                        subject_ref=r["subject_ref"],
                        data={},
                    )
                    for r in batch[start : start + page]
                )

    t_batch, t_bulk, t_single = best_of(
        rounds,
        lambda r: journal_batch(rows(n, offset=(r + 10) * n)),
        lambda r: plain_bulk(rows(n, offset=(r + 10) * n)),
        lambda r: journal_one_by_one(rows(n, offset=(r + 20) * n)),
    )
    report(f"reads of {page:,} people, one batch", t_batch, t_bulk, n)
    print(
        f"  {'':<40} one by one {n / t_single:>8,.0f} /s   the batch {t_single / t_batch:4.1f}x faster"
    )

    if vendor == "postgresql":
        import multiprocessing

        from django.db import connections

        context = multiprocessing.get_context("fork")

        def concurrently(write: Callable[[list[dict]], None], writers: int, r: int) -> float:
            """`writers` processes (as web servers and workers are) each writing its share, one
            transaction per entry; the time from the start signal to the last one's end."""
            connections.close_all()  # each process opens its own connection
            ready = context.Barrier(writers + 1)
            go = context.Event()
            per_writer = n // writers

            def work(k: int) -> None:
                batch = rows(per_writer, offset=(r * 8 + k) * per_writer)
                write(batch[:1])  # connect, warm up
                ready.wait()
                go.wait()
                write(batch[1:])
                connections.close_all()

            processes = [context.Process(target=work, args=(k,)) for k in range(writers)]
            for process in processes:
                process.start()
            ready.wait()
            start = time.perf_counter()
            go.set()
            for process in processes:
                process.join()
            elapsed = time.perf_counter() - start
            if any(process.exitcode for process in processes):
                raise RuntimeError("a writer failed")
            return elapsed

        def best_concurrent(writers: int) -> tuple[float, float]:
            best = [float("inf"), float("inf")]
            for r in range(rounds):
                best[0] = min(best[0], concurrently(journal_append, writers, r))
                best[1] = min(best[1], concurrently(plain_insert, writers, r))
            return best[0], best[1]

        by_writers: dict[int, tuple[float, float]] = {}
        for writers in sorted({1, *args.writers}):
            count = (n // writers - 1) * writers
            t_journal, t_plain = best_concurrent(writers)
            by_writers[writers] = (count / t_journal, count / t_plain)
            report(f"{writers} processes at once, one per entry", t_journal, t_plain, count)
        lanes = Entry.objects.values("lane").distinct().count()
        print(
            f"  ({lanes} lanes written; the journal's rate by writers: "
            + ", ".join(f"{w}: {rate:,.0f}/s" for w, (rate, _) in by_writers.items())
            + ")"
        )
        if 4 in by_writers and 8 in by_writers:
            four, eight = by_writers[4][0], by_writers[8][0]
            print(f"  8 writers against 4: {eight / four:4.2f}x the appends per second")

    total = Entry.objects.count()
    print(f"\nVerification of the whole journal ({total} entries):")
    fields = chain.ENTRY_FIELDS
    contents = [
        chain.row_content(row)
        for row in Entry.objects.order_by("seq").values_list(*fields).iterator(chunk_size=5000)
    ]
    size = sum(len(c) for c in contents)
    joined = b"".join(contents)

    def read_only() -> int:
        return sum(1 for _ in Entry.objects.order_by("seq").values_list(*fields).iterator(5000))

    t_verify, t_read, t_mac_only, t_sha_each, t_sha_all = best_of(
        rounds,
        lambda r: verify(),
        lambda r: read_only(),
        lambda r: [chain.entry_hash(chain.GENESIS, c) for c in contents],
        lambda r: [hashlib.sha256(c).digest() for c in contents],
        lambda r: hashlib.sha256(joined).digest(),
    )
    outcome = verify()
    assert outcome.ok, outcome.problems

    def line(label: str, seconds: float) -> None:
        print(
            f"  {label:<44} {total / seconds:>10,.0f} entries/s {size / seconds / 1e6:>7.1f} MB/s"
            f"   verify takes {t_verify / seconds:6.1f}x"
        )

    print(f"  ({size / total:.0f} bytes of canonical content per entry)")
    line("journal verify (read, canonical form, HMAC)", t_verify)
    line("reading the same rows only", t_read)
    line("HMAC-SHA256 of the same bytes only", t_mac_only)
    line("hashlib.sha256, one call per entry", t_sha_each)
    line("hashlib.sha256, all bytes at once", t_sha_all)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
