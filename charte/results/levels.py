"""The level of acquisition of a competency, computed from a pupil's attempts.

The rule, as we explain it to pupils, families and teachers (the page /resultats/niveaux/ says
the same in French):

1. For each exercise of the competency, only the pupil's **latest** attempt counts: trying
   again and doing better replaces an earlier failure.
2. The competency's **score** is the mean of those latest scores, each weighted by the
   exercise's difficulty (1, 2 or 3): harder exercises count more.
3. An exercise is **passed** when its latest score is at least 75 % (three questions in four).
4. The level is then:
   - *not started*: no attempt at any exercise of the competency;
   - *mastered*: score of 80 % or more, and an exercise of level 3 passed;
   - *acquired*: score of 65 % or more, and an exercise of level 2 or 3 passed;
   - *in progress*: score of 40 % or more;
   - *beginning*: below 40 %.

So a pupil cannot reach "acquired" with discovery exercises alone, nor "mastered" without
succeeding at the hardest level; and the level never depends on anyone's opinion, only on the
answers. Nothing here is stored: it is recomputed from the attempts each time, so erasing an
attempt changes the level with it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

PASS = 0.75
MASTERED_SCORE = 0.80
ACQUIRED_SCORE = 0.65
IN_PROGRESS_SCORE = 0.40


class Level(models.TextChoices):
    NOT_STARTED = "not_started", _("Pas commencé")
    BEGINNING = "beginning", _("Débute")
    IN_PROGRESS = "in_progress", _("En cours")
    ACQUIRED = "acquired", _("Acquis")
    MASTERED = "mastered", _("Maîtrisé")

    @property
    def rank(self) -> int:
        """0 (not started) to 4 (mastered)."""
        return list(Level).index(self)


@dataclass(frozen=True, slots=True)
class Latest:
    """A pupil's latest attempt at one exercise."""

    exercise_id: int
    competency_id: int
    difficulty: int
    score: float
    at: datetime


def level_of(latest: Iterable[Latest]) -> tuple[Level, float | None]:
    """The level and weighted score of one competency, from the latest attempt per exercise."""
    rows = list(latest)
    if not rows:
        return Level.NOT_STARTED, None
    weight = sum(r.difficulty for r in rows)
    score = sum(r.difficulty * r.score for r in rows) / weight

    def passed(difficulty: int) -> bool:
        return any(r.difficulty >= difficulty and r.score >= PASS for r in rows)

    if score >= MASTERED_SCORE and passed(3):
        return Level.MASTERED, score
    if score >= ACQUIRED_SCORE and passed(2):
        return Level.ACQUIRED, score
    if score >= IN_PROGRESS_SCORE:
        return Level.IN_PROGRESS, score
    return Level.BEGINNING, score


def progress_of(levels: Iterable[Level], competencies: int) -> float:
    """How far along the whole course a pupil is, from 0 (nothing started) to 1 (all mastered)."""
    if competencies == 0:
        return 0.0
    return sum(level.rank for level in levels) / (4 * competencies)


def next_step(level: Level, score: float | None, passed: int) -> str:
    """What it takes to reach the next level, in one sentence a pupil understands."""
    from django.utils.translation import gettext as _

    score = score or 0.0
    if level == Level.NOT_STARTED:
        return _("Pour commencer : un exercice de niveau 1.")
    if level == Level.BEGINNING:
        return _("Pour passer à « En cours » : atteindre %(score)s %%.") % {"score": 40}
    if level == Level.IN_PROGRESS:
        if passed >= 2:
            return _("Pour passer à « Acquis » : atteindre %(score)s %%.") % {"score": 65}
        if score >= ACQUIRED_SCORE:
            return _("Pour passer à « Acquis » : réussir un exercice de niveau 2.")
        return _(
            "Pour passer à « Acquis » : atteindre %(score)s %% et réussir un exercice de niveau 2."
        ) % {"score": 65}
    if level == Level.ACQUIRED:
        if passed >= 3:
            return _("Pour passer à « Maîtrisé » : atteindre %(score)s %%.") % {"score": 80}
        if score >= MASTERED_SCORE:
            return _("Pour passer à « Maîtrisé » : réussir un exercice de niveau 3.")
        return _(
            "Pour passer à « Maîtrisé » : atteindre %(score)s %% et réussir un exercice de "
            "niveau 3."
        ) % {"score": 80}
    return _("Bravo, c'est maîtrisé !")
