"""Reads of results, and who may see whose.

A pupil's results are seen by the pupil, by their confirmed guardians, and by the teachers of
the class they are in now; by nobody else, and every other viewer is told "not found".
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.accounts.queries import guardians_of
from charte.content.models import Competency, Exercise
from charte.core.access import as_public_id
from charte.core.errors import NotFound
from charte.results.charts import Chart, weekly_progress
from charte.results.levels import (
    PASS,
    Latest,
    Level,
    level_of,
    next_step,
    progress_of,
)
from charte.results.models import Attempt
from charte.schools import queries as schools


def may_see_results(viewer: User, pupil: User) -> bool:
    if viewer.pk == pupil.pk:
        return True
    if viewer.role == Role.PARENT and guardians_of(pupil).filter(pk=viewer.pk).exists():
        return True
    return viewer.role == Role.TEACHER and schools.teaches(viewer, pupil)


def access_pupil_results(*, viewer: User, public_id: uuid.UUID | str) -> User:
    """The pupil whose results the viewer may see: themself, their child, or their pupil."""
    pupil = User.objects.filter(
        public_id=as_public_id(public_id, not_found=_("Élève introuvable.")), role=Role.PUPIL
    ).first()
    if pupil is None:
        raise NotFound(_("Élève introuvable."))
    if not may_see_results(viewer, pupil):
        raise NotFound(_("Élève introuvable."))
    return pupil


def access_attempt(*, viewer: User, public_id: uuid.UUID | str) -> Attempt:
    attempt = (
        Attempt.objects.select_related("pupil", "exercise__competency", "exercise__lesson")
        .filter(public_id=as_public_id(public_id, not_found=_("Tentative introuvable.")))
        .first()
    )
    if attempt is None:
        raise NotFound(_("Tentative introuvable."))
    if not may_see_results(viewer, attempt.pupil):
        raise NotFound(_("Tentative introuvable."))
    return attempt


# Reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseStat:
    exercise: Exercise
    attempts: int
    latest: float
    best: float
    last_at: datetime

    @property
    def latest_percent(self) -> int:
        return round(self.latest * 100)

    @property
    def best_percent(self) -> int:
        return round(self.best * 100)

    @property
    def passed(self) -> bool:
        return self.latest >= PASS


@dataclass(frozen=True)
class CompetencyResult:
    competency: Competency
    level: Level
    score: float | None
    exercises: list[ExerciseStat] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    @property
    def next_step(self) -> str:
        passed = max((s.exercise.difficulty for s in self.exercises if s.passed), default=0)
        return next_step(self.level, self.score, passed)


@dataclass(frozen=True)
class PupilReport:
    pupil: User
    competencies: list[CompetencyResult]
    attempts: int
    recent: list[Attempt]
    chart: Chart

    @property
    def progress_percent(self) -> int:
        return round(
            progress_of((c.level for c in self.competencies), len(self.competencies)) * 100
        )

    def count(self, level: Level) -> int:
        return sum(1 for c in self.competencies if c.level == level)

    @property
    def acquired(self) -> int:
        return self.count(Level.ACQUIRED) + self.count(Level.MASTERED)


def _rows(attempts: QuerySet[Attempt]) -> list[Latest]:
    return [
        Latest(
            exercise_id=row["exercise_id"],
            competency_id=row["exercise__competency_id"],
            difficulty=row["exercise__difficulty"],
            score=row["score"],
            at=row["created_at"],
        )
        for row in attempts.order_by("created_at", "pk").values(
            "exercise_id", "exercise__competency_id", "exercise__difficulty", "score", "created_at"
        )
    ]


def competency_levels(rows: Iterable[Latest]) -> dict[int, tuple[Level, float | None]]:
    """Level and score per competency id, from a pupil's attempts in time order."""
    latest: dict[int, Latest] = {}
    for row in rows:
        latest[row.exercise_id] = row
    by_competency: dict[int, list[Latest]] = defaultdict(list)
    for row in latest.values():
        by_competency[row.competency_id].append(row)
    return {cid: level_of(group) for cid, group in by_competency.items()}


def levels_of(pupil: User) -> dict[int, tuple[Level, float | None]]:
    return competency_levels(_rows(Attempt.objects.filter(pupil=pupil)))


@dataclass
class _Tally:
    last_at: datetime
    attempts: int = 0
    best: float = 0.0
    latest: float = 0.0


