"""Assignments through the API: the same queries, actions and access rules as the pages."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from charte.accounts.models import Role, User
from charte.accounts.queries import children_of
from charte.assignments import actions, queries
from charte.assignments.models import Assignment
from charte.content.models import Exercise
from charte.core.access import viewer_of
from charte.core.errors import ActionError, NotFound
from charte.core.schemas import InputSchema, refusals
from charte.results.actions import record_results_viewed
from charte.schools import queries as schools

router = Router(tags=["assignments"])


class AssignmentOut(Schema):
    public_id: UUID
    school_class: UUID
    class_name: str
    title: str
    instructions: str
    exercise: str | None
    expects_production: bool
    due_at: datetime
    whole_class: bool


class StatusOut(Schema):
    pupil: UUID
    first_name: str
    status: str
    status_label: str
    done_at: datetime | None
    best_score: int | None
    production: UUID | None


class AssignmentWithStatusOut(AssignmentOut):
    statuses: list[StatusOut]


class AssignmentIn(InputSchema):
    school_class: UUID
    title: str
    due_at: datetime
    instructions: str = ""
    exercise: str | None = None  # an exercise's slug
    expects_production: bool = False
    pupils: list[UUID] | None = None  # None: the whole class


def _out(a: Assignment) -> AssignmentOut:
    return AssignmentOut(
        public_id=a.public_id,
        school_class=a.school_class.public_id,
        class_name=a.school_class.name,
        title=a.title,
        instructions=a.instructions,
        exercise=a.exercise.slug if a.exercise else None,
        expects_production=a.expects_production,
        due_at=a.due_at,
        whole_class=a.whole_class,
    )


def _with(a: Assignment, rows: list[queries.PupilStatus]) -> AssignmentWithStatusOut:
    return AssignmentWithStatusOut(**_out(a).model_dump(), statuses=_statuses(rows))


def _shown(viewer: User, rows: list[tuple[Assignment, list[queries.PupilStatus]]]) -> None:
    """Scores of others are shown: journal it, once per pupil."""
    record_results_viewed(
        viewer=viewer,
        pupils=[r.pupil for a, statuses in rows if a.exercise_id is not None for r in statuses],
        via="api_assignments",
    )


def _statuses(rows: list[queries.PupilStatus]) -> list[StatusOut]:
    return [
        StatusOut(
            pupil=r.pupil.public_id,
            first_name=r.pupil.first_name,
            status=r.status,
            status_label=r.label,
            done_at=r.done_at,
            best_score=r.best_percent,
            production=r.production.public_id if r.production else None,
        )
        for r in rows
    ]


@router.get(
    "/",
    response={200: list[AssignmentWithStatusOut], **refusals(401)},
    summary="The assignments one sees",
)
def list_assignments(request: HttpRequest) -> list[AssignmentWithStatusOut]:
    """A pupil: their work with its status. A guardian: their children's. A teacher: the work
    given in their classes, with every pupil's status."""
    viewer = viewer_of(request)
    found: list[tuple[Assignment, list[queries.PupilStatus]]] = []
    if viewer.role == Role.TEACHER:
        found = [(a, queries.statuses(a)) for a in queries.assignments_of_teacher(viewer)]
    else:
        pupils = [viewer] if viewer.role == Role.PUPIL else list(children_of(viewer))
        for pupil in pupils:
            found += [(a, [status]) for a, status in queries.pupil_work(pupil)]
    _shown(viewer, found)
    return [_with(a, rows) for a, rows in found]


@router.get(
    "/{public_id}",
    response={200: AssignmentWithStatusOut, **refusals(401, 404, 422)},
    summary="One assignment",
)
def get_assignment(request: HttpRequest, public_id: UUID) -> AssignmentWithStatusOut:
    viewer = viewer_of(request)
    assignment = queries.access_assignment(viewer=viewer, public_id=public_id)
    if viewer.role == Role.TEACHER:
        rows = queries.statuses(assignment)
    elif viewer.role == Role.PUPIL:
        rows = [queries.status_of(assignment, viewer)]
    else:
        rows = [
            queries.status_of(assignment, c)
            for c in children_of(viewer)
            if queries.is_for(assignment, c)
        ]
    _shown(viewer, [(assignment, rows)])
    return _with(assignment, rows)


@router.post(
    "/",
    response={201: AssignmentOut, **refusals(400, 401, 403, 404, 422)},
    summary="Give work to a class (teachers)",
)
def create_assignment(request: HttpRequest, payload: AssignmentIn) -> Status[AssignmentOut]:
    viewer = viewer_of(request)
    school_class = schools.access_class_by_teacher(viewer=viewer, public_id=payload.school_class)
    exercise = None
    if payload.exercise:
        exercise = Exercise.objects.published().filter(slug=payload.exercise).first()
        if exercise is None:
            raise NotFound(_("Exercice introuvable."))
    pupils = None
    if payload.pupils is not None:
        pupils = list(schools.pupils_of_class(school_class).filter(public_id__in=payload.pupils))
        if len(pupils) != len(set(payload.pupils)):
            raise ActionError(_("Un des élèves choisis n'est pas dans cette classe."))
    assignment = actions.create_assignment(
        school_class=school_class,
        title=payload.title,
        instructions=payload.instructions,
        due_at=payload.due_at,
        exercise=exercise,
        expects_production=payload.expects_production,
        pupils=pupils,
        actor=viewer,
    )
    return Status(201, _out(assignment))
