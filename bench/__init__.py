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
