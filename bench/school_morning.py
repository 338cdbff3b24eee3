"""A school morning under load: pupils sign in, open their work and submit exercises while
their teachers open the classes' results, with 1 and then 2 web processes.

    .venv/bin/python -m bench.school_morning            # 60 s per configuration
    .venv/bin/python -m bench.school_morning --seconds 20 --pupils 30

What it does, all on loopback, and stops by itself:
1. a throwaway PostgreSQL database is migrated and seeded for the run (`seed_demo --pupils N`:
   N pupils in classes of thirty, a few attempts each; then one teacher per class, with the
   demo's password), and kept as a template: each configuration starts from a copy of it, so
   both see the same rows;
2. for each configuration (gunicorn, sync workers, 1 then 2 processes; Redis for the cache, as
   in production), locust runs headless for a fixed time (`bench/_school_morning_users.py`):
   every pupil signs in through the real form (the CSRF token read from the page), opens their
   home page, their homework and their progress, does exercises through the real form (the
   answers chosen from the page's own inputs) and signs out, again and again; every teacher
   signs in once, then opens their classes and a class's results;
3. it prints, per step, the requests per second and p50/p95/p99 (locust's statistics, taken
   once every user has started), each configuration's total, and the ratio of 2 to 1.

On a machine with 2 cores that also runs the load generator, PostgreSQL and Redis, a second
web process has little CPU of its own to use: the ratio says how the platform behaves when
processes are added on one loaded machine, not how it scales across machines.
Settings: BENCH_PG (server URL), BENCH_REDIS (empty: each process's own memory).
"""

import argparse
import csv
import http.client
import json
import math
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import ROOT, django_on

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
USERS = Path(__file__).with_name("_school_morning_users.py")
# The steps, as named in the locustfile, in the order a pupil takes them.
STEPS = [
    "pupil: sign-in page",
    "pupil: sign in",
    "pupil: home",
    "pupil: homework",
    "pupil: exercise",
    "pupil: submit exercise",
    "pupil: progress",
    "pupil: sign out",
    "teacher: classes",
    "teacher: class results",
]


