"""How long the access archive of a pupil with many attempts takes, against the plain SQL reads of
the same rows in the same run, and how much memory it needs as the rows grow. Also printed: the
same reads with their SQL compiled beforehand ("fetch only", the database's share alone), since
the archive compiles its queries once per process while the plain reads build theirs each time.

    python -m bench.access_archive [--rows 10000 40000]

Runs on a fresh database of its own (SQLite in a temporary folder, or PostgreSQL when
BENCH_DATABASE_URL is set, e.g. postgres://postgres@127.0.0.1:5432/postgres: a database named
bench_charte_<pid> is created there and dropped afterwards). Targets: the archive in at most 2
times the plain reads; the peak memory (tracemalloc) flat as the rows grow.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc

from bench import django_on


def setup(database_url: str) -> None:
    django_on(database_url)


def make_pupil(rows: int):
    """A pupil with `rows` attempts at the catalogue's exercises, spread over the past weeks."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from charte.accounts import actions
    from charte.content import loader
    from charte.content.models import Exercise
    from charte.core.actors import SEED
    from charte.results.demo import make_attempt
    from charte.results.models import Attempt

    if not Exercise.objects.exists():
        loader.load()
    exercises = list(Exercise.objects.prefetch_related("questions"))
    pupil = actions.create_account(
        actor=SEED,
        role="pupil",
        first_name="Bench",
        last_name=f"Pupil{rows}",
        username=f"bench.{rows}.{os.getpid()}",
    )
    rng = random.Random(rows)
    now = timezone.now()
    batch = [
        make_attempt(pupil, exercises[i % len(exercises)], 0.7, now - timedelta(minutes=i), rng)
        for i in range(rows)
    ]
    Attempt.objects.bulk_create(batch, batch_size=2000)
    return pupil


def plain_reads(person) -> int:
    """The same rows, the same columns, the same filters, read by the bare database cursor
    (each query built through the ORM, as the archive builds its own)."""
    return fetch_only(compiled_reads(person))


def compiled_reads(person) -> list[tuple[str, list]]:
    """The plain reads' SQL, compiled beforehand: what `fetch_only` runs."""
    from charte.privacy.registry import registry
    from charte.subject_requests import archive

    statements = []
    for declaration in registry.declarations():
        cols = archive.columns(declaration, archive.ACCESS)
        if not cols:
            continue
        queryset = (
            declaration.model._default_manager.filter(declaration.subject_filter(person))
            .order_by("pk")
            .values_list("pk", *[c.lookup for c in cols])
        )
        sql, params = queryset.query.sql_with_params()
        statements.append((sql, list(params)))
    return statements


def fetch_only(statements) -> int:
    """The plain reads without building their queries: the database's share alone."""
    from django.db import connection

    from charte.subject_requests import archive

    count = 0
    for sql, params in statements:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(archive.CHUNK):
                count += len(rows)
    return count


def build(person) -> int:
    from charte.subject_requests import archive

    with tempfile.TemporaryFile() as out:
        result = archive.build(person=person, scope=archive.ACCESS, out=out)
    return result.total_rows


def clock() -> float:
    """CPU time of this process with SQLite (the database runs in-process, and the machine is
    shared: wall time would measure the neighbours); wall time with a database server."""
    from django.db import connection

    return time.process_time() if connection.vendor == "sqlite" else time.perf_counter()


def timed(fn, *args) -> tuple[float, int]:
    start = clock()
    value = fn(*args)
    return clock() - start, value


def interleaved(person, repeat: int = 5) -> tuple[float, float, float, int, int]:
    """Best of `repeat` for each, alternating them so that all see the same machine load."""
    reads, fetches, builds = [], [], []
    read_rows = built_rows = 0
    statements = compiled_reads(person)
    for _ in range(repeat):
        elapsed, read_rows = timed(plain_reads, person)
        reads.append(elapsed)
        elapsed, fetched_rows = timed(fetch_only, statements)
        fetches.append(elapsed)
        assert fetched_rows == read_rows, (fetched_rows, read_rows)
        elapsed, built_rows = timed(build, person)
        builds.append(elapsed)
    return min(reads), min(fetches), min(builds), read_rows, built_rows


def peak_memory(person) -> float:
    tracemalloc.start()
    build(person)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def run(sizes: list[int]) -> None:
    from django.db import connection

    which = "CPU time" if connection.vendor == "sqlite" else "wall time"
    print(f"Access archive benchmark ({connection.vendor}, {which}), best of 5 runs, alternated")
    print(f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    print(
        f"{'rows':>8} {'plain reads':>12} {'archive':>10} {'ratio':>6} {'peak memory':>12}"
        f" {'fetch only':>11} {'ratio':>6}"
    )
    for size in sizes:
        person = make_pupil(size)
        reads, fetched, built, read_rows, archived_rows = interleaved(person)
        assert archived_rows == read_rows, (archived_rows, read_rows)
        peak = peak_memory(person)
        print(
            f"{read_rows:>8} {reads * 1000:>10.1f}ms {built * 1000:>8.1f}ms "
            f"{built / reads:>6.2f} {peak:>10.2f}MB {fetched * 1000:>9.1f}ms {built / fetched:>6.2f}"
        )
    print(
        "ratio: the archive against the plain reads (each query built by the ORM, then run); "
        "fetch only: the same\nqueries compiled beforehand, only run and fetched (the archive "
        "compiles its queries once per process)."
    )
    print(f"load average {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 40_000])
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
                run(args.rows)
            finally:
                from django.db import connections

                connections.close_all()
                with psycopg.connect(url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            os.environ["CHARTE_VAR_DIR"] = tmp
            setup(f"sqlite:///{tmp}/bench.sqlite3")
            run(args.rows)


if __name__ == "__main__":
    main()
