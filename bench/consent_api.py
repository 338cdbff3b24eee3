"""Consent writes and reads through the API, on PostgreSQL, against a trivial endpoint.

A real server process serves a throwaway PostgreSQL database: gunicorn with sync workers
(BENCH_SERVER=gunicorn, the default: each worker keeps its database connection, as in
production) or `manage.py runserver --noreload` (BENCH_SERVER=runserver: one thread and one
new database connection per request); a load generator in this process (threads, one HTTP
connection per request, the same for every endpoint) sends requests to three endpoints:
- `GET /api/consent/ping`: no database, no authentication: the baseline of the same server;
- `GET /api/consent/subjects/{id}`: a person's current consents (authenticated);
- `POST /api/consent/subjects/{id}`: give or withdraw the newsletter (authenticated, one
  append-only record, one journal entry, in one transaction).
Every answer is checked, not only its status: each client writes its own share of the people,
so the bench knows what each person's newsletter must say, and every read must say it (the
act, and whether it holds) right after the write that changed it, whichever worker answers.
Every endpoint is warmed up first (each worker's first request of a kind imports and connects).
The endpoints take turns in BENCH_ROUNDS rounds (4), so that the machine's other work weighs
alike on each. It prints requests per second, the ratio to the baseline and p50/p95/p99 with
BENCH_THREADS clients (8) on BENCH_WORKERS workers (2), the same for one client alone (the
latency a caller sees without the queue of 8 clients on 2 workers), and whether the targets
hold: read >= 0.5x and write >= 0.33x the trivial endpoint with 8 clients, p95 read < 10 ms for
one client. The cache is Redis, as in production (BENCH_REDIS, under a key prefix of its own;
BENCH_REDIS="" for each process's own memory). Everything runs on loopback and stops by itself.
Settings: BENCH_PG (server URL), BENCH_SECONDS (per endpoint), BENCH_THREADS, BENCH_WORKERS,
BENCH_ROUNDS.
"""

import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import cpu_by_part

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
SERVER = os.environ.get("BENCH_SERVER", "gunicorn")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SUBJECTS = 100
PONG = b'{"ok": true}'
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> tuple[str, list[str], str]:
    """Migrate the database, create the subjects and an API key; return them."""
    script = f"""
import json
from charte.accounts.actions import create_account
from charte.consent.actions import create_api_client, record_choices
from charte.consent.purposes import purposes_for
from charte.core.actors import SEED
people = []
for n in range({SUBJECTS}):
    person = create_account(actor=SEED, role="parent", first_name="P", email=f"p{{n}}@bench.test")
    choices = {{p.code: True for p in purposes_for(person) if not p.separable}}
    record_choices(person=person, choices=choices, actor=person, channel="signup")
    people.append(person.public_id.hex)
client, key = create_api_client(name="bench", actor=SEED)
from charte.consent.api import purposes
from django.test import RequestFactory
texts = {{p["code"]: p["texts"][0]["sha256"] for p in purposes(RequestFactory().get("/"))}}
print(json.dumps({{"people": people, "key": key, "text": texts["newsletter"]}}))
"""
    python = sys.executable
    subprocess.run(  # fixed commands, no outside input
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data["key"], data["people"], data["text"]


def wait_for(port: int, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/consent/ping")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("The server did not start.")


type Check = Callable[[int, bytes], bool] | None
type Maker = Callable[[random.Random, int, int], tuple[str, str, str | None, dict[str, str], Check]]


@dataclass
class Measured:
    """What one endpoint served, summed over the rounds."""

    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # refused (4xx, 5xx) or no answer
    wrong: int = 0  # answered 2xx, but not what the database holds
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by part, while it ran

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, int(len(ordered) * p) - 1)] * 1000 if ordered else 0.0


def load(port: int, make_request: Maker, seconds: float, threads: int, into: Measured) -> None:
    """`threads` clients for `seconds`, each sending its next request once it has its answer
    (a new connection each time: gunicorn's sync workers close it after each answer); every
    answer checked against what the bench wrote."""
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        rng = random.Random(n)
        mine: list[float] = []
        failed = wrong = 0
        while time.monotonic() < stop:
            method, path, body, headers, check = make_request(rng, n, threads)
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.status >= 400:
                    failed += 1
                elif check is not None and not check(response.status, data):
                    wrong += 1
            except OSError:
                failed += 1
            finally:
                conn.close()
            mine.append(time.perf_counter() - started)
        with lock:
            into.latencies.extend(mine)
            into.requests += len(mine)
            into.errors += failed
            into.wrong += wrong

    began = time.monotonic()
    clients = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    into.seconds += time.monotonic() - began