def seed(database_url: str, pupils: int) -> dict[str, object]:
    """The run's data, in this process: the demo with `pupils` generated pupils, one teacher
    per generated class; returns the logins and what the users need to know."""
    django_on(database_url)
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections

    from charte.accounts.models import Role, User
    from charte.consent.actions import record_choices
    from charte.consent.purposes import purposes_for
    from charte.consent.queries import questions_for
    from charte.content.models import Exercise
    from charte.core.demo import DEMO_PASSWORD
    from charte.schools.demo import VOLUME_SCHOOL
    from charte.schools.models import SchoolClass, SchoolMember, Teaching

    call_command("seed_demo", pupils=pupils, quiet=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    classes = list(SchoolClass.objects.filter(school__name=VOLUME_SCHOOL[0]).order_by("name"))
    password = make_password(DEMO_PASSWORD)
    teachers = User.objects.bulk_create(
        User(
            role=Role.TEACHER,
            username=f"prof-{n:04d}",
            first_name="Prof",
            last_name=f"Volume {n}",
            email=f"prof-{n:04d}@volume.test",
            password=password,
        )
        for n in range(1, len(classes) + 1)
    )
    Teaching.objects.bulk_create(
        Teaching(school_class=c, teacher=t) for c, t in zip(classes, teachers, strict=True)
    )
    for teacher in teachers:  # they answered the consent questions at their first sign-in
        choices = {p.code: not p.separable for p in purposes_for(teacher)}
        record_choices(person=teacher, choices=choices, actor=teacher, channel="signup")
    school = classes[0].school
    SchoolMember.objects.bulk_create(
        SchoolMember(school=school, person=t, role=SchoolMember.Role.TEACHER) for t in teachers
    )
    pupils_made = list(User.objects.filter(username__startswith="eleve-").order_by("username"))
    for pupil in pupils_made:  # those old enough answered theirs at their first sign-in
        if questions_for(pupil):
            choices = {p.code: not p.separable for p in purposes_for(pupil)}
            record_choices(person=pupil, choices=choices, actor=pupil, channel="signup")
    pupil_names = [p.username for p in pupils_made]
    exercises = list(Exercise.objects.published().values_list("slug", flat=True))
    data: dict[str, object] = {
        "password": DEMO_PASSWORD,
        "pupils": pupil_names,
        "teachers": [
            {"login": t.username, "class": str(c.public_id)}
            for t, c in zip(teachers, classes, strict=True)
        ],
        "exercises": exercises,
    }
    connections.close_all()  # a template database must have no session open
    return data


def _number(cell: str) -> float:
    return 0.0 if cell in {"", "N/A"} else float(cell)


def wait_for(port: int, timeout: float = 180.0) -> None:
    """Until the server answers; then a few sign-in pages, so that each worker has imported
    and connected before the measured run."""
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline and answered < 8:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/compte/connexion/")
            if conn.getresponse().status == 200:
                answered += 1
            conn.close()
        except OSError:
            time.sleep(0.3)
    if answered == 0:
        raise RuntimeError("The server did not start.")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_configuration(
    *, workers: int, database: str, env: dict[str, str], args: argparse.Namespace, folder: Path
) -> tuple[dict[str, dict[str, float]], str]:
    """One configuration: gunicorn with `workers` processes, locust for `args.seconds`."""
    port = free_port()
    server = subprocess.Popen(  # fixed command, no outside input
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
            *("--worker-class", "sync", "--timeout", "120"),
        ],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"{PG}/{database}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    prefix = folder / f"workers{workers}"
    teachers = min(args.teachers, len(args.data["teachers"]))
    ramp = math.ceil((args.pupils_at_once + teachers) / args.spawn_rate)
    command = [
        *(sys.executable, "-m", "locust", "-f", str(USERS), "--headless"),
        *("-u", str(args.pupils_at_once + teachers), "-r", str(args.spawn_rate)),
        # The ramp (users started at `spawn_rate`), then the measured time: stats are reset
        # once every user has started.
        *("-t", f"{args.seconds + ramp}s", "--host", f"http://127.0.0.1:{port}"),
        *("--csv", str(prefix), "--reset-stats", "--only-summary", "--loglevel", "WARNING"),
        "--stop-timeout",
        "10",
    ]
    users_env = {
        **os.environ,
        "SCHOOL_MORNING_DATA": str(folder / "data.json"),
        "SCHOOL_MORNING_TEACHERS": str(teachers),
    }
    try:
        wait_for(port)
        # Unmeasured: each worker's first request of each page imports and compiles (seconds on
        # this machine), which is not the morning's steady state.
        subprocess.run(  # fixed command, no outside input
            [
                *(sys.executable, "-m", "locust", "-f", str(USERS), "--headless"),
                *("-u", "6", "-r", "6", "-t", f"{args.warm_up}s"),
                *("--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "ERROR"),
                *("--stop-timeout", "5"),
            ],
            cwd=ROOT,
            env={**users_env, "SCHOOL_MORNING_TEACHERS": "1"},
            capture_output=True,
            timeout=args.warm_up + 120,
            check=False,
        )
        locust = subprocess.run(  # fixed command, no outside input
            command,
            cwd=ROOT,
            env=users_env,
            capture_output=True,
            text=True,
            timeout=args.seconds + 300,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            stats[row["Name"]] = {
                "count": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                **{p: _number(row[f"{p[1:]}%"]) for p in ("p50", "p95", "p99")},
            }
    if not stats:
        raise RuntimeError(f"locust measured nothing:\n{locust.stdout}\n{locust.stderr}")
    with open(f"{prefix}_failures.csv", newline="") as f:
        for row in csv.DictReader(f):
            print(f"  failed {row['Occurrences']} x {row['Name']}: {row['Error'][:200]}")
    return stats, " ".join(Path(c).name if c == sys.executable else c for c in command)


def report(results: dict[int, dict[str, dict[str, float]]]) -> None:
    configs = sorted(results)
    head = f"{'step':<24}" + "".join(
        f" | {f'{w} web process' + ('es' if w > 1 else '')}: {'req/s':>6} {'p50':>5} "
        f"{'p95':>5} {'p99':>5} {'fail':>4}"
        for w in configs
    )
    print(head, flush=True)
    for step in [*STEPS, "Aggregated"]:
        cells = []
        for w in configs:
            s = results[w].get(step)
            if s is None:
                cells.append(f" | {'':>{len(head) // len(configs) - 3}}")
                continue
            cells.append(
                f" | {'':>17}{s['rps']:>6.1f} {s['p50']:>5.0f} {s['p95']:>5.0f} "
                f"{s['p99']:>5.0f} {s['failures']:>4.0f}"
            )
        print(f"{step:<24}" + "".join(cells))
    print("(latencies in ms; req/s over the measured time; fail: failed requests)")
    if len(configs) == 2:
        one, two = (results[w]["Aggregated"]["rps"] for w in configs)
        print(
            f"throughput, {configs[1]} web processes against {configs[0]}: "
            f"{two:.1f} / {one:.1f} req/s = {two / one:.2f}x"
        )


def main() -> None:
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=300, help="pupils in the database")
    parser.add_argument("--pupils-at-once", type=int, default=20, help="pupils using the site")
    parser.add_argument("--teachers", type=int, default=2, help="teachers using the site")
    parser.add_argument("--seconds", type=int, default=60, help="measured time per config")
    parser.add_argument("--warm-up", type=int, default=15, help="unmeasured s per config")
    parser.add_argument("--spawn-rate", type=float, default=1, help="users started per s")
    parser.add_argument("--workers", default="1,2", help="web processes, each a config")
    args = parser.parse_args()
    run = f"bench_morning_{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DB_CONN_MAX_AGE": "60",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "TEST_DATABASE_NAME": "",
    }
    if REDIS:
        env |= {"REDIS_URL": REDIS, "CACHE_KEY_PREFIX": run}
    made: list[str] = []
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{run}"')
        made.append(run)
        try:
            started = time.monotonic()
            args.data = seed(f"{PG}/{run}", args.pupils)
            print(
                f"seeded {len(args.data['pupils'])} pupils, {len(args.data['teachers'])} classes "
                f"with their teacher in {time.monotonic() - started:.0f} s; "
                f"{args.pupils_at_once} pupils and {args.teachers} teachers at once, "
                f"{args.seconds} s per configuration, gunicorn sync workers, PostgreSQL, "
                f"cache in {'Redis' if REDIS else 'per-process memory'}"
            )
            results = {}
            with tempfile.TemporaryDirectory(prefix="school_morning_") as tmp:
                folder = Path(tmp)
                (folder / "data.json").write_text(json.dumps(args.data))
                for workers in (int(w) for w in args.workers.split(",")):
                    copy = f"{run}_{workers}"
                    admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{run}"')
                    made.append(copy)
                    results[workers], command = run_configuration(
                        workers=workers, database=copy, env=env, args=args, folder=folder
                    )
                    print(f"{workers} web process(es) done: {command}", flush=True)
            report(results)
        finally:
            for name in reversed(made):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if REDIS:
                import redis

                client = redis.Redis.from_url(REDIS)
                for key in client.scan_iter(f"{run}:*"):
                    client.delete(key)


if __name__ == "__main__":
    main()
