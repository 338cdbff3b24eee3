"""`python -m bench [name ...]` (`make bench`): every benchmark of this folder, each in its own
process (each sets up its own database), on SQLite and PostgreSQL where it takes a `--database`.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

# Benchmarks run more than once, with these arguments; the others run once, as they are.
RUNS = {
    "journal": [["--database", "sqlite"], ["--database", "postgres"]],
}
# Run by another benchmark, not on their own.
INNER = {"retention_sweep"}


def main() -> int:
    folder = Path(__file__).parent
    names = sys.argv[1:] or sorted(
        m.name
        for m in pkgutil.iter_modules([str(folder)])
        if not m.name.startswith("_") and m.name not in INNER
    )
    failed = 0
    for name in names:
        for arguments in RUNS.get(name, [[]]):
            print(f"== {name} {' '.join(arguments)}".rstrip() + " ==", flush=True)
            command = [sys.executable, "-m", f"bench.{name}", *arguments]
            failed |= subprocess.run(command, check=False).returncode
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
