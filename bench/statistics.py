"""Learning events on PostgreSQL at 10 million: recording beside plain inserts, a school's
report beside a plain indexed read, and memory.

    .venv/bin/python -m bench.statistics                      # 10,000,000 events (the issue's N)
    .venv/bin/python -m bench.statistics --events 1000000     # about 2.5 minutes here
    .venv/bin/python -m bench.statistics --explain            # and both reads' plans
    .venv/bin/python -m bench.statistics --whole --events 500000   # every event timed (slow)
    make bench                                                # with the others

Each run makes a throwaway PostgreSQL database (`bench_statistics_<pid>`, dropped at the end
unless `--keep`), migrates it (learning events partitioned by month), makes 40 schools of 8
classes of 25 pupils (8,000 pupils, one pseudonym each) and generates N events over one school
year, as pupils work: sittings of a pupil, an hour long, of 5 to 15 events on one competency,
on school days between 8 h and 18 h. Rows are generated lazily and deterministically: the
first N events of a stream are those of a run of N, whatever comes after.

What is measured, and how (`--whole` times every event instead, as the first version did:
about an hour and a half for 10 million on the shared machine):
1. Bulk fill, timed against nothing: the first N - window events (9,800,000 of 10 million)
   are the very rows the recording path stores, written the fast way: one COPY per million
   into the partitioned table, its foreign key and (pseudonym, at) index set aside and rebuilt
   after (PostgreSQL's advice for populating a table); their aggregates by one INSERT ...
   SELECT ... GROUP BY on the worker's grain (the week's Monday and the hour in the local time
   zone, 0 for no context, excluded pseudonyms left out), the worker's cursor then set after
   the last event. The plain table gets the same rows (INSERT ... SELECT). Checked, after the
   fill and again after the window: for one pseudonym in 200, the aggregate rows equal what
   the worker's own code (`aggregate._sum`) makes of all their events.
2. Recording, timed, at the scale of N: the last `--window` events (200,000), in 4 parts,
   each through the recording path, `learning.record_many` (COPY in batches into the
   partitioned table, with its index and deferred foreign key) then `aggregate.refresh` (the
   worker's incremental upsert), and as plain INSERTs of the same rows (multi-row INSERTs of
   1,000 rows, 20,000 a transaction) into a plain table of the same columns (no partition, no
   index but the primary key, no foreign key) already holding the bulk; which of the two goes
   first alternates. Events per second, and the ratio (goal >= 0.5).
3. A school's report: `publication.build` (every cell of every period and dimension, with
   primary and complementary suppression, read from the aggregates, the cache bypassed)
   against a plain indexed read: the school's year of aggregate rows through the
   (school_id, week) index, fetched. Alternating, best (and median) of 15 each, and the ratio
   of the bests (goal <= 3).
4. Memory: the resident size while filling (at 10, 50 and 100 %) and after each part of the
   window; tracemalloc's peak during one report, and while recording 20,000 more events once
   everything is timed (tracemalloc slows Python several times over, so it stays out of the
   timings); the process's peak resident size.

Results, with the commands and the machine's load: docs/scale.md, "Statistics at 10 million
events". Before this version, every event went through both paths (1 to 4 million measured,
10 million never: an hour and a half here), with tracemalloc on during the timed recording.
"""

import argparse
import os
import random
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