def main() -> None:
    import psycopg

    name = f"bench_consent_{secrets.token_hex(4)}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{name}",
        "DB_CONN_MAX_AGE": "60",
        "CONSENT_API_RATE": "100000000/m",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    if REDIS:
        env["REDIS_URL"] = REDIS
        env["CACHE_KEY_PREFIX"] = name
    server = None
    try:
        key, people, text = prepare(env)
        port = free_port()
        if SERVER == "runserver":
            command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        else:
            command = [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class"),
                "sync",
            ]
        server = subprocess.Popen(  # fixed command, no outside input
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(port)
        auth = {"Authorization": f"Bearer {key}"}
        # What the bench wrote for each person's newsletter (absent: nothing yet). Each client
        # writes only its own share of the people, so that it knows what each answer must say.
        given: dict[str, bool] = {}

        def ping(rng: random.Random, n: int, threads: int):
            return "GET", "/api/consent/ping", None, {}, lambda status, data: data == PONG

        def read(rng: random.Random, n: int, threads: int):
            person = rng.choice(people)
            expected = given.get(person)

            def check(status: int, data: bytes) -> bool:
                answer = json.loads(data)
                [newsletter] = [c for c in answer["consents"] if c["purpose"] == "newsletter"]
                act = None if expected is None else ("given" if expected else "withdrawn")
                return (
                    answer["subject"] == str(uuid.UUID(person))
                    and newsletter["act"] == act
                    and newsletter["holds"] is (act == "given")
                )

            return "GET", f"/api/consent/subjects/{person}", None, auth, check

        def write(rng: random.Random, n: int, threads: int):
            person = rng.choice(people[n::threads])
            give = not given.get(person, False)
            given[person] = give
            body = json.dumps({"purpose": "newsletter", "given": give, "text_sha256": text})
            headers = {**auth, "Content-Type": "application/json"}

            def check(status: int, data: bytes) -> bool:
                answer = json.loads(data)
                act = "given" if give else "withdrawn"
                return status == 201 and (answer["purpose"], answer["act"]) == ("newsletter", act)

            return "POST", f"/api/consent/subjects/{person}", body, headers, check

        endpoints: tuple[tuple[str, Maker], ...] = (
            ("trivial (ping)", ping),
            ("read consents", read),
            ("write consent", write),
        )
        for _label, maker in endpoints:
            # Warm up every endpoint: each worker's first request of a kind imports and
            # connects (seconds on a loaded machine), which is not the steady state measured.
            load(port, maker, 2.0, THREADS, Measured())
        # The endpoints take turns, in ROUNDS rounds, so that the load of the machine's other
        # work weighs alike on each: a ratio compares endpoints measured over the same minutes.
        results = {label: Measured() for label, _maker in endpoints}
        alone = {label: Measured() for label, _maker in endpoints}
        for _round in range(ROUNDS):
            for label, maker in endpoints:
                before = cpu_by_part(server.pid)
                load(port, maker, SECONDS / ROUNDS, THREADS, results[label])
                after = cpu_by_part(server.pid)
                for part, seconds in after.items():
                    spent = results[label].cpu
                    spent[part] = spent.get(part, 0.0) + seconds - before[part]
            # The latency one client sees, without the queue of THREADS clients on WORKERS
            # workers.
            for label, maker in endpoints:
                load(port, maker, SECONDS / 2 / ROUNDS, 1, alone[label])
        base = results["trivial (ping)"].rate
        served = "runserver --noreload" if SERVER == "runserver" else f"gunicorn, {WORKERS} workers"
        cache = "Redis" if REDIS else "per-process memory"
        print(
            f"{served}, PostgreSQL, cache in {cache}, {THREADS} client threads, "
            f"{SECONDS:.0f} s per endpoint in {ROUNDS} rounds, {SUBJECTS} people, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"{'endpoint':<16} {'req/s':>8} {'vs trivial':>10} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'wrong':>6}"
        )
        for label, m in results.items():
            print(
                f"{label:<16} {m.rate:>8.1f} {m.rate / base:>10.2f} {m.percentile(0.5):>8.1f} "
                f"{m.percentile(0.95):>8.1f} {m.percentile(0.99):>8.1f} {m.errors:>7} {m.wrong:>6}"
            )
        print(f"CPU per request, ms, with {THREADS} clients (where the machine's time goes):")
        print(f"{'endpoint':<16} " + " ".join(f"{part:>8}" for part in results[label].cpu))
        for label, m in results.items():
            print(
                f"{label:<16} "
                + " ".join(f"{s * 1000 / max(m.requests, 1):>8.2f}" for s in m.cpu.values())
            )
        print(f"one client alone ({SECONDS / 2:.0f} s per endpoint):")
        base_alone = alone["trivial (ping)"].rate
        for label, m in alone.items():
            print(
                f"{label:<16} {m.rate:>8.1f} {m.rate / base_alone:>10.2f} "
                f"{m.percentile(0.5):>8.1f} {m.percentile(0.95):>8.1f} {'':>8} "
                f"{m.errors:>7} {m.wrong:>6}"
            )
        reads = results["read consents"].rate / base
        writes = results["write consent"].rate / base
        p95_load = results["read consents"].percentile(0.95)
        p95_alone = alone["read consents"].percentile(0.95)
        bad = sum(m.errors + m.wrong for m in (*results.values(), *alone.values()))
        print(
            f"targets: read {reads:.2f}x >= 0.5 {'yes' if reads >= 0.5 else 'NO'}; "
            f"write {writes:.2f}x >= 0.33 {'yes' if writes >= 0.33 else 'NO'}; "
            f"p95 read {p95_alone:.1f} ms for one client < 10 {'yes' if p95_alone < 10 else 'NO'} "
            f"({p95_load:.1f} ms with {THREADS} clients queued on {WORKERS} workers); "
            f"answers {'all right' if not bad else f'{bad} WRONG OR REFUSED'}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
