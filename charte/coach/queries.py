"""What to work on next, and whether the coach may use a pupil's results to say it.

Design: the coach computes its suggestions when asked, from the attempts the results app
keeps; it stores no profile. `personalisation_allowed(pupil)` is the one place that decides
whether a pupil's results may be used, and it only asks the processing gate
(`processing.allowed(pupil, "coach")`): consent (a guardian's for a child), an objection, a
restriction all answer there. When it says no, the pupil gets `general_suggestions()`, which
is exactly what a visitor who is not signed in gets.

The personalised rule:
- never suggest a competency already mastered;
- weakest first: "beginning", then "in progress", then "not started", then "acquired";
  within a level, the lower score first, then the catalogue's order;
- in each competency, the difficulty rises: the next level above the highest one passed,
  preferring an exercise not tried yet; failing that, the exercise to try again;
- with each suggestion, its lesson and a related competency, and one sentence saying why.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from charte.accounts.models import User
from charte.content.models import Competency, Exercise, Lesson
from charte.content.queries import first_exercises
from charte.privacy import processing
from charte.results import queries as results
from charte.results.levels import PASS, Level

MAX_SUGGESTIONS = 3

ORDER = {
    Level.BEGINNING: 0,
    Level.IN_PROGRESS: 1,
    Level.NOT_STARTED: 2,
    Level.ACQUIRED: 3,
}


PURPOSE = "coach"


def personalisation_allowed(pupil: User) -> bool:
    """May the coach use this pupil's results? Only while the processing gate allows it."""
    return processing.allowed(pupil, PURPOSE)


@dataclass(frozen=True)
class Suggestion:
    exercise: Exercise
    reason: str
    level: Level = Level.NOT_STARTED
    lesson: Lesson | None = None
    related: list[Competency] = field(default_factory=list)

    @property
    def competency(self) -> Competency:
        return self.exercise.competency


@dataclass(frozen=True)
class Advice:
    suggestions: list[Suggestion]
    personalised: bool


def general_suggestions(limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """The same for everyone: the discovery exercise of the first competencies of the catalogue."""
    out = []
    for exercise in first_exercises()[:limit]:
        out.append(
            Suggestion(
                exercise=exercise,
                reason=_("Pour commencer « %(title)s » : un exercice de découverte.")
                % {"title": exercise.competency.display_title},
                lesson=exercise.lesson,
            )
        )
    return out


def advice_for(pupil: User | None, limit: int = MAX_SUGGESTIONS) -> Advice:
    """What the coach tells this pupil (or a visitor, for None)."""
    if pupil is None or not personalisation_allowed(pupil):
        return Advice(suggestions=general_suggestions(limit), personalised=False)
    return Advice(suggestions=personal_suggestions(pupil, limit), personalised=True)


def personal_suggestions(pupil: User, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    levels = results.levels_of(pupil)
    latest = results.latest_scores(pupil)
    competencies = list(Competency.objects.prefetch_related("related", "lessons"))
    exercises: dict[int, list[Exercise]] = {}
    for exercise in Exercise.objects.published().select_related("competency", "lesson"):
        exercises.setdefault(exercise.competency_id, []).append(exercise)
    ranked = []
    for competency in competencies:
        level, score = levels.get(competency.pk, (Level.NOT_STARTED, None))
        if level == Level.MASTERED or not exercises.get(competency.pk):
            continue
        ranked.append(
            (
                ORDER[level],
                score if score is not None else 0.0,
                competency.order,
                competency,
                level,
                score,
            )
        )
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    out = []
    for *_key, competency, level, score in ranked[:limit]:
        exercise, retry = _next_exercise(exercises[competency.pk], latest)
        out.append(
            Suggestion(
                exercise=exercise,
                reason=_reason(competency, exercise, level, score, latest.get(exercise.pk), retry),
                level=level,
                lesson=exercise.lesson,
                related=[
                    c
                    for c in competency.related.all()
                    if levels.get(c.pk, (Level.NOT_STARTED, None))[0] != Level.MASTERED
                ][:1],
            )
        )
    return out


def _next_exercise(exercises: list[Exercise], latest: dict[int, float]) -> tuple[Exercise, bool]:
    """The exercise to do next in one competency, and whether it is one to try again."""
    passed = [e.difficulty for e in exercises if latest.get(e.pk, 0.0) >= PASS]
    target = min(max(passed, default=0) + 1, 3)
    open_ = [e for e in exercises if latest.get(e.pk, 0.0) < PASS]
    for wanted in (target, *range(target + 1, 4), *range(target - 1, 0, -1)):
        at_level = [e for e in open_ if e.difficulty == wanted]
        untried = [e for e in at_level if e.pk not in latest]
        if untried:
            return untried[0], False
        if at_level:
            return min(at_level, key=lambda e: latest[e.pk]), True
    # Everything passed, yet not mastered: the weakest latest score is the one to improve.
    return min(exercises, key=lambda e: (latest.get(e.pk, 0.0), -e.difficulty)), True


def _reason(
    competency: Competency,
    exercise: Exercise,
    level: Level,
    score: float | None,
    last: float | None,
    retry: bool,
) -> str:
    title = competency.display_title
    percent = round((score or 0) * 100)
    if retry and last is not None:
        return _(
            "Tu avais eu %(last)s %% à cet exercice : réessaie, seul ton dernier essai compte."
        ) % {"last": round(last * 100)}
    if level == Level.NOT_STARTED:
        return _("Tu n'as pas encore commencé « %(title)s » : commence par la découverte.") % {
            "title": title
        }
    if level == Level.BEGINNING:
        return _(
            "C'est ta compétence la plus fragile (« %(title)s », %(percent)s %%) : relis la "
            "leçon, puis fais cet exercice."
        ) % {"title": title, "percent": percent}
    if level == Level.IN_PROGRESS:
        return _(
            "Tu progresses en « %(title)s » (%(percent)s %%) : réussis un exercice de niveau "
            "%(difficulty)s pour aller plus loin."
        ) % {"title": title, "percent": percent, "difficulty": exercise.difficulty}
    return _(
        "« %(title)s » est acquis : un exercice de niveau %(difficulty)s pour le maîtriser."
    ) % {"title": title, "difficulty": exercise.difficulty}