import django

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PAGE = os.sysconf("SC_PAGE_SIZE")
FIRST_YEAR = 2025
SCHOOLS, CLASSES, PER_CLASS = 40, 8, 25


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def setup_database() -> str:
    import psycopg

    name = f"bench_statistics_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    return name


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def school_days() -> list[date]:
    start = date(FIRST_YEAR, 9, 1)
    days = []
    day = start
    while day < date(FIRST_YEAR + 1, 7, 1):
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def events(n: int, pupils: list[tuple[int, int, int]], competencies: list[int]) -> Iterator[tuple]:
    """N events, as sittings of 5 to 15 answers: (pseudonym, at, verb, kind, ref, competency,
    school, class, score, success). Deterministic, so that every measure writes the same rows."""
    rng = random.Random(16)
    days = school_days()
    made = 0
    while made < n:
        pseudonym_id, school_id, class_id = rng.choice(pupils)
        day = rng.choice(days)
        hour = rng.randrange(8, 18)
        competency = rng.choice(competencies)
        start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        for i in range(min(rng.randrange(5, 16), n - made)):
            at = start + timedelta(minutes=3 * i, seconds=rng.randrange(60))
            if rng.random() < 0.2:
                yield (pseudonym_id, at, "experienced", "lesson", "lecon", competency,
                       school_id, class_id, None, None)  # fmt: skip
            else:
                ok = rng.random() < 0.6
                yield (pseudonym_id, at, "completed", "exercise", "exercice", competency,
                       school_id, class_id, 0.9 if ok else 0.3, ok)  # fmt: skip
            made += 1


PLAIN = """
CREATE TABLE bench_plain_event (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    pseudonym_id bigint NOT NULL, at timestamptz NOT NULL, verb varchar(12) NOT NULL,
    kind varchar(12) NOT NULL, ref varchar(80) NOT NULL, competency_id integer,
    school_id integer, class_id integer, score double precision, success boolean)
"""
COLUMNS = "pseudonym_id, at, verb, kind, ref, competency_id, school_id, class_id, score, success"


def plain_inserts(rows: Iterator[tuple], batch: int = 1000) -> int:
    """The baseline: multi-row INSERTs of `batch` rows, one transaction per 20,000."""
    from django.db import connection, transaction

    one = "(" + ", ".join(["%s"] * 10) + ")"
    done = 0
    chunk: list[tuple] = []

    def flush(chunk: list[tuple]) -> None:
        with connection.cursor() as cursor:
            for i in range(0, len(chunk), batch):
                part = chunk[i : i + batch]
                cursor.execute(
                    f"INSERT INTO bench_plain_event ({COLUMNS}) VALUES "  # noqa: S608
                    + ", ".join([one] * len(part)),
                    [v for row in part for v in row],
                )

    for row in rows:
        chunk.append(row)
        if len(chunk) == 20_000:
            with transaction.atomic():
                flush(chunk)
            done += len(chunk)
            chunk = []
    if chunk:
        with transaction.atomic():
            flush(chunk)
        done += len(chunk)
    return done


