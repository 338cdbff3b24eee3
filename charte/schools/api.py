"""Classes through the API: the same queries and access rules as the pages."""

from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from charte.accounts.models import Role
from charte.accounts.queries import access_person_by_viewer, children_of
from charte.core.access import viewer_of
from charte.core.errors import ActionError
from charte.core.schemas import InputSchema, refusals
from charte.schools import actions, queries
from charte.schools.models import SchoolClass, SchoolMember

router = Router(tags=["classes"])


class ClassOut(Schema):
    public_id: UUID
    name: str
    level: str
    year: str
    school: str | None
    # Only for those who manage the class (its teachers, its school's staff).
    join_code: str | None = None
    pupil_count: int | None = None


class PupilOut(Schema):
    public_id: UUID
    first_name: str
    last_name: str
    login: str
    since: str


class ClassDetailOut(ClassOut):
    teachers: list[str]
    pupils: list[PupilOut]


class ClassIn(InputSchema):
    name: str
    level: SchoolClass.Level
    school: UUID | None = None


class JoinIn(InputSchema):
    code: str
    pupil: UUID | None = None  # a guardian names the child; a pupil leaves it out


class EnrolmentOut(Schema):
    public_id: UUID
    pupil: UUID
    school_class: ClassOut


def _out(school_class: SchoolClass, *, managed: bool) -> ClassOut:
    return ClassOut(
        public_id=school_class.public_id,
        name=school_class.name,
        level=school_class.level,
        year=school_class.year.label,
        school=school_class.school.name if school_class.school else None,
        join_code=school_class.display_code if managed and school_class.join_code else None,
        pupil_count=getattr(school_class, "pupil_count", None) if managed else None,
    )


@router.get(
    "/classes",
    response={200: list[ClassOut], **refusals(401)},
    summary="The classes the signed-in person sees",
)
def list_classes(request: HttpRequest) -> list[ClassOut]:
    """Teachers: the classes they teach. Staff: their schools' classes. A pupil: their class.
    A guardian: their children's classes."""
    viewer = viewer_of(request)
    if viewer.role == Role.TEACHER:
        return [_out(c, managed=True) for c in queries.classes_taught_by(viewer)]
    if viewer.role == Role.SCHOOL_STAFF:
        return [
            _out(c, managed=True)
            for school in queries.schools_of(viewer, role=SchoolMember.Role.STAFF)
            for c in queries.classes_of_school(school)
        ]
    people = [viewer] if viewer.role == Role.PUPIL else list(children_of(viewer))
    found = [queries.current_class_of(p) for p in people]
    return [_out(c, managed=False) for c in found if c is not None]


@router.get(
    "/classes/{public_id}",
    response={200: ClassDetailOut, **refusals(401, 404, 422)},
    summary="A class and its pupils",
)
def get_class(request: HttpRequest, public_id: UUID) -> ClassDetailOut:
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    base = _out(school_class, managed=True)
    return ClassDetailOut(
        **base.model_dump(),
        teachers=[t.full_name for t in queries.teachers_of_class(school_class)],
        pupils=[
            PupilOut(
                public_id=e.pupil.public_id,
                first_name=e.pupil.first_name,
                last_name=e.pupil.last_name,
                login=e.pupil.login,
                since=e.started_at.isoformat(),
            )
            for e in queries.current_enrolments_of_class(school_class)
        ],
    )


@router.post(
    "/classes",
    response={201: ClassOut, **refusals(400, 401, 403, 422)},
    summary="Create a class (teachers)",
)
def create_class(request: HttpRequest, payload: ClassIn) -> Status[ClassOut]:
    viewer = viewer_of(request)
    school = None
    if payload.school is not None:
        school = queries.schools_of(viewer).filter(public_id=payload.school).first()
        if school is None:
            raise ActionError(_("Vous ne faites pas partie de cet établissement."))
    school_class = actions.create_class(
        teacher=viewer, name=payload.name, level=payload.level, school=school, actor=viewer
    )
    return Status(201, _out(school_class, managed=True))


@router.post(
    "/join",
    response={201: EnrolmentOut, **refusals(400, 401, 403, 404, 409, 422)},
    summary="Join a class with its code",
)
def join(request: HttpRequest, payload: JoinIn) -> Status[EnrolmentOut]:
    viewer = viewer_of(request)
    pupil = (
        viewer
        if payload.pupil is None
        else access_person_by_viewer(viewer=viewer, public_id=payload.pupil)
    )
    enrolment = actions.join_class_with_code(pupil=pupil, code=payload.code, actor=viewer)
    out = EnrolmentOut(
        public_id=enrolment.public_id,
        pupil=pupil.public_id,
        school_class=_out(enrolment.school_class, managed=False),
    )
    return Status(201, out)