def pupil_report(
    pupil: User, *, since: datetime | None = None, until: datetime | None = None
) -> PupilReport:
    """The pupil's report, over every attempt or over those made in [since, until)."""
    attempts = Attempt.objects.filter(pupil=pupil)
    if since is not None:
        attempts = attempts.filter(created_at__gte=since)
    if until is not None:
        attempts = attempts.filter(created_at__lt=until)
    rows = _rows(attempts)
    levels = competency_levels(rows)
    tallies: dict[int, _Tally] = {}
    for row in rows:
        tally = tallies.setdefault(row.exercise_id, _Tally(last_at=row.at))
        tally.attempts += 1
        tally.best = max(tally.best, row.score)
        tally.latest = row.score
        tally.last_at = row.at
    exercises = Exercise.objects.filter(pk__in=tallies).select_related("competency")
    by_competency: dict[int, list[ExerciseStat]] = defaultdict(list)
    for exercise in exercises.order_by("difficulty", "order"):
        t = tallies[exercise.pk]
        by_competency[exercise.competency_id].append(
            ExerciseStat(
                exercise=exercise,
                attempts=t.attempts,
                latest=t.latest,
                best=t.best,
                last_at=t.last_at,
            )
        )
    competencies = list(Competency.objects.all())
    results = [
        CompetencyResult(
            competency=c,
            level=levels.get(c.pk, (Level.NOT_STARTED, None))[0],
            score=levels.get(c.pk, (Level.NOT_STARTED, None))[1],
            exercises=by_competency.get(c.pk, []),
        )
        for c in competencies
    ]
    recent = list(attempts.select_related("exercise__competency")[:8])
    return PupilReport(
        pupil=pupil,
        competencies=results,
        attempts=len(rows),
        recent=recent,
        chart=weekly_progress(rows, competencies=len(competencies)),
    )


@dataclass(frozen=True)
class PupilRow:
    pupil: User
    levels: list[tuple[Level, int | None]]  # per competency, in catalogue order
    attempts: int
    progress: int


@dataclass(frozen=True)
class ExerciseRate:
    exercise: Exercise
    pupils: int  # how many pupils did it
    success: int  # mean of their latest scores, in percent


@dataclass(frozen=True)
class ClassReport:
    competencies: list[Competency]
    rows: list[PupilRow]
    exercises: list[ExerciseRate]


def class_report(pupils: Iterable[User]) -> ClassReport:
    """Every pupil's level per competency, and each exercise's success rate in the class."""
    pupils = list(pupils)
    competencies = list(Competency.objects.all())
    by_pupil: dict[int, list[Latest]] = defaultdict(list)
    latest_by_exercise: dict[int, dict[int, float]] = defaultdict(dict)
    values = (
        Attempt.objects.filter(pupil__in=pupils)
        .order_by("created_at", "pk")
        .values(
            "pupil_id",
            "exercise_id",
            "exercise__competency_id",
            "exercise__difficulty",
            "score",
            "created_at",
        )
    )
    for row in values:
        by_pupil[row["pupil_id"]].append(
            Latest(
                exercise_id=row["exercise_id"],
                competency_id=row["exercise__competency_id"],
                difficulty=row["exercise__difficulty"],
                score=row["score"],
                at=row["created_at"],
            )
        )
        latest_by_exercise[row["exercise_id"]][row["pupil_id"]] = row["score"]
    rows = []
    for pupil in pupils:
        levels = competency_levels(by_pupil[pupil.pk])
        cells = []
        for c in competencies:
            level, score = levels.get(c.pk, (Level.NOT_STARTED, None))
            cells.append((level, None if score is None else round(score * 100)))
        rows.append(
            PupilRow(
                pupil=pupil,
                levels=cells,
                attempts=len(by_pupil[pupil.pk]),
                progress=round(progress_of((lv for lv, _ in cells), len(competencies)) * 100),
            )
        )
    exercises = Exercise.objects.filter(pk__in=latest_by_exercise).select_related("competency")
    rates = [
        ExerciseRate(
            exercise=e,
            pupils=len(latest_by_exercise[e.pk]),
            success=round(
                100 * sum(latest_by_exercise[e.pk].values()) / len(latest_by_exercise[e.pk])
            ),
        )
        for e in exercises
    ]
    return ClassReport(competencies=competencies, rows=rows, exercises=rates)


def latest_scores(pupil: User) -> dict[int, float]:
    """The pupil's latest score at each exercise they tried, by exercise id."""
    latest: dict[int, float] = {}
    for exercise_id, score in (
        Attempt.objects.filter(pupil=pupil)
        .order_by("created_at", "pk")
        .values_list("exercise_id", "score")
    ):
        latest[exercise_id] = score
    return latest