def plain_copy(rows: Iterator[tuple]) -> int:
    from django.db import connection, transaction

    done = 0
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY bench_plain_event ({COLUMNS}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            done += 1
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument(
        "--window",
        type=int,
        default=200_000,
        help="events timed through the recording path and as plain INSERTs, after the others "
        "are bulk-filled (the last ones of the N)",
    )
    parser.add_argument("--parts", type=int, default=4, help="the window in so many alternations")
    parser.add_argument("--rounds", type=int, default=15, help="report reads: best of so many")
    parser.add_argument(
        "--probe",
        type=int,
        default=20_000,
        help="events recorded after everything is timed, under tracemalloc (it slows Python "
        "down, so it stays out of the timings)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of the report and the plain read"
    )
    parser.add_argument(
        "--keep", action="store_true", help="leave the database (its name is printed) to look at"
    )
    parser.add_argument(
        "--whole",
        action="store_true",
        help="every one of the N events through the recording path and as plain INSERTs, "
        "no bulk fill (slow: about an hour for 10 million here)",
    )
    args = parser.parse_args()
    n = args.events

    name = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(f"load average at the start: {load()} ({os.cpu_count()} cores)")
    try:
        if args.whole:
            run(n, args.rounds, args.explain)
        else:
            run_window(n, min(args.window, n), args.parts, args.rounds, args.explain, args.probe)
        print(f"peak RSS of the process (ru_maxrss): {mib(peak_rss())}")
        print(f"load average at the end: {load()}")
        return 0
    finally:
        if args.keep:
            print(f"database kept: {name}")
        else:
            drop_database(name)


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_window(n: int, window: int, parts: int, rounds: int, explain: bool, probe: int) -> None:
    """N events: the first N - window bulk-filled, the window timed (see the docstring)."""
    from django.core.management import call_command
    from django.db import connection

    from charte.learning import partitions

    call_command("migrate", verbosity=0)
    assert partitions.is_partitioned()
    pupils = make_pupils()
    # The first N rows of a stream of N + probe are those of a stream of N.
    stream = events(n + probe, pupils, list(range(1, 25)))
    bulk = n - window
    print(
        f"PostgreSQL, {n:,} learning events, {len(pupils):,} pupils: {bulk:,} bulk-filled, "
        f"the last {window:,} timed"
    )

    # 1. The bulk: the same rows as the recording path would store, by a faster path.
    start = time.perf_counter()
    marks = {bulk // 10: "10 %", bulk // 2: "50 %", bulk: "100 %"}
    memory: list[tuple[str, int]] = []
    filled = fill_events(islice(stream, bulk), marks, memory)
    filled_s = time.perf_counter() - start
    start = time.perf_counter()
    grains = fill_aggregates()
    aggregated_s = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(PLAIN)
        cursor.execute(
            f"INSERT INTO bench_plain_event ({COLUMNS}) "  # noqa: S608
            f"SELECT {COLUMNS} FROM learning_learningevent"
        )
        cursor.execute("VACUUM ANALYZE")
    plain_s = time.perf_counter() - start
    assert filled == bulk, (filled, bulk)
    print(
        f"bulk fill (not timed against anything): {bulk:,} events by COPY in {filled_s:.0f} s "
        f"(foreign key and index set aside, then rebuilt), aggregates by one GROUP BY in "
        f"{aggregated_s:.0f} s ({grains:,} rows), the plain table's copy and VACUUM ANALYZE in "
        f"{plain_s:.0f} s"
    )
    print("memory while filling (rows streamed):", end="")
    print(";".join(f" {label}: RSS {mib(resident)}" for label, resident in memory))
    check_aggregates("the bulk's aggregates")

    # 2. The window: the last events, through the recording path and as plain INSERTs, into
    # tables that already hold the others; in parts, alternating which goes first.
    rows = list(islice(stream, window))
    assert len(rows) == window, (len(rows), window)
    size = -(-window // parts)
    inserts = recorded = stored = 0.0
    resident: list[int] = []
    for i in range(0, window, size):
        part = rows[i : i + size]
        first_plain = (i // size) % 2 == 0
        if first_plain:
            inserts += timed(plain_inserts, iter(part))
        seconds = record(part)
        recorded += seconds[0] + seconds[1]
        stored += seconds[0]
        resident.append(rss())
        if not first_plain:
            inserts += timed(plain_inserts, iter(part))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), (SELECT count(*) FROM bench_plain_event) FROM learning_learningevent"
        )
        counted = cursor.fetchone()
    assert counted == (n, n), counted
    print(f"window of {window:,} events into tables of {bulk:,}, in {parts} parts alternating:")
    print(
        f"  plain INSERTs (1,000 rows each):  {window / inserts:>10,.0f} events/s ({inserts:.1f} s)"
    )
    print(
        f"  record_many (COPY, partitioned):  {window / stored:>10,.0f} events/s ({stored:.1f} s)"
    )
    print(
        f"  recording = stored + aggregated:  {window / recorded:>10,.0f} events/s "
        f"({recorded:.1f} s; aggregation {recorded - stored:.1f} s)"
    )
    ratio = inserts / recorded
    print(
        f"  recording rate / plain INSERTs: {ratio:.2f} (goal >= 0.5) "
        f"{'OK' if ratio >= 0.5 else 'MISSED'}"
    )
    print(f"  RSS after each part: {', '.join(mib(r) for r in resident)}")
    check_aggregates("the aggregates after the window")

    # 3. A school's report from the aggregates, beside a plain indexed read of its rows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE statistics_activity")
    measure_report(rounds, explain)

    # 4. Memory of the recording path, once everything is timed: the next events, traced.
    extra = list(stream)
    if extra:
        tracemalloc.start()
        record(extra)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"recording {len(extra):,} more events under tracemalloc: traced peak {mib(traced)}, "
            f"RSS {mib(rss())}"
        )


def timed(work: Callable[[Iterator[tuple]], object], rows: Iterator[tuple]) -> float:
    start = time.perf_counter()
    work(rows)
    return time.perf_counter() - start


def record(part: list[tuple]) -> tuple[float, float]:
    """The recording path on these rows: `record_many`, then the worker's refresh."""
    from charte.core.actors import SEED
    from charte.learning import actions as learning
    from charte.statistics import aggregate

    start = time.perf_counter()
    stored = learning.record_many(rows=(learning.Row(*r) for r in part), actor=SEED)
    stored_s = time.perf_counter() - start
    start = time.perf_counter()
    read = aggregate.refresh(lag=timedelta(0))
    aggregated_s = time.perf_counter() - start
    assert stored == read == len(part), (stored, read, len(part))
    return stored_s, aggregated_s


def fill_events(rows: Iterator[tuple], marks: dict[int, str], memory: list[tuple[str, int]]) -> int:
    """COPY the rows into the partitioned table, as `record_many` does, with its foreign key
    and its index set aside and rebuilt after (PostgreSQL's advice for populating a table):
    the same rows, one check of the key and one sort per index instead of one per row."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(c.oid) FROM pg_class c WHERE c.relname = %s",
            ["learning_event_actor_at"],
        )
        index = cursor.fetchone()[0].replace(" ON ONLY ", " ON ")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'learning_learningevent'::regclass AND contype = 'f'"
        )
        keys = cursor.fetchall()
        for key, _ in keys:
            cursor.execute(f"ALTER TABLE learning_learningevent DROP CONSTRAINT {key}")
        cursor.execute("DROP INDEX learning_event_actor_at")
    done = 0
    chunk = 1_000_000
    while True:
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY learning_learningevent ({COLUMNS}) FROM STDIN") as copy,
        ):
            for row in islice(rows, chunk):
                copy.write_row(row)
                done += 1
                if done in marks:
                    memory.append((marks[done], rss()))
        if done % chunk:
            break
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(index)
        for key, definition in keys:
            cursor.execute(f"ALTER TABLE learning_learningevent ADD CONSTRAINT {key} {definition}")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("ANALYZE learning_learningevent")
    return done


def fill_aggregates() -> int:
    """The aggregates of every event, in one GROUP BY: the grain and sums of
    `statistics.aggregate` (week's Monday and hour in the local time zone, 0 for no context,
    excluded pseudonyms left out); the cursor then stands after the last event, as the worker's
    would. `check_aggregates` compares them with the worker's own sums."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from charte.statistics import aggregate
    from charte.statistics.models import Cursor

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            "INSERT INTO statistics_activity (pseudonym_id, week, hour, competency_id, "
            "school_id, class_id, events, exercises, successes, lessons) "
            "SELECT e.pseudonym_id, date_trunc('week', e.at AT TIME ZONE %(zone)s)::date, "
            "extract(hour FROM e.at AT TIME ZONE %(zone)s)::int, coalesce(e.competency_id, 0), "
            "coalesce(e.school_id, 0), coalesce(e.class_id, 0), count(*), "
            "count(*) FILTER (WHERE e.kind = 'exercise'), "
            "count(*) FILTER (WHERE e.kind = 'exercise' AND e.success), "
            "count(*) FILTER (WHERE e.kind = 'lesson') "
            "FROM learning_learningevent e JOIN learning_pseudonym p ON p.id = e.pseudonym_id "
            "WHERE NOT p.excluded GROUP BY 1, 2, 3, 4, 5, 6",
            {"zone": settings.TIME_ZONE},
        )
        grains = cursor.rowcount
        cursor.execute("SELECT coalesce(max(id), 0) FROM learning_learningevent")
        (last,) = cursor.fetchone()
        Cursor.objects.update_or_create(
            name=aggregate.CURSOR,
            defaults={"last_event_id": last, "updated_at": timezone.now()},
        )
    return grains


