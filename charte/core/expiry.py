"""Retention rules whose expiry the owning app carries out itself: the registry of their handlers.

It lives in `core`, like the menu and the schedule, so that an app of any layer (the journal is
below retention) registers its handler without importing the retention app.

Contract: an app whose data cannot be removed row by row (the journal is append-only and is
removed by whole sealed segments, so that its chain of seals stays verifiable) registers, in
its `AppConfig.ready()`, one function per retention rule it owns:

    from charte.core import expiry

    def remove_expired_segments(due: expiry.Expiry) -> int:
        ...  # remove what `due.cutoff` says has expired; return how many rows went
             # (with due.dry_run: change nothing, return how many would go)

    expiry.register("journal", remove_expired_segments)

The sweep then calls that function for the rule, every night, instead of its own row
deletion: it never touches the owning app's table itself. The function must:
- remove only rows anchored strictly before `expiry.cutoff` (those are past the rule's period);
- work in bounded batches with one transaction each, and be safe to run again after a crash;
- change nothing when `expiry.dry_run` is true, and return the number it would remove;
- respect `expiry.holds` where its data can be held (`holds.blocks_person(pk)`,
  `holds.blocks_object(label, public_id)`), or say in its own docs why it cannot;
- return the number of rows removed (the sweep journals it with the rule's counts).

A rule listed in `retention.handlers.OWNER_HANDLED` is never swept by the generic row deletion:
until its owner registers a handler, the sweep and the DPO's view say that it waits for one. A
handler registered for a code the register does not know is refused by the system check
(`retention.checks.check_handlers`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charte.privacy.register import RetentionRule
    from charte.retention.queries import Holds


@dataclass(frozen=True, kw_only=True)
class Expiry:
    """What a handler is asked to do: remove what `rule` says has expired on `today`."""

    rule: "RetentionRule"
    today: date
    cutoff: datetime  # rows anchored strictly before this moment are past the rule's period
    dry_run: bool
    batch_size: int
    holds: "Holds"


type Handler = Callable[[Expiry], int]

_handlers: dict[str, Handler] = {}


def register(rule: str, handler: Handler) -> None:
    """Make `handler` responsible for removing what `rule` (a register code) says has expired."""
    if rule in _handlers:
        raise ValueError(f"The retention rule {rule!r} already has a handler.")
    _handlers[rule] = handler


def unregister(rule: str) -> None:
    """For tests."""
    _handlers.pop(rule, None)


def handler_for(rule: str) -> Handler | None:
    return _handlers.get(rule)


def registered() -> list[str]:
    """The rules that have a handler, for the system check."""
    return sorted(_handlers)
