"""Benchmarks: each prints its figures beside a baseline measured in the same run."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_on(database_url: str, **environment: str) -> None:
    """Start Django on a fresh database at `database_url` (with these variables set too) and
    migrate it: the production settings, not the tests'."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("TEST_DATABASE_NAME", None)
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def schedstat() -> tuple[float, float]:
    """Seconds this thread has run on a CPU, and waited ready for one (zeros if unknown: Linux's
    /proc/thread-self/schedstat)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            on_cpu, waiting, _ = (int(n) for n in f.read().split())
    except (OSError, ValueError):
        return 0.0, 0.0
    return on_cpu / 1e9, waiting / 1e9


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, program, seconds on a CPU) of every process (Linux's /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        program = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the name: state, ppid, ... utime (14th field of the line), stime (15th).
        found.append(
            (int(entry.name), int(fields[1]), program, (int(fields[11]) + int(fields[12])) / tick)
        )
    return found


def cpu_by_part(server: int) -> dict[str, float]:
    """CPU seconds used so far by the web server `server` and its workers, by PostgreSQL, by
    Redis and by this process (the load generator): subtract two readings to see where a run's
    CPU went."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, parent, _program, _cpu in processes:
        children.setdefault(parent, []).append(pid)
    web, todo = set(), [server]
    while todo:
        pid = todo.pop()
        web.add(pid)
        todo.extend(children.get(pid, []))
    parts = {"web": 0.0, "postgres": 0.0, "redis": 0.0, "client": 0.0}
    for pid, _parent, program, cpu in processes:
        if pid in web:
            parts["web"] += cpu
        elif program == "postgres":
            parts["postgres"] += cpu
        elif program.startswith("redis-server"):
            parts["redis"] += cpu
        elif pid == os.getpid():
            parts["client"] += cpu
    return parts
