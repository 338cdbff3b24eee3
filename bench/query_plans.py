"""The plans of each role's main pages at a national scale: 1 million pupils on PostgreSQL.

    .venv/bin/python -m bench.query_plans                      # 1,000,000 pupils
    .venv/bin/python -m bench.query_plans --pupils 50000       # quicker

A throwaway database is migrated and seeded with the demo, then filled in SQL (generate_series,
one statement per table, not the ORM row by row) with the volume of a country: the pupils,
their schools (600 pupils each), classes (30 pupils, one teacher each), current enrolments,
a guardian for each pupil (0.8 guardians a pupil: siblings share one), two consent
records for each adult, three attempts a pupil (ANALYZEd afterwards), subject requests (one open per
thousand pupils, ten closed). Then the same pages as `tests/perf/test_flat_queries.py` are
opened through Django's test client, signed in as a teacher, a pupil, a parent of the volume,
the DPO and a school's staff member; every query a page runs is captured
(CaptureQueriesContext) and, for reads, explained with EXPLAIN (ANALYZE, FORMAT JSON).
Before the pages, the retention forecast is computed once on the volume, as the nightly job
does (`retention.forecast`), and its time printed: the DPO's home reads what it stored.

It prints, per page, each query's plan in one line (its scans, with the index used) and its
time, and flags any sequential scan of a big table (more than BIG rows): the exit status is
1 when one is found, so a page that stops using an index fails the benchmark; so does a page
with a query that runs over TIMEOUT seconds (cancelled, then reported).
Settings: BENCH_PG (server URL). `--keep` keeps the database (its name is printed).
"""

import argparse
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench import django_on

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BIG = 10_000  # rows: a table this big is never read whole by a page
PER_SCHOOL, PER_CLASS = 600, 30
ATTEMPTS = 3  # per pupil
TIMEOUT = 30  # s: a query that runs longer makes its page count as not answering
READ = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)
# A page's journal entries (one statement each on PostgreSQL, a function that appends): not
# reads, and EXPLAIN ANALYZE would run them.
JOURNAL = re.compile(r"charte_journal_append")


