"""Demo data: each app seeds its own part from `<app>/demo.py`, in the order of INSTALLED_APPS.

Deterministic (a fixed random seed, fixed names) and idempotent (every step looks for what it
would create first), so that `seed_demo` can run at every `make run`. `--pupils N` adds N
generated pupils for volume measurements.
"""

import importlib
import importlib.util
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import transaction

if TYPE_CHECKING:
    from charte.accounts.models import User

DEMO_PASSWORD = "charte-demo-2026"  # noqa: S105  (printed for the demo; never in production)


class Writer(Protocol):
    def write(self, message: str) -> Any: ...


@dataclass(frozen=True)
class DemoLogin:
    who: str
    login: str
    note: str = ""


@dataclass
class Demo:
    out: Writer
    pupils: int = 0
    # Repeatable, not secret: the demo must come out the same on every machine.
    rng: random.Random = field(default_factory=lambda: random.Random(2026))  # noqa: S311
    people: dict[str, "User"] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)

    def person(self, handle: str) -> "User":
        return self.people[handle]

    def say(self, message: str) -> None:
        self.out.write(message + "\n")


class DemoRefused(Exception):
    """The demo is never seeded in production."""


REFUSED_IN_PRODUCTION = (
    "seed_demo refuses to run in production (DJANGO_ENV=production): it would create demo "
    "accounts, staff ones included, whose password is published. Nothing was created. Create "
    "real accounts, each with its own password, instead."
)


def seed(*, out: Writer, pupils: int = 0) -> Demo:
    # The demo's accounts (staff roles included) share a password printed in the README.
    if settings.PRODUCTION:
        raise DemoRefused(REFUSED_IN_PRODUCTION)
    demo = Demo(out=out, pupils=pupils)
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name == "charte.core" or importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        with transaction.atomic():
            module.seed(demo)
    return demo
