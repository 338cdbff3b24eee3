"""Learning activity: what a pupil did, told by the apps where pupils work to whoever listens.

Design: the apps where a pupil works (results, content, assignments, coach) call `record(...)`
with what happened; the learning app, higher in the layers, sets the one sink in its
`AppConfig.ready()`. So no domain app imports the app that keeps learning events, and a new
place where pupils work needs one call, not a new dependency. The sink runs after commit:
what the pupil did is saved whatever happens to its statistics, and a pupil never waits on,
nor sees, a failure of the sink (it is logged).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class Verb(StrEnum):
    """What a pupil did; each maps to a verb of the ADL's xAPI registry (charte.learning.xapi)."""

    COMPLETED = "completed"  # an exercise answered and corrected
    EXPERIENCED = "experienced"  # a lesson opened
    SUBMITTED = "submitted"  # work handed in
    LAUNCHED = "launched"  # a coach's suggestion followed


class Kind(StrEnum):
    EXERCISE = "exercise"
    LESSON = "lesson"
    ASSIGNMENT = "assignment"
    SUGGESTION = "suggestion"


@dataclass(frozen=True, kw_only=True)
class Activity:
    pupil_id: int
    verb: Verb
    kind: Kind
    ref: str  # the object's slug or public id
    name: str = ""
    competency_id: int | None = None
    score: float | None = None  # 0..1
    success: bool | None = None
    at: datetime = field(default_factory=timezone.now)


type Sink = Callable[[Activity], None]

_sink: list[Sink] = []


def set_sink(sink: Sink) -> None:
    _sink[:] = [sink]


def record(activity: Activity) -> None:
    """Hand `activity` to the sink once the current transaction commits (at once outside one)."""
    if _sink:
        transaction.on_commit(lambda: _deliver(activity))


def _deliver(activity: Activity) -> None:
    try:
        _sink[0](activity)
    except Exception:
        logger.exception(
            "A learning event could not be recorded (%s %s).", activity.verb, activity.kind
        )