GRAIN = (
    *("pseudonym_id", "week", "hour", "competency_id", "school_id", "class_id"),
    *("events", "exercises", "successes", "lessons"),
)


def check_aggregates(what: str, every: int = 200) -> None:
    """The aggregate rows of a sample of pseudonyms (one in `every`) against the worker's own
    sums (`aggregate._sum`) of all their events: they must be the same."""
    from charte.learning.models import LearningEvent, Pseudonym
    from charte.statistics import aggregate
    from charte.statistics.models import Activity

    sample = list(Pseudonym.objects.order_by("pk").values_list("pk", flat=True)[::every])
    expected = aggregate._sum(
        LearningEvent.objects.filter(pseudonym_id__in=sample)
        .values_list(*aggregate.FIELDS)
        .iterator(chunk_size=20_000)
    )
    stored = {
        tuple(row[:6]): list(row[6:])
        for row in Activity.objects.filter(pseudonym_id__in=sample).values_list(*GRAIN)
    }
    assert stored == dict(expected), f"{what} differ from the worker's sums"
    print(
        f"{what}: the {len(stored):,} rows of {len(sample)} pseudonyms (one in {every}) equal "
        f"the worker's own sums of their {sum(v[0] for v in expected.values()):,} events"
    )


def run(n: int, rounds: int, explain: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from charte.core.actors import SEED
    from charte.learning import actions as learning
    from charte.learning import partitions
    from charte.statistics import aggregate

    call_command("migrate", verbosity=0)
    print(f"PostgreSQL, {n:,} learning events, {SCHOOLS * CLASSES * PER_CLASS:,} pupils")
    assert partitions.is_partitioned()
    pupils = make_pupils()
    competencies = list(range(1, 25))
    with connection.cursor() as cursor:
        cursor.execute(PLAIN)

    def rows() -> Iterator[tuple]:
        return events(n, pupils, competencies)

    # 1. Baseline: plain multi-row INSERTs, then COPY, into the plain table.
    start = time.perf_counter()
    plain_inserts(rows())
    inserts = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_plain_event")
    start = time.perf_counter()
    plain_copy(rows())
    copied = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain_event")

    # 2. Recording: COPY into the partitioned table, then the incremental aggregation.
    marks = {n // 10: "10 %", n // 2: "50 %", n: "100 %"}
    memory: list[tuple[str, int, int]] = []

    def watched() -> Iterator[learning.Row]:
        for i, row in enumerate(rows(), start=1):
            yield learning.Row(*row)
            if i in marks:
                memory.append((marks[i], rss(), tracemalloc.get_traced_memory()[1]))

    tracemalloc.start()
    base_rss = rss()
    start = time.perf_counter()
    stored = learning.record_many(rows=watched(), actor=SEED)
    stored_s = time.perf_counter() - start
    tracemalloc.stop()
    start = time.perf_counter()
    read = aggregate.refresh(lag=timedelta(0))
    aggregated_s = time.perf_counter() - start
    after_rss = rss()
    assert stored == read == n, (stored, read, n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM statistics_activity")
        (grains,) = cursor.fetchone()

    recorded = stored_s + aggregated_s
    print(f"plain INSERTs (1,000 rows each):  {n / inserts:>10,.0f} events/s ({inserts:.1f} s)")
    print(f"plain COPY (reference):           {n / copied:>10,.0f} events/s ({copied:.1f} s)")
    print(f"record_many (COPY, partitioned):  {n / stored_s:>10,.0f} events/s ({stored_s:.1f} s)")
    print(
        f"aggregation (worker's refresh):   {n / aggregated_s:>10,.0f} events/s "
        f"({aggregated_s:.1f} s, {grains:,} aggregate rows)"
    )
    print(f"recording = stored + aggregated:  {n / recorded:>10,.0f} events/s ({recorded:.1f} s)")
    ratio = inserts / recorded
    print(
        f"recording rate / plain INSERTs: {ratio:.2f} (goal >= 0.5) {'OK' if ratio >= 0.5 else 'MISSED'}"
    )
    print(
        f"  (stored only / plain INSERTs: {inserts / stored_s:.2f}; / plain COPY: {copied / recorded:.2f})"
    )
    print(f"memory while recording: RSS at start {mib(base_rss)}", end="")
    for label, resident, traced in memory:
        print(f"; {label}: RSS {mib(resident)}, traced peak {mib(traced)}", end="")
    print(f"; after aggregation: RSS {mib(after_rss)}")

    # 3. A school's report from the aggregates, beside a plain indexed read of its rows.
    measure_report(rounds, explain)


READ = (
    "SELECT pseudonym_id, week, hour, competency_id, class_id, events, exercises, "
    "successes, lessons FROM statistics_activity "
    "WHERE school_id = %s AND week BETWEEN %s AND %s"
)


def measure_report(rounds: int, explain: bool = False) -> float:
    """A school's report from the aggregates, beside a plain indexed read of its rows: best
    of `rounds` each, alternating; then the report's memory (tracemalloc, RSS) on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from charte.statistics import publication

    scope = publication.Scope("school", 1)
    weeks = publication.period_weeks(FIRST_YEAR)["year"]
    reports: list[float] = []
    reads: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        outcome = publication.build(scope, FIRST_YEAR)
        reports.append(time.perf_counter() - start)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(READ, [1, weeks[0], weeks[-1]])
            fetched = len(cursor.fetchall())
        reads.append(time.perf_counter() - start)
    best_report, best_read = min(reports), min(reads)
    hidden = sum(c.hidden for c in outcome.cells.values())
    print(
        f"a school's report (build, {len(outcome.cells)} cells, {hidden} hidden): "
        f"{best_report * 1000:.1f} ms (median {sorted(reports)[rounds // 2] * 1000:.1f})"
    )
    print(
        f"plain indexed read of its {fetched:,} aggregate rows: {best_read * 1000:.1f} ms "
        f"(median {sorted(reads)[rounds // 2] * 1000:.1f})"
    )
    ratio = best_report / best_read
    print(f"report / plain read: {ratio:.2f} (goal <= 3) {'OK' if ratio <= 3 else 'MISSED'}")
    before = rss()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        publication.build(scope, FIRST_YEAR)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"memory of one report: tracemalloc's peak {mib(traced)}, RSS {mib(before)} before, "
        f"{mib(rss())} after; {len(queries)} statements"
    )
    if explain:
        with connection.cursor() as cursor:
            statement = next(
                part for q in queries for part in q["sql"].split(";") if "GROUPING SETS" in part
            )
            cursor.execute("SET work_mem = %s", [publication.GROUPING_WORK_MEM])
            plans: list[tuple[str, str, list[Any] | None]] = [
                ("the report's statement", statement, None),
                ("the plain read", READ, [1, weeks[0], weeks[-1]]),
            ]
            for label, sql, params in plans:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                print(f"plan of {label}:")
                print("\n".join("    " + line for (line,) in cursor.fetchall()))
            cursor.execute("RESET work_mem")
    return ratio


def make_pupils() -> list[tuple[int, int, int]]:
    """The schools' pupils, one pseudonym each: (pseudonym id, school id, class id)."""
    from charte.accounts.models import Role, User
    from charte.learning import pseudonyms
    from charte.learning.models import Pseudonym

    year = f"{FIRST_YEAR}-{FIRST_YEAR + 1}"
    users = User.objects.bulk_create(
        [
            User(username=f"bench-{i}", role=Role.PUPIL, first_name="É", last_name=str(i))
            for i in range(SCHOOLS * CLASSES * PER_CLASS)
        ],
        batch_size=2000,
    )
    made = Pseudonym.objects.bulk_create(
        [
            Pseudonym(person=u, school_year=year, value=pseudonyms.pseudonym(u.public_id, year))
            for u in users
        ],
        batch_size=2000,
    )
    return [(p.pk, 1 + i // (CLASSES * PER_CLASS), 1 + i // PER_CLASS) for i, p in enumerate(made)]


if __name__ == "__main__":
    raise SystemExit(main())
