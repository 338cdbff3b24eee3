"""The retention sweep at the end of a school year, beside a plain SQL DELETE of the same rows.

Run by `python -m bench` with DATABASE_URL set to a database of its own. Steps:
1. migrate, seed the demo with N generated pupils (`seed_demo --pupils N`, in bulk), and give
   each pupil, in bulk SQL, 3 messages, 1 session and 1 renewal, all of them past: the pupils
   were created in 2019 and renewed to 30 November 2020;
2. baseline: plain SQL `DELETE`s of exactly those rows (dependants, then the accounts), in one
   transaction with its foreign-key checks made (as a commit would), timed, then rolled back,
   so that the same rows are there for step 3;
3. the sweep as on 1 January 2021 (`charte.retention.sweep.run`, the nightly code path),
   timed, while a thread samples the process's resident memory;
4. prints rows deleted per second for both, their ratio (target: at least 0.5), where each
   one's wall time went (on a CPU, waiting for a CPU, blocked; Linux's schedstat of the main
   thread), the ratio on CPU time with SQLite (which runs in the process), and the memory:
   at the start of the sweep, its peak, and after 10 %, 50 % and 100 % of the accounts
   (flat: the peak does not grow with N).
"""

import argparse
import os
import threading
import time
from datetime import UTC, date, datetime

import django

from bench import schedstat

PAGE = os.sysconf("SC_PAGE_SIZE")
TODAY = date(2021, 1, 1)
CREATED = datetime(2019, 1, 1, 12, tzinfo=UTC)


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = rss()
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.01)


def where(wall: float, before: tuple[float, float]) -> tuple[float, float, float]:
    """Where `wall` seconds went since `before`: on a CPU, waiting for one, blocked (disk, fsync)."""
    on_cpu, waiting = (b - a for a, b in zip(before, schedstat(), strict=True))
    return on_cpu, waiting, max(0.0, wall - on_cpu - waiting)


def said(split: tuple[float, float, float]) -> str:
    on_cpu, waiting, blocked = split
    return f"on a CPU {on_cpu:.2f} s, waiting for a CPU {waiting:.2f} s, blocked {blocked:.2f} s"


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def generate(cursor, vendor: str) -> None:
    """Every pupil's rows, in bulk, in the database itself (the SQL has no outside input)."""
    if vendor == "postgresql":
        uuid, key = "gen_random_uuid()", "md5(random()::text || u.id::text)"
    else:
        uuid, key = "lower(hex(randomblob(16)))", "lower(hex(randomblob(20)))"
    pupils = "FROM accounts_user u WHERE u.username LIKE 'eleve-%%'"
    now = datetime.now(UTC)
    cursor.execute(
        "UPDATE accounts_user SET created_at = %s WHERE username LIKE 'eleve-%%'", [CREATED]
    )
    cursor.execute(
        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3) "  # noqa: S608
        "INSERT INTO notifications_message (public_id, kind, recipient_id, about_id, to_email, "
        "subject, body, headers, status, attempts, last_error, campaign, created_at) "
        f"SELECT {uuid}, 'bench', u.id, u.id, 'eleve@exemple.test', 'Sujet', 'Corps', '{{}}', "
        f"'sent', 1, '', '', %s FROM n, accounts_user u WHERE u.username LIKE 'eleve-%%'",
        [now],
    )
    cursor.execute(
        "INSERT INTO accounts_session (session_key, session_data, expire_date, user_id) "
        f"SELECT {key}, 'e30', %s, u.id {pupils}",
        [datetime(2099, 1, 1, tzinfo=UTC)],
    )
    cursor.execute(
        "INSERT INTO retention_renewal (public_id, person_id, source, actor_ref, renewed_at, "
        f"kept_until) SELECT {uuid}, u.id, 'class', 'system:seed', %s, %s {pupils}",
        [CREATED, date(2020, 11, 30)],
    )


