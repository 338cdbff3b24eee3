"""Reads of the catalogue: the same for everyone, so no access rule beyond "published"."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from charte.content.models import Competency, Exercise, Lesson
from charte.core.errors import NotFound


def catalogue() -> QuerySet[Competency]:
    return Competency.objects.prefetch_related(
        "lessons", Prefetch("exercises", queryset=Exercise.objects.published())
    )


def competency_by_code(code: str) -> Competency:
    competency = catalogue().filter(code=code).first()
    if competency is None:
        raise NotFound(_("Compétence introuvable."))
    return competency


def lesson_by_slug(slug: str) -> Lesson:
    lesson = Lesson.objects.select_related("competency").filter(slug=slug).first()
    if lesson is None:
        raise NotFound(_("Leçon introuvable."))
    return lesson


def exercise_by_slug(slug: str) -> Exercise:
    exercise = (
        Exercise.objects.published()
        .select_related("competency", "lesson")
        .prefetch_related("questions")
        .filter(slug=slug)
        .first()
    )
    if exercise is None:
        raise NotFound(_("Exercice introuvable."))
    return exercise


def exercises_for_choice() -> QuerySet[Exercise]:
    """Every published exercise, in catalogue order, to pick one for an assignment."""
    return Exercise.objects.published().select_related("competency")


def lessons_for_choice() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("competency")


def first_exercises() -> list[Exercise]:
    """The first exercise of the easiest level of each competency: where anyone may start."""
    firsts: dict[int, Exercise] = {}
    for exercise in Exercise.objects.published().select_related("competency", "lesson"):
        firsts.setdefault(exercise.competency_id, exercise)
    return list(firsts.values())
