"""Fixtures and helpers shared by the learning apps' tests (schools, content, results, coach,
assignments, resources, dashboards); each of their conftest.py imports the fixtures it uses."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.assignments import actions as assignment_actions
from charte.assignments.models import Assignment
from charte.content.loader import load
from charte.content.models import Exercise, Question
from charte.core.actors import SEED
from charte.results import actions as result_actions
from charte.results.demo import answer
from charte.results.models import Attempt
from charte.schools import actions as school_actions
from charte.schools.models import School, SchoolClass, SchoolMember
from tests.factories import make_user


@pytest.fixture
def catalogue(db: None) -> None:
    load()


@pytest.fixture
def school(db: None, staff_david: User, teacher_chloe: User) -> School:
    school = school_actions.create_school(name="Collège Jean-Moulin", city="Lyon", actor=SEED)
    school_actions.add_school_member(
        school=school, person=staff_david, role=SchoolMember.Role.STAFF, actor=SEED
    )
    school_actions.add_school_member(
        school=school, person=teacher_chloe, role=SchoolMember.Role.TEACHER, actor=SEED
    )
    return school


@pytest.fixture
def chloe_class(school: School, teacher_chloe: User) -> SchoolClass:
    return school_actions.create_class(
        teacher=teacher_chloe, name="5e B", level="5e", school=school, actor=teacher_chloe
    )


@pytest.fixture
def ben_in_class(chloe_class: SchoolClass, child_ben: User, guardian_anna: User) -> User:
    """Ben, twelve, linked to his mother Anna, in Chloé's class."""
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    enrol(child_ben, chloe_class)
    return child_ben


def enrol(pupil: User, school_class: SchoolClass) -> None:
    assert school_class.join_code
    school_actions.join_class_with_code(pupil=pupil, code=school_class.join_code, actor=pupil)


def make_pupil(**kwargs: Any) -> User:
    return make_user(role=Role.PUPIL, **kwargs)


def exercise(slug: str = "republique-symboles") -> Exercise:
    return Exercise.objects.get(slug=slug)


def responses(ex: Exercise, *, right: int | None = None) -> dict[str, Any]:
    """Responses to an exercise: all right, or only the first `right` questions right."""
    import random

    rng = random.Random(1)
    questions = list(ex.questions.all())
    count = len(questions) if right is None else right
    return {q.key: answer(q, i < count, rng) for i, q in enumerate(questions)}


def form_data(ex: Exercise, *, right: int | None = None) -> dict[str, Any]:
    """The same responses, as the exercise page's form posts them."""
    data: dict[str, Any] = {}
    for q in ex.questions.all():
        value = responses(ex, right=right)[q.key]
        if q.kind == Question.Kind.CHOICE:
            data[q.key] = [str(i) for i in value]
        elif q.kind == Question.Kind.TRUE_FALSE:
            data[q.key] = "true" if value else "false"
        elif q.kind == Question.Kind.MATCHING:
            for i, v in enumerate(value):
                data[f"{q.key}-{i}"] = str(v)
        else:
            data[q.key] = value
    return data


def attempt(pupil: User, slug: str, *, right: int | None = None, days_ago: int = 0) -> Attempt:
    ex = exercise(slug)
    made, _ = result_actions.submit_attempt(
        pupil=pupil, exercise=ex, responses=responses(ex, right=right), actor=pupil
    )
    if days_ago:
        Attempt.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        made.refresh_from_db()
    return made


def give_work(
    teacher: User, school_class: SchoolClass, *, days: float = 7, **kwargs: Any
) -> Assignment:
    kwargs.setdefault("title", "Les symboles de la République")
    if "exercise" not in kwargs and not kwargs.get("expects_production"):
        kwargs["exercise"] = exercise()
    return assignment_actions.create_assignment(
        school_class=school_class,
        due_at=timezone.now() + timedelta(days=days),
        actor=teacher,
        **kwargs,
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass(frozen=True)
class LearningObjects:
    """One of each object a pupil's learning makes, for the tests of who may open what."""

    attempt: Attempt
    handout: Any  # the teacher's file resource, given with the assignment
    folder: Any  # the teacher's folder
    note: Any  # the pupil's own note
    assignment: Assignment
    production: Any  # the pupil's handed-in work, with one file


def learning_objects(teacher: User, pupil: User, school_class: SchoolClass) -> LearningObjects:
    """An attempt, the teacher's handout and folder, the pupil's note, an assignment to the class
    and the pupil's production with its file, each made through its app's action."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from charte.resources import actions as resource_actions
    from charte.resources.uploads import check_upload

    made = attempt(pupil, "republique-symboles")
    handout = resource_actions.create_resource(
        owner=teacher,
        kind="file",
        title="Consignes",
        upload=check_upload(SimpleUploadedFile("consignes.pdf", PDF)),
        actor=teacher,
    )
    folder = resource_actions.create_folder(
        owner=teacher, name="Séquence", parent=None, actor=teacher
    )
    note = resource_actions.create_resource(
        owner=pupil, kind="note", title="Mes mots", body="laïcité", actor=pupil
    )
    work = give_work(teacher, school_class, expects_production=True, resource=handout)
    production = assignment_actions.hand_in(
        assignment=work,
        pupil=pupil,
        text="Mon exposé",
        files=[check_upload(SimpleUploadedFile("expose.pdf", PDF))],
        actor=pupil,
    )
    return LearningObjects(made, handout, folder, note, work, production)