def fill(pupils: int) -> dict[str, int]:
    """The volume, in SQL: explicit ids above the demo's, the sequences moved past them.
    Accounts were created over the last four years; nine in ten were seen this month."""
    from django.db import connection

    from charte.schools.models import SchoolYear

    year = SchoolYear.current().pk
    classes = -(-pupils // PER_CLASS)
    schools = -(-classes // (PER_SCHOOL // PER_CLASS))
    parents = pupils * 4 // 5
    counts: dict[str, int] = {}
    with connection.cursor() as c:

        def base(table: str) -> int:
            c.execute(f"SELECT coalesce(max(id), 0) + 1000 FROM {table}")  # noqa: S608
            return int(c.fetchone()[0])

        def run(label: str, sql: str, *params: Any) -> None:
            started = time.monotonic()
            c.execute(sql, params)
            counts[label] = c.rowcount
            print(
                f"  {label}: {c.rowcount:,} rows in {time.monotonic() - started:.0f} s", flush=True
            )

        # The rows are made consistent by construction (ids computed): the foreign keys' checks,
        # one deferred trigger a row, would take most of the time. Back on before ANALYZE.
        c.execute("SET session_replication_role = replica")
        school0, class0, user0 = base("schools_school"), base("schools_schoolclass"), 0
        user0 = base("accounts_user")
        pupil0, parent0 = user0, user0 + pupils
        teacher0, staff0 = parent0 + parents, parent0 + parents + classes
        people = (
            "INSERT INTO accounts_user (id, password, public_id, email, username, first_name,"
            " last_name, role, birth_date, country, phone, language, is_active, created_at,"
            " last_seen_at)"
        )
        run(
            "schools",
            "INSERT INTO schools_school (id, public_id, name, city, created_at) SELECT %s + g,"
            " gen_random_uuid(), 'Collège ' || g, 'Ville ' || (g %% 900), now()"
            " FROM generate_series(1, %s) g",
            school0,
            schools,
        )
        run(
            "classes",
            "INSERT INTO schools_schoolclass (id, public_id, name, level, join_code, created_at,"
            " school_id, year_id) SELECT %s + g, gen_random_uuid(), 'Classe ' || g, '5e',"
            " 'J' || g, now(), %s + 1 + (g - 1) / %s, %s FROM generate_series(1, %s) g",
            class0,
            school0,
            PER_SCHOOL // PER_CLASS,
            year,
            classes,
        )
        run(
            "pupils",
            f"{people} SELECT %s + g, '!', gen_random_uuid(), NULL, 'vol.' || g,"  # noqa: S608 (constant columns)
            " (ARRAY['Alice','Bilal','Camille','Dylan','Eva','Fatou','Hugo'])[1 + g %% 7],"
            " (ARRAY['Durand','Lambert','Faure','Mercier'])[1 + g %% 4], 'pupil',"
            " date '2011-01-01' + (g %% 2000), 'FR', '', 'fr', true,"
            " now() - ((g * 37) %% 1500) * interval '1 day', CASE WHEN g %% 10 <> 0"
            " THEN now() - (g %% 40) * interval '1 day' END FROM generate_series(1, %s) g",
            pupil0,
            pupils,
        )
        run(
            "parents",
            f"{people} SELECT %s + g, '!', gen_random_uuid(), 'parent.' || g || '@vol.test',"  # noqa: S608 (constant columns)
            " NULL, 'Parent', 'Vol', 'parent', NULL, 'FR', '', 'fr', true,"
            " now() - ((g * 41) %% 1500) * interval '1 day', CASE WHEN g %% 10 <> 0"
            " THEN now() - (g %% 40) * interval '1 day' END FROM generate_series(1, %s) g",
            parent0,
            parents,
        )
        run(
            "teachers and staff",
            f"{people} SELECT %s + g, '!', gen_random_uuid(), 'prof.' || g || '@vol.test', NULL,"  # noqa: S608 (constant columns)
            " 'Prof', 'Vol', CASE WHEN g <= %s THEN 'teacher' ELSE 'school_staff' END, NULL,"
            " 'FR', '', 'fr', true, now() - interval '400 days', now()"
            " FROM generate_series(1, %s) g",
            teacher0,
            classes,
            classes + schools,
        )
        run(
            "enrolments",
            "INSERT INTO schools_enrolment (public_id, method, started_at, pupil_id,"
            " school_class_id) SELECT gen_random_uuid(), 'staff', now() - interval '60 days',"
            " %s + g, %s + 1 + (g - 1) / %s FROM generate_series(1, %s) g",
            pupil0,
            class0,
            PER_CLASS,
            pupils,
        )
        run(
            "teachings",
            "INSERT INTO schools_teaching (public_id, created_at, school_class_id, teacher_id)"
            " SELECT gen_random_uuid(), now(), %s + g, %s + g FROM generate_series(1, %s) g",
            class0,
            teacher0,
            classes,
        )
        run(
            "school members",
            "INSERT INTO schools_schoolmember (public_id, role, created_at, person_id, school_id)"
            " SELECT gen_random_uuid(), 'teacher', now(), %s + g, %s + 1 + (g - 1) / %s"
            " FROM generate_series(1, %s) g UNION ALL SELECT gen_random_uuid(), 'staff', now(),"
            " %s + %s + g, %s + g FROM generate_series(1, %s) g",
            teacher0,
            school0,
            PER_SCHOOL // PER_CLASS,
            classes,
            teacher0,
            classes,
            school0,
            schools,
        )
        run(
            "guardianships",
            "INSERT INTO accounts_guardianship (public_id, status, created_at, confirmed_at,"
            " child_id, guardian_id) SELECT gen_random_uuid(), 'confirmed', now(), now(),"
            " %s + g, %s + 1 + (g - 1) %% %s FROM generate_series(1, %s) g",
            pupil0,
            parent0,
            parents,
            pupils,
        )
        # Two consents for each adult, as a demo adult gave them (same purposes, texts, version).
        run(
            "consent records",
            "INSERT INTO consent_consentrecord (public_id, subject_ref, purpose, act, actor_ref,"
            " on_behalf, channel, at, charter_version_id, text_id, verification)"
            " SELECT gen_random_uuid(), 'user:' || u.public_id, r.purpose, r.act,"
            " 'user:' || u.public_id, false, r.channel, now(), r.charter_version_id, r.text_id,"
            " r.verification FROM accounts_user u CROSS JOIN (SELECT DISTINCT ON (purpose)"
            " purpose, act, channel, charter_version_id, text_id, verification"
            " FROM consent_consentrecord WHERE act = 'given' AND NOT on_behalf"
            " AND subject_ref = (SELECT subject_ref FROM consent_consentrecord WHERE act ="
            " 'given' AND NOT on_behalf GROUP BY subject_ref ORDER BY count(*) DESC LIMIT 1)"
            " ORDER BY purpose, id DESC LIMIT 2) r"
            " WHERE u.id > %s",
            parent0,
        )
        # Attempts: each pupil, ATTEMPTS of the published exercises, answers as the demo's.
        c.execute(
            "CREATE TEMP TABLE bench_exercise AS SELECT row_number() OVER (ORDER BY e.id) AS n,"
            " e.id, coalesce((SELECT a.answers FROM results_attempt a WHERE a.exercise_id = e.id"
            " LIMIT 1), '{}'::jsonb) AS answers FROM content_exercise e WHERE e.is_published"
        )
        c.execute("SELECT count(*) FROM bench_exercise")
        exercises = int(c.fetchone()[0])
        run(
            "attempts",
            "INSERT INTO results_attempt (public_id, answers, score, created_at, exercise_id,"
            " pupil_id) SELECT gen_random_uuid(), e.answers, ((g * 7 + k * 13) %% 101) / 100.0,"
            " now() - ((g + k) %% 60) * interval '1 day' - k * interval '1 hour', e.id, %s + g"
            " FROM generate_series(1, %s) g CROSS JOIN generate_series(1, %s) k"
            " JOIN bench_exercise e ON e.n = 1 + (g * 3 + k) %% %s",
            pupil0,
            pupils,
            ATTEMPTS,
            exercises,
        )
        run(
            "subject requests",
            "INSERT INTO subject_requests_subjectrequest (public_id, kind, status, relation,"
            " channel, details, purposes, received_at, due_on, extension_reason, decision,"
            " ground, decision_note, outcome, progress, archive_name, archive_sha256,"
            " archive_size, reminded_stage, identity_digest, person_id, requester_id)"
            " SELECT gen_random_uuid(), 'access', CASE WHEN g %% 11 = 0 THEN 'in_review'"
            " ELSE 'completed' END, 'self', 'online', '', '[]', now() - (g %% 300) *"
            " interval '1 day', current_date + 30 - g %% 300, '', '', '', '', '{}', 0, '',"
            " '', 0, 0, '', %s + g * 90, %s + g * 90 FROM generate_series(1, %s) g",
            pupil0,
            pupil0,
            pupils // 90,
        )
        for table in ("accounts_user", "schools_school", "schools_schoolclass"):
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
            )
        c.execute("SET session_replication_role = DEFAULT")
        started = time.monotonic()
        c.execute("ANALYZE")
        print(f"  ANALYZE in {time.monotonic() - started:.0f} s", flush=True)
    return {
        "pupil": pupil0 + pupils // 2,
        "parent": parent0 + parents // 2,
        "teacher": teacher0 + classes // 2,
        "staff": staff0 + schools // 2 + 1,
    }


def forecast_job() -> None:
    """The nightly retention forecast on the volume, timed: its counts read most of each big
    table, which is why it runs at night and the DPO's home page reads what it stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from charte.retention.tasks import store_forecast

    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        store_forecast.call()
    print(
        f"retention forecast (the nightly job, stored for the DPO's home): "
        f"{len(queries.captured_queries)} queries in {time.monotonic() - started:.1f} s",
        flush=True,
    )


def pages(people: dict[str, int]) -> Iterator[tuple[str, Any, list[str]]]:
    """(role, person, urls): the pages of tests/perf/test_flat_queries.py, for these people."""
    from django.urls import reverse

    from charte.accounts.models import Role, User
    from charte.schools.models import SchoolClass, SchoolMember

    teacher = User.objects.get(pk=people["teacher"])
    school_class = SchoolClass.objects.get(teachings__teacher=teacher)
    yield (
        "teacher",
        teacher,
        [
            reverse("home"),
            reverse("schools:classes"),
            reverse("schools:class_detail", args=[school_class.public_id]),
            reverse("results:class_results", args=[school_class.public_id]),
        ],
    )
    yield "pupil", User.objects.get(pk=people["pupil"]), [reverse("home"), reverse("results:mine")]
    parent = User.objects.get(pk=people["parent"])
    child = User.objects.filter(guardian_links__guardian=parent).first() or parent
    yield (
        "parent",
        parent,
        [
            reverse("home"),
            reverse("families:home"),
            reverse("families:child", args=[child.public_id]),
            reverse("results:pupil", args=[child.public_id]),
        ],
    )
    dpo = User.objects.filter(role=Role.DPO, is_active=True).order_by("pk").first()
    yield "DPO", dpo, [reverse("home"), reverse("subject_requests:queue")]
    staff = User.objects.get(pk=people["staff"])
    school = SchoolMember.objects.get(person=staff).school
    yield (
        "school staff",
        staff,
        [reverse("home"), reverse("schools:school_detail", args=[school.public_id])],
    )


def signed_in(user: Any) -> Any:
    """A test client signed in as `user`, its second factor passed for staff (as the tests)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from scans(child)


def explain(sql: str, sizes: dict[str, int]) -> tuple[str, float, list[str]]:
    """One line for the query's plan, its time (ms), and its sequential scans of big tables."""
    from django.db import connection

    run = "FOR UPDATE" not in sql  # a plan without running it, for the reads that lock
    with connection.cursor() as c:
        c.execute(f"EXPLAIN ({'ANALYZE, ' if run else ''}FORMAT JSON) {sql}")
        found = c.fetchone()[0]
    root = (json.loads(found) if isinstance(found, str) else found)[0]
    parts, flagged = [], []
    for node in scans(root["Plan"]):
        relation = node.get("Relation Name")
        kind = node["Node Type"]
        if relation is None:
            continue
        if "Index" in kind:
            parts.append(f"{relation} by {node.get('Index Name')}")
        elif kind == "Bitmap Heap Scan":
            used = [str(n["Index Name"]) for n in scans(node) if n.get("Index Name")]
            parts.append(f"{relation} by {' and '.join(used)} (bitmap)")
        else:
            rows = sizes.get(relation, 0)
            parts.append(f"{relation} {kind.lower()} ({rows:,} rows)")
            if kind == "Seq Scan" and rows > BIG:
                flagged.append(relation)
    return "; ".join(parts) or "no table", float(root.get("Execution Time", 0.0)), flagged


def main() -> int:
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database", help="reuse a database kept by --keep (migrated, no new rows)"
    )
    args = parser.parse_args()
    name = args.database or f"bench_plans_{secrets.token_hex(4)}"
    if not args.database:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    flagged_total: list[str] = []
    try:
        started = time.monotonic()
        django_on(f"{PG}/{name}", DEBUG="0", LOG_LEVEL="ERROR")
        from django.core.management import call_command
        from django.db import OperationalError, connection
        from django.test.utils import CaptureQueriesContext

        if args.database:
            # Kept by an earlier run, perhaps of older code: its tables brought up to date.
            call_command("migrate", verbosity=0)
            with connection.cursor() as c:
                c.execute("SELECT value FROM bench_people")
                people = json.loads(c.fetchone()[0])
        else:
            call_command("seed_demo", quiet=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"demo seeded in {time.monotonic() - started:.0f} s; filling:", flush=True)
            people = fill(args.pupils)
            with connection.cursor() as c:
                c.execute("CREATE TABLE bench_people (value text)")
                c.execute("INSERT INTO bench_people VALUES (%s)", [json.dumps(people)])
        forecast_job()
        with connection.cursor() as c:
            c.execute(
                "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'"
                " AND relnamespace = 'public'::regnamespace"
            )
            sizes = {table: int(rows) for table, rows in c.fetchall()}
        big = sorted(((r, t) for t, r in sizes.items() if r > BIG), reverse=True)
        print(
            f"database {name}: "
            + ", ".join(f"{t} {r:,}" for r, t in big)
            + f" (rows; tables over {BIG:,} rows are flagged when read whole)"
        )
        for role, person, urls in pages(people):
            client = signed_in(person)
            for url in urls:
                try:
                    with connection.cursor() as c:  # a page that waits longer does not answer
                        c.execute(f"SET statement_timeout = '{TIMEOUT}s'")
                    client.get(url, HTTP_HOST="127.0.0.1")  # the caches warmed, as in the tests
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url, HTTP_HOST="127.0.0.1")
                except OperationalError as error:
                    print(f"\n{role} {url}: DOES NOT ANSWER, a query ran over {TIMEOUT} s:")
                    print(f"      {str(error).splitlines()[0]}")
                    flagged_total.append(f"{role} {url}: a query over {TIMEOUT} s")
                    continue
                finally:
                    with connection.cursor() as c:
                        c.execute("SET statement_timeout = 0")
                assert response.status_code == 200, (role, url, response.status_code)
                sql = [q["sql"] for q in queries.captured_queries]
                reads = [s for s in sql if READ.match(s) and not JOURNAL.search(s)]
                print(
                    f"\n{role} {url}: {len(sql)} queries, {len(reads)} reads explained, "
                    f"{sum(bool(JOURNAL.search(s)) for s in sql)} journal entries"
                )
                for n, statement in enumerate(reads, 1):
                    line, ms, flagged = explain(statement, sizes)
                    mark = "  SEQ SCAN OF A BIG TABLE" if flagged else ""
                    print(f"  {n:>2}. {ms:7.2f} ms  {line}{mark}")
                    if flagged:
                        print(f"      {statement[:400]}")
                        flagged_total += [f"{role} {url}: {t}" for t in flagged]
        print()
        if flagged_total:
            print("Sequential scans of big tables:\n  " + "\n  ".join(flagged_total))
        else:
            print(f"No page reads a table of more than {BIG:,} rows whole.")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep or args.database:
            print(f"database kept: {name} (again: --database {name})")
        else:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 1 if flagged_total else 0


if __name__ == "__main__":
    sys.exit(main())
