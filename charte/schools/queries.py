"""Reads about schools and classes that carry rules, and who may see or manage which class.

The rule of the whole platform starts here: a teacher sees the pupils who are *currently* in
a class they teach; a school's staff see the classes of their school and who is in them; a
pupil who moves to another class is no longer seen by their former teachers.
"""

import uuid
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.core.access import as_public_id
from charte.core.errors import NotFound
from charte.schools.models import Enrolment, School, SchoolClass, SchoolMember, Teaching


def schools_of(person: User, *, role: SchoolMember.Role | None = None) -> QuerySet[School]:
    members = SchoolMember.objects.filter(person=person)
    if role is not None:
        members = members.filter(role=role)
    return School.objects.filter(pk__in=members.values("school_id")).order_by("name")


def classes_taught_by(teacher: User) -> QuerySet[SchoolClass]:
    """The teacher's current classes, with how many pupils each has now."""
    return (
        SchoolClass.objects.current()
        .filter(teachings__teacher=teacher)
        .select_related("school", "year")
        .annotate(pupil_count=Count("enrolments", filter=Q(enrolments__ended_at__isnull=True)))
        .order_by("name", "pk")
    )


def classes_of_school(school: School) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.current()
        .filter(school=school)
        .select_related("year")
        .prefetch_related("teachings__teacher")
        .annotate(pupil_count=Count("enrolments", filter=Q(enrolments__ended_at__isnull=True)))
        .order_by("name", "pk")
    )


def current_enrolment(pupil: User) -> Enrolment | None:
    return (
        Enrolment.objects.current()
        .filter(pupil=pupil)
        .select_related("school_class__school", "school_class__year")
        .first()
    )


def current_class_of(pupil: User) -> SchoolClass | None:
    enrolment = current_enrolment(pupil)
    return enrolment.school_class if enrolment else None


def pupils_of_class(school_class: SchoolClass) -> QuerySet[User]:
    """The pupils in the class now, in alphabetical order."""
    return User.objects.filter(
        enrolments__school_class=school_class, enrolments__ended_at__isnull=True
    ).order_by("first_name", "last_name", "pk")


def current_enrolments_of_class(school_class: SchoolClass) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.current()
        .filter(school_class=school_class)
        .select_related("pupil")
        .order_by("pupil__first_name", "pupil__last_name", "pk")
    )


def former_enrolments_of_class(school_class: SchoolClass) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(school_class=school_class, ended_at__isnull=False)
        .select_related("pupil")
        .order_by("-ended_at")
    )


def teachers_of_class(school_class: SchoolClass) -> QuerySet[User]:
    return User.objects.filter(teachings__school_class=school_class).order_by("last_name", "pk")


def teaches(teacher: User, pupil: User) -> bool:
    return (
        teacher.role == Role.TEACHER
        and Enrolment.objects.current()
        .filter(
            pupil=pupil,
            school_class__archived_at__isnull=True,
            school_class__teachings__teacher=teacher,
        )
        .exists()
    )


def teaches_class(teacher: User, school_class: SchoolClass) -> bool:
    return Teaching.objects.filter(school_class=school_class, teacher=teacher).exists()


def is_staff_of(person: User, school: School | None) -> bool:
    return (
        school is not None
        and person.role == Role.SCHOOL_STAFF
        and SchoolMember.objects.filter(
            school=school, person=person, role=SchoolMember.Role.STAFF
        ).exists()
    )


def can_manage_class(viewer: User, school_class: SchoolClass) -> bool:
    """Its teachers, and the staff of its school."""
    return teaches_class(viewer, school_class) or is_staff_of(viewer, school_class.school)


def access_class_by_manager(*, viewer: User, public_id: uuid.UUID | str) -> SchoolClass:
    """A class its teacher or its school's staff may open; anyone else is told it is not found."""
    school_class = (
        SchoolClass.objects.select_related("school", "year")
        .filter(public_id=as_public_id(public_id, not_found=_("Classe introuvable.")))
        .first()
    )
    if school_class is None:
        raise NotFound(_("Classe introuvable."))
    if not can_manage_class(viewer, school_class):
        raise NotFound(_("Classe introuvable."))
    return school_class


