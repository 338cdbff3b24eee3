"""The demo's aggregates: the worker's refresh, run once so that the reports show figures at
once (`make run` starts no worker before the first page)."""

from charte.core.actors import SEED
from charte.core.demo import Demo
from charte.statistics import actions


def seed(demo: Demo) -> None:
    read = actions.refresh(actor=SEED)
    if read:
        demo.say(f"{read} learning events added to the usage statistics.")