BASELINE = [
    "DELETE FROM notifications_message WHERE about_id IN (SELECT id FROM accounts_user "
    "WHERE username LIKE 'eleve-%') OR recipient_id IN (SELECT id FROM accounts_user "
    "WHERE username LIKE 'eleve-%')",
    "DELETE FROM accounts_session WHERE user_id IN (SELECT id FROM accounts_user "
    "WHERE username LIKE 'eleve-%')",
    "DELETE FROM retention_renewal WHERE person_id IN (SELECT id FROM accounts_user "
    "WHERE username LIKE 'eleve-%')",
    "DELETE FROM schools_enrolment WHERE pupil_id IN (SELECT id FROM accounts_user "
    "WHERE username LIKE 'eleve-%')",
    "DELETE FROM results_attempt WHERE pupil_id IN (SELECT id FROM accounts_user "
    "WHERE username LIKE 'eleve-%')",
    "DELETE FROM accounts_user WHERE username LIKE 'eleve-%'",
]


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, required=True)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="Print where the sweep's time goes.")
    parser.add_argument("--slowest", type=int, default=0, help="Print the N slowest statements.")
    args = parser.parse_args()

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from charte.core.actors import RETENTION
    from charte.retention import sweep

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", pupils=args.pupils, quiet=True, stdout=quiet)
    with transaction.atomic(), connection.cursor() as cursor:
        generate(cursor, connection.vendor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)

    # 1. The baseline: plain SQL, same rows, then rolled back.
    baseline_rows = 0
    baseline_sched = schedstat()
    t0 = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are checked at commit; this transaction is rolled back instead, so it
            # checks them now, as the sweep's committed batches must.
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in BASELINE:
                cursor.execute(statement)
                baseline_rows += cursor.rowcount
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_key_check")
                assert cursor.fetchall() == []
            baseline_seconds = time.perf_counter() - t0
            baseline_where = where(baseline_seconds, baseline_sched)
            raise Rollback
    except Rollback:
        pass

    # 2. The sweep, as the nightly job runs it.
    marks: dict[str, int] = {}
    done = {"n": 0}

    def progress(rule: str, total: int):
        def tick(n: int) -> None:
            if rule != "account":
                return
            done["n"] += n
            for share in (10, 50, 100):
                if f"{share}%" not in marks and done["n"] * 100 >= total * share:
                    marks[f"{share}%"] = rss()

        return tick

    sampler = Sampler()
    start_rss = rss()
    sampler.start()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql))

    commits = {"n": 0, "seconds": 0.0}
    wrapper = type(connections["default"])
    real_commit = getattr(wrapper, "_commit")  # noqa: B009  (timed below)

    def timed_commit(self):
        start = time.perf_counter()
        try:
            return real_commit(self)
        finally:
            commits["n"] += 1
            commits["seconds"] += time.perf_counter() - start

    setattr(wrapper, "_commit", timed_commit)  # noqa: B010
    sweep_sched = schedstat()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    with connection.execute_wrapper(timed):
        report = sweep.run(today=TODAY, actor=RETENTION, batch_size=args.batch, progress=progress)
    sweep_seconds = time.perf_counter() - t0
    sweep_where = where(sweep_seconds, sweep_sched)
    cpu_seconds = time.process_time() - cpu0
    sql_seconds = sum(t for t, _ in timings)
    print(
        f"statements: {len(timings)}, {sql_seconds:.2f} s waiting on the database; "
        f"{commits['n']} commits: {commits['seconds']:.2f} s; "
        f"this process's CPU: {cpu_seconds:.2f} s of {sweep_seconds:.2f} s"
    )
    for seconds, sql in sorted(timings, reverse=True)[: args.slowest]:
        print(f"  {seconds * 1000:.0f} ms  {sql[:600]}")
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    sampler.running = False
    sampler.join()

    outcome = report.outcome("account")
    sweep_rows = sum(outcome.report.deleted.values())
    accounts = outcome.report.deleted.get("accounts.User", 0)
    base_rate = baseline_rows / baseline_seconds
    sweep_rate = sweep_rows / sweep_seconds
    print(f"database: {connection.vendor}, batch: {args.batch}")
    print(f"accounts expired and erased: {accounts} (of {args.pupils} generated pupils)")
    print(
        f"plain SQL DELETE: {baseline_rows} rows in {baseline_seconds:.2f} s = "
        f"{base_rate:,.0f} rows/s"
    )
    print(
        f"retention sweep:  {sweep_rows} rows in {sweep_seconds:.2f} s = {sweep_rate:,.0f} rows/s"
    )
    print(f"  per model: {dict(sorted(outcome.report.deleted.items()))}")
    print(f"plain SQL DELETE: {said(baseline_where)}")
    print(f"retention sweep:  {said(sweep_where)}")
    print(f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    print(f"ratio sweep / plain SQL: {sweep_rate / base_rate:.2f} (target >= 0.50)")
    if connection.vendor == "sqlite" and baseline_where[0] and sweep_where[0]:
        # SQLite runs in this process: its work is this thread's time on a CPU, whatever the
        # neighbours' load (the wall times above include waiting for a CPU they hold).
        cpu_ratio = (sweep_rows / sweep_where[0]) / (baseline_rows / baseline_where[0])
        print(f"ratio on a CPU (this thread's own time): {cpu_ratio:.2f}")
    print(
        f"memory: {mib(start_rss)} at start, peak {mib(sampler.peak)} "
        f"(+{mib(sampler.peak - start_rss)}); "
        + ", ".join(f"after {k}: {mib(v)}" for k, v in marks.items())
    )
    if sweep_rows != baseline_rows:
        print(f"!!! the sweep deleted {sweep_rows} rows, the baseline {baseline_rows}")


if __name__ == "__main__":
    main()