def access_class_by_teacher(*, viewer: User, public_id: uuid.UUID | str) -> SchoolClass:
    """A class the viewer teaches (to give work in it)."""
    school_class = access_class_by_manager(viewer=viewer, public_id=public_id)
    if not teaches_class(viewer, school_class):
        raise NotFound(_("Classe introuvable."))
    if school_class.archived_at is not None:
        raise NotFound(_("Classe introuvable."))
    return school_class


def access_school_by_staff(*, viewer: User, public_id: uuid.UUID | str) -> School:
    school = School.objects.filter(
        public_id=as_public_id(public_id, not_found=_("Établissement introuvable."))
    ).first()
    if school is None:
        raise NotFound(_("Établissement introuvable."))
    if not is_staff_of(viewer, school):
        raise NotFound(_("Établissement introuvable."))
    return school


def access_by_role(viewer: User, *roles: Role) -> User:
    """The schools' pages of one kind of person (a teacher's classes, a pupil's joining...)."""
    if viewer.role not in roles:
        raise NotFound(_("Page introuvable."))
    return viewer


def access_enrolment_in_class(
    *, viewer: User, school_class: SchoolClass, public_id: uuid.UUID | str
) -> Enrolment:
    """An enrolment in `school_class` (past or current), for one who manages the class."""
    enrolment = (
        Enrolment.objects.select_related("pupil", "school_class__school")
        .filter(public_id=as_public_id(public_id, not_found=_("Inscription introuvable.")))
        .first()
    )
    if enrolment is None:
        raise NotFound(_("Inscription introuvable."))
    if not can_manage_class(viewer, enrolment.school_class):
        raise NotFound(_("Inscription introuvable."))
    if enrolment.school_class_id != school_class.pk:
        raise NotFound(_("Inscription introuvable."))
    return enrolment


def find_pupil_for_placement(*, login: str) -> User:
    """The pupil account a member of staff names by its username or email address."""
    pupil = User.objects.by_login(login).filter(role=Role.PUPIL, is_active=True).first()
    if pupil is None:
        raise NotFound(_("Aucun élève n'a cet identifiant ou cette adresse e-mail."))
    return pupil


def teachers_of_school(school: School) -> QuerySet[User]:
    return User.objects.filter(
        school_memberships__school=school, school_memberships__role=SchoolMember.Role.TEACHER
    ).order_by("last_name", "first_name")


def recent_enrolments_of_school(school: School, *, limit: int = 10) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(school_class__school=school)
        .select_related("pupil", "school_class")
        .order_by("-started_at", "-pk")[:limit]
    )


def class_continues(school_class: SchoolClass) -> tuple[date, bool]:
    """Until when "the class continues next year" keeps its pupils, and whether every current
    pupil is already kept that long."""
    from charte.retention import queries as retention

    kept_until = retention.renewed_until(timezone.localdate())
    pupils = Enrolment.objects.current().filter(school_class=school_class).values("pupil")
    short = retention.not_renewed_until(
        User.objects.filter(pk__in=pupils, is_staff=False), kept_until
    ).exists()
    return kept_until, not short and pupils.exists()


def access_pupil_in_class(*, school_class: SchoolClass, public_id: uuid.UUID | str) -> User:
    """A pupil now in `school_class` (which the viewer manages: `access_class_by_manager`)."""
    pupil_id = as_public_id(public_id, not_found=_("Élève introuvable."))
    pupil = pupils_of_class(school_class).filter(public_id=pupil_id).first()
    if pupil is None:
        raise NotFound(_("Élève introuvable."))
    return pupil


def must_choose_password(pupil: User) -> bool:
    from charte.schools.models import PupilLogin

    return PupilLogin.objects.filter(pupil=pupil, must_choose_password=True).exists()


def waiting_for_parents(school_class: SchoolClass) -> set[int]:
    """The pupils of the class whose account still waits for a parent's consent."""
    return set(pupils_of_class(school_class).filter(is_active=False).values_list("pk", flat=True))
