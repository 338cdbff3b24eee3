"""Reads of assignments and productions, and who may see which.

- An assignment is seen by the teachers of its class, by the pupils it is for while they are
  in that class, and by those pupils' confirmed guardians.
- A production is seen by its pupil, their guardians, and the teachers of the class while the
  pupil is in it (as their results are).
Anyone else is told "not found", exactly as for a missing one.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from charte.accounts.models import Role, User
from charte.accounts.queries import children_of, guardians_of
from charte.assignments.models import AssignedPupil, Assignment, Production, ProductionFile
from charte.core.access import as_public_id
from charte.core.errors import NotFound
from charte.resources.models import Resource
from charte.results.models import Attempt
from charte.schools import queries as schools
from charte.schools.models import Enrolment, SchoolClass


def _for_pupil_q(pupil: User) -> Q:
    """Assignments for this pupil in the class they are in now."""
    current = Enrolment.objects.current().filter(pupil=pupil).values("school_class_id")
    return Q(school_class_id__in=current) & (Q(whole_class=True) | Q(assigned_pupils__pupil=pupil))


def is_for(assignment: Assignment, pupil: User) -> bool:
    return Assignment.objects.filter(_for_pupil_q(pupil), pk=assignment.pk).exists()


def may_see_assignment(viewer: User, assignment: Assignment) -> bool:
    if viewer.role == Role.TEACHER:
        return schools.teaches_class(viewer, assignment.school_class)
    if viewer.role == Role.PUPIL:
        return is_for(assignment, viewer)
    if viewer.role == Role.PARENT:
        return any(is_for(assignment, child) for child in children_of(viewer))
    return False


def access_assignment(*, viewer: User, public_id: uuid.UUID | str) -> Assignment:
    assignment = (
        Assignment.objects.select_related(
            "school_class", "teacher", "exercise__competency", "lesson", "resource"
        )
        .filter(public_id=as_public_id(public_id, not_found=_("Travail introuvable.")))
        .first()
    )
    if assignment is None:
        raise NotFound(_("Travail introuvable."))
    if not may_see_assignment(viewer, assignment):
        raise NotFound(_("Travail introuvable."))
    return assignment


def access_assignment_by_teacher(*, viewer: User, public_id: uuid.UUID | str) -> Assignment:
    assignment = access_assignment(viewer=viewer, public_id=public_id)
    if viewer.role != Role.TEACHER:
        raise NotFound(_("Travail introuvable."))
    return assignment


def may_see_production(viewer: User, production: Production) -> bool:
    if viewer.pk == production.pupil_id:
        return True
    if viewer.role == Role.PARENT:
        return guardians_of(production.pupil).filter(pk=viewer.pk).exists()
    if viewer.role == Role.TEACHER:
        school_class = production.assignment.school_class
        return (
            not production.is_draft  # a draft is the pupil's until handed in
            and schools.teaches_class(viewer, school_class)
            and school_class.archived_at is None
            and Enrolment.objects.current()
            .filter(pupil_id=production.pupil_id, school_class=school_class)
            .exists()
        )
    return False


def access_production(*, viewer: User, public_id: uuid.UUID | str) -> Production:
    production = (
        Production.objects.select_related(
            "assignment__school_class", "assignment__exercise", "pupil", "feedback_by"
        )
        .prefetch_related("files")
        .filter(public_id=as_public_id(public_id, not_found=_("Production introuvable.")))
        .first()
    )
    if production is None:
        raise NotFound(_("Production introuvable."))
    if not may_see_production(viewer, production):
        raise NotFound(_("Production introuvable."))
    return production


def access_production_file(*, viewer: User, public_id: uuid.UUID | str) -> ProductionFile:
    found = (
        ProductionFile.objects.select_related("production__assignment__school_class")
        .filter(public_id=as_public_id(public_id, not_found=_("Fichier introuvable.")))
        .first()
    )
    if found is None:
        raise NotFound(_("Fichier introuvable."))
    if not may_see_production(viewer, found.production):
        raise NotFound(_("Fichier introuvable."))
    return found


def resource_shared_with(viewer: User, resource: Resource) -> bool:
    """A resource given with an assignment may be opened by whoever may see the assignment."""
    return any(
        may_see_assignment(viewer, assignment)
        for assignment in resource.assignments.select_related("school_class")
    )


# Statuses -------------------------------------------------------------------------------------


class Status:
    TODO = "todo"
    LATE = "late"
    DONE = "done"
    DONE_LATE = "done_late"
    REVIEWED = "reviewed"

    LABELS = {
        TODO: gettext_lazy("À faire"),
        LATE: gettext_lazy("En retard"),
        DONE: gettext_lazy("Rendu"),
        DONE_LATE: gettext_lazy("Rendu en retard"),
        REVIEWED: gettext_lazy("Corrigé"),
    }


@dataclass(frozen=True)
class PupilStatus:
    pupil: User
    status: str
    done_at: datetime | None
    production: Production | None  # handed in
    best_score: float | None  # the assigned exercise's best score since it was given
    draft: Production | None = None  # saved by the pupil, not handed in

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def best_percent(self) -> int | None:
        return None if self.best_score is None else round(self.best_score * 100)

    @property
    def is_late(self) -> bool:
        return self.status == Status.LATE


def _status(
    assignment: Assignment,
    first_attempt: datetime | None,
    production: Production | None,
    now: datetime,
    joined_after: bool = False,
) -> tuple[str, datetime | None]:
    """Done when the exercise was tried since it was given and the production handed in.

    A pupil who joined the class after the work was set (`joined_after`) is never late for it:
    its due date passed, or ran, before they were there.
    """
    needs_exercise = assignment.exercise_id is not None
    exercise_done = not needs_exercise or first_attempt is not None
    production_done = not assignment.expects_production or production is not None
    if not (exercise_done and production_done):
        late = now > assignment.due_at and not joined_after
        return (Status.LATE if late else Status.TODO), None
    moments = []
    if needs_exercise and first_attempt is not None:
        moments.append(first_attempt)
    if assignment.expects_production and production is not None:
        assert production.submitted_at is not None  # drafts are never passed here
        moments.append(production.submitted_at)
    done_at = max(moments)
    if production is not None and production.feedback_at is not None:
        return Status.REVIEWED, done_at
    if done_at > assignment.due_at and not joined_after:
        return Status.DONE_LATE, done_at
    return Status.DONE, done_at


def pupils_of(assignment: Assignment) -> list[User]:
    """The pupils the assignment is for, now."""
    pupils = schools.pupils_of_class(assignment.school_class)
    if not assignment.whole_class:
        pupils = pupils.filter(assigned_work__assignment=assignment)
    return list(pupils)


def statuses(assignment: Assignment, pupils: Iterable[User] | None = None) -> list[PupilStatus]:
    pupils = list(pupils) if pupils is not None else pupils_of(assignment)
    now = timezone.now()
    found = Production.objects.filter(assignment=assignment, pupil__in=pupils).prefetch_related(
        "files"
    )
    productions = {p.pupil_id: p for p in found if not p.is_draft}
    drafts = {p.pupil_id: p for p in found if p.is_draft}
    first: dict[int, datetime] = {}
    best: dict[int, float] = {}
    if assignment.exercise_id is not None:
        for pupil_id, at, score in (
            Attempt.objects.filter(
                exercise_id=assignment.exercise_id,
                pupil__in=pupils,
                created_at__gte=assignment.created_at,
            )
            .order_by("created_at")
            .values_list("pupil_id", "created_at", "score")
        ):
            first.setdefault(pupil_id, at)
            best[pupil_id] = max(best.get(pupil_id, 0.0), score)
    joined = dict(
        Enrolment.objects.filter(
            school_class_id=assignment.school_class_id, pupil__in=pupils, ended_at__isnull=True
        ).values_list("pupil_id", "started_at")
    )
    out = []
    for pupil in pupils:
        production = productions.get(pupil.pk)
        arrived = joined.get(pupil.pk)
        status, done_at = _status(
            assignment,
            first.get(pupil.pk),
            production,
            now,
            joined_after=arrived is not None and arrived > assignment.created_at,
        )
        out.append(
            PupilStatus(
                pupil=pupil,
                status=status,
                done_at=done_at,
                production=production,
                best_score=best.get(pupil.pk),
                draft=drafts.get(pupil.pk),
            )
        )
    return out


def status_of(assignment: Assignment, pupil: User) -> PupilStatus:
    return statuses(assignment, [pupil])[0]


@dataclass(frozen=True)
class Overview:
    assignment: Assignment
    pupils: int
    done: int
    late: int
    to_review: int


def overview(assignment: Assignment) -> Overview:
    rows = statuses(assignment)
    return Overview(
        assignment=assignment,
        pupils=len(rows),
        done=sum(1 for r in rows if r.status in (Status.DONE, Status.DONE_LATE, Status.REVIEWED)),
        late=sum(1 for r in rows if r.status == Status.LATE),
        to_review=sum(
            1 for r in rows if r.production is not None and r.production.feedback_at is None
        ),
    )


def assignments_of_class(school_class: SchoolClass) -> QuerySet[Assignment]:
    return Assignment.objects.filter(school_class=school_class).select_related(
        "exercise", "lesson", "resource", "school_class"
    )


def assignments_for_pupil(pupil: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(_for_pupil_q(pupil))
        .select_related("exercise__competency", "lesson", "resource", "school_class", "teacher")
        .distinct()
        .order_by("due_at", "pk")
    )


def pupil_work(pupil: User) -> list[tuple[Assignment, PupilStatus]]:
    """Every assignment for the pupil, with where they are in it."""
    return [(a, status_of(a, pupil)) for a in assignments_for_pupil(pupil)]


def assignments_of_teacher(teacher: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            school_class__teachings__teacher=teacher, school_class__archived_at__isnull=True
        )
        .select_related("school_class", "exercise")
        .order_by("-due_at", "-pk")
    )


def productions_to_review(teacher: User, *, limit: int = 8) -> list[Production]:
    """Productions handed in to this teacher's classes that have no feedback yet, oldest first."""
    current = Enrolment.objects.current().filter(
        pupil=OuterRef("pupil"), school_class=OuterRef("assignment__school_class")
    )
    return list(
        Production.objects.filter(
            assignment__school_class__teachings__teacher=teacher,
            assignment__school_class__archived_at__isnull=True,
            feedback_at__isnull=True,
            submitted_at__isnull=False,
        )
        .filter(Exists(current))
        .select_related("pupil", "assignment__school_class")
        .annotate(file_count=Count("files"))
        .order_by("submitted_at")[:limit]
    )


def productions_of_pupil(pupil: User) -> QuerySet[Production]:
    return Production.objects.filter(pupil=pupil).select_related("assignment", "feedback_by")


def assigned_pupils(assignment: Assignment) -> QuerySet[AssignedPupil]:
    return AssignedPupil.objects.filter(assignment=assignment)
