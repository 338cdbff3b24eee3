"""The demo's aggregates: the worker's refresh, run once so that the reports show figures at
once (`make run` starts no worker before the first page). The demo writes nothing after this,
so the refresh need not wait for late commits: it reads every event up to now."""

from datetime import timedelta

from charte import audit
from charte.core.actors import SEED
from charte.core.demo import Demo
from charte.statistics import aggregate


def seed(demo: Demo) -> None:
    read = aggregate.refresh(lag=timedelta(0))
    if read:
        audit.record(event="statistics.refreshed", actor=SEED, data={"events": read})
        demo.say(f"{read} learning events added to the usage statistics.")
