"""Consent writes and reads through the API, on PostgreSQL, against a trivial endpoint.

A real server process serves a throwaway PostgreSQL database: gunicorn with sync workers
(BENCH_SERVER=gunicorn, the default: each worker keeps its database connection, as in
production) or `manage.py runserver --noreload` (BENCH_SERVER=runserver: one thread and one
new database connection per request); a load generator in this process (threads, one HTTP
connection per request, the same for every endpoint) sends requests for a fixed time to
three endpoints:
- `GET /api/consent/ping`: no database, no authentication: the baseline of the same server;
- `GET /api/consent/subjects/{id}`: a person's current consents (authenticated);
- `POST /api/consent/subjects/{id}`: give or withdraw the newsletter (authenticated, one
  append-only record, one journal entry, in one transaction).
Every endpoint is warmed up first (each worker's first request of a kind imports and connects).
It prints requests per second, the ratio to the baseline and p50/p95/p99 under load, the same
for one client alone (the latency a caller sees without the queue of 8 clients on 2 workers),
and whether the targets hold (read >= 0.5x and write >= 0.33x the trivial endpoint, p95 read
< 10 ms, one client). The
cache is Redis, as in production (BENCH_REDIS, under a key prefix of its own; BENCH_REDIS=""
for each process's own memory). Everything runs on loopback and stops by itself. Settings:
BENCH_PG (server URL), BENCH_SECONDS (per endpoint), BENCH_THREADS, BENCH_WORKERS.
"""

import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
SERVER = os.environ.get("BENCH_SERVER", "gunicorn")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SUBJECTS = 100
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


def load(
    port: int, make_request, seconds: float, threads: int | None = None
) -> tuple[float, list[float], int]:
    """Requests per second, latencies, errors: `threads` (THREADS) clients for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            method, path, body, headers = make_request(rng)
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except OSError:
                failed += 1
            finally:
                conn.close()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors += failed

    began = time.monotonic()
    clients = [threading.Thread(target=worker, args=(n,)) for n in range(threads or THREADS)]
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    elapsed = time.monotonic() - began
    return len(latencies) / elapsed, latencies, errors


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
        given: dict[str, bool] = {}

        def ping(rng: random.Random):
            return "GET", "/api/consent/ping", None, {}

        def read(rng: random.Random):
            return "GET", f"/api/consent/subjects/{rng.choice(people)}", None, auth

        def write(rng: random.Random):
            person = rng.choice(people)
            give = not given.get(person, False)
            given[person] = give
            body = json.dumps({"purpose": "newsletter", "given": give, "text_sha256": text})
            headers = {**auth, "Content-Type": "application/json"}
            return "POST", f"/api/consent/subjects/{person}", body, headers

        endpoints = (
            ("trivial (ping)", ping),
            ("read consents", read),
            ("write consent", write),
        )
        for _label, maker in endpoints:
            # Warm up every endpoint: each worker's first request of a kind imports and
            # connects (seconds on a loaded machine), which is not the steady state measured.
            load(port, maker, 2.0)
        results = {}
        for label, maker in endpoints:
            results[label] = load(port, maker, SECONDS)
        # The latency one client sees, without the queue of THREADS clients on WORKERS workers.
        alone = {label: load(port, maker, SECONDS / 2, threads=1) for label, maker in endpoints}
        base = results["trivial (ping)"][0]
        served = "runserver --noreload" if SERVER == "runserver" else f"gunicorn, {WORKERS} workers"
        cache = "Redis" if REDIS else "per-process memory"
        print(
            f"{served}, PostgreSQL, cache in {cache}, {THREADS} client threads, "
            f"{SECONDS:.0f} s per endpoint, {SUBJECTS} people"
        )
        print(
            f"{'endpoint':<16} {'req/s':>8} {'vs trivial':>10} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        p95s = {}
        for label, (rps, latencies, errors) in results.items():
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
            p95s[label] = p95
            print(
                f"{label:<16} {rps:>8.1f} {rps / base:>10.2f} {p50:>8.1f} {p95:>8.1f} "
                f"{p99:>8.1f} {errors:>7}"
            )
        print(f"one client alone ({SECONDS / 2:.0f} s per endpoint):")
        p95_alone = 0.0
        for label, (rps, latencies, errors) in alone.items():
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
            if label == "read consents":
                p95_alone = p95
            print(f"{label:<16} {rps:>8.1f} {'':>10} {p50:>8.1f} {p95:>8.1f} {'':>8} {errors:>7}")
        reads = results["read consents"][0] / base
        writes = results["write consent"][0] / base
        print(
            f"targets: read {reads:.2f}x >= 0.5 {'yes' if reads >= 0.5 else 'NO'}; "
            f"write {writes:.2f}x >= 0.33 {'yes' if writes >= 0.33 else 'NO'}; "
            f"p95 read {p95s['read consents']:.1f} ms under load, {p95_alone:.1f} ms alone, "
            f"< 10 {'yes' if p95_alone < 10 else 'NO'}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
