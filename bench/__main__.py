"""`python -m bench` (`make bench`): every benchmark, on SQLite and, if it answers, PostgreSQL."""

import subprocess
import sys

BENCHMARKS = ["bench.journal"]


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        for database in ("sqlite", "postgres"):
            command = [sys.executable, "-m", module, "--database", database]
            failed |= subprocess.run(command, check=False).returncode
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
