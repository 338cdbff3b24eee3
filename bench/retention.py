"""`python -m bench.retention`: the retention sweep against a plain SQL DELETE, on PostgreSQL
when it answers and on SQLite. Each run is its own process, on a database it creates and drops.

    python -m bench.retention                # retention sweep: 100,000 pupils on PostgreSQL,
                                             # 20,000 on SQLite
    python -m bench.retention --pupils 20000 --sqlite-pupils 2000
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "bench_charte_retention"


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_SERVER, connect_timeout=3).close()
    except Exception:
        return False
    return True


def recreate_pg_database() -> str:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    return PG_SERVER.rsplit("/", 1)[0] + "/" + PG_DATABASE


def drop_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


def run(database_url: str, pupils: int, batch: int, extra: list[str]) -> int:
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CHARTE_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "bench.retention_sweep", "--pupils", str(pupils)]
        command += ["--batch", str(batch), *extra]
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--sqlite-pupils", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--slowest", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database.")
    args = parser.parse_args()
    extra = ["--profile"] if args.profile else []
    extra += ["--slowest", str(args.slowest)]
    failed = 0
    if args.only != "sqlite":
        if postgres_answers():
            print(
                f"=== Retention sweep on PostgreSQL, {args.pupils} expired pupils ===", flush=True
            )
            try:
                failed |= run(recreate_pg_database(), args.pupils, args.batch, extra)
            finally:
                if not args.keep:
                    drop_pg_database()
        else:
            print("!!! PostgreSQL does not answer: its run is skipped.")
    if args.only != "postgres":
        print(f"=== Retention sweep on SQLite, {args.sqlite_pupils} expired pupils ===", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            failed |= run(f"sqlite:///{tmp}/bench.sqlite3", args.sqlite_pupils, args.batch, extra)
    return failed


if __name__ == "__main__":
    sys.exit(main())
