"""The demo school: Collège Jean-Moulin, its staff and teachers, and Chloé's and Hugo's classes.

Chloé's class (a cross-level civic-education workshop) has Ben, Léa, Nour and the twelve
classmates; Sacha started the year in Hugo's 3e A and moved to Chloé's in October, so that a
class change and its history show. With `--pupils N`, the generated pupils are placed, thirty
to a class, in the classes of a second school.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts.models import Guardianship, User
from charte.core.actors import SEED
from charte.core.demo import Demo
from charte.schools import actions
from charte.schools.models import Enrolment, School, SchoolClass, SchoolMember, SchoolYear

SCHOOL = ("Collège Jean-Moulin", "Lyon")
VOLUME_SCHOOL = ("Collège des Volumes (élèves générés)", "Villeurbanne")
CHLOE_CLASS = "Atelier citoyen"
CHLOE_CODE = "CTZ26A"
HUGO_CLASS = "3e A"
PER_CLASS = 30

# guardian handle -> children handles. The families app will seed these links itself; until
# then they are made here (only when missing), as a parent makes them: confirmed by the parent.
FAMILIES = {
    "guardian_anna": ["child_ben", "child_lea"],
    "guardian_marc": ["child_ben", "child_lea"],
    "guardian_sofia": ["child_nour"],
}


def school_year_day(month: int, day: int) -> datetime:
    """A moment of the current school year (September to August), at 8:30 local time."""
    first, _, _ = SchoolYear.bounds(timezone.localdate())
    year = first if month >= 9 else first + 1
    return timezone.make_aware(datetime.combine(date(year, month, day), time(8, 30)))


def _school(name: str, city: str) -> School:
    school = School.objects.filter(name=name).first()
    return school or actions.create_school(name=name, city=city, actor=SEED)


def _member(school: School, person: User, role: SchoolMember.Role) -> None:
    if not SchoolMember.objects.filter(school=school, person=person).exists():
        actions.add_school_member(school=school, person=person, role=role, actor=SEED)


def _class(school: School, teacher: User, name: str, level: str) -> SchoolClass:
    found = SchoolClass.objects.filter(
        school=school, name=name, year=SchoolYear.current(), teachings__teacher=teacher
    ).first()
    return found or actions.create_class(
        teacher=teacher, name=name, level=level, school=school, actor=SEED
    )


def _place(demo: Demo, pupil: User, school_class: SchoolClass, since: datetime) -> None:
    current = Enrolment.objects.current().filter(pupil=pupil).first()
    if current is not None:
        return
    enrolment = actions.place_pupil(
        pupil=pupil, school_class=school_class, actor=demo.person("staff_david")
    )
    # Seeding only: the demo school year began weeks ago.
    Enrolment.objects.filter(pk=enrolment.pk).update(started_at=since)


def demo_class(teacher: User, name: str) -> SchoolClass:
    """One of the demo's classes, for the other apps' demo data."""
    return SchoolClass.objects.get(
        name=name, year=SchoolYear.current(), teachings__teacher=teacher, school__name=SCHOOL[0]
    )


def seed(demo: Demo) -> None:
    for guardian, children in FAMILIES.items():
        for child in children:
            parent, kid = demo.person(guardian), demo.person(child)
            if not Guardianship.objects.filter(guardian=parent, child=kid).exists():
                accounts.propose_guardianship(child=kid, guardian=parent, actor=parent)

    school = _school(*SCHOOL)
    _member(school, demo.person("staff_david"), SchoolMember.Role.STAFF)
    chloe, hugo = demo.person("teacher_chloe"), demo.person("teacher_hugo")
    _member(school, chloe, SchoolMember.Role.TEACHER)
    _member(school, hugo, SchoolMember.Role.TEACHER)
    workshop = _class(school, chloe, CHLOE_CLASS, SchoolClass.Level.MIXED)
    third = _class(school, hugo, HUGO_CLASS, SchoolClass.Level.TROISIEME)
    if workshop.join_code != CHLOE_CODE and not SchoolClass.objects.filter(join_code=CHLOE_CODE):
        # A code that the demo's guide can print; not a personal datum.
        SchoolClass.objects.filter(pk=workshop.pk).update(join_code=CHLOE_CODE)

    sacha = demo.person("pupil_sacha.clement")
    if not Enrolment.objects.filter(pupil=sacha).exists():
        _place(demo, sacha, third, school_year_day(9, 2))
        moved = actions.place_pupil(
            pupil=sacha, school_class=workshop, actor=demo.person("staff_david")
        )
        when = school_year_day(10, 6)
        Enrolment.objects.filter(pupil=sacha, ended_at__isnull=False).update(ended_at=when)
        Enrolment.objects.filter(pk=moved.pk).update(started_at=when)
    pupils = [
        "child_ben",
        "child_lea",
        "child_nour",
        *sorted(h for h in demo.people if h.startswith("pupil_")),
    ]
    for n, handle in enumerate(pupils):
        _place(demo, demo.person(handle), workshop, school_year_day(9, 2) + timedelta(days=n % 4))

    if demo.pupils:
        _volume(demo, hugo)


def _volume(demo: Demo, teacher: User) -> None:
    """The generated pupils, thirty to a class, enrolled in bulk."""
    pupils = list(
        User.objects.filter(username__startswith="eleve-", enrolments__isnull=True).order_by(
            "username"
        )
    )
    if not pupils:
        return
    school = _school(*VOLUME_SCHOOL)
    year = SchoolYear.current()
    existing = SchoolClass.objects.filter(school=school, year=year).count()
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(school=school, year=year, name=f"Volume {existing + i + 1:04d}", level="5e")
        for i in range((len(pupils) + PER_CLASS - 1) // PER_CLASS)
    )
    since = school_year_day(9, 2)
    Enrolment.objects.bulk_create(
        (
            Enrolment(
                pupil=pupil,
                school_class=classes[i // PER_CLASS],
                method=Enrolment.Method.STAFF,
                started_at=since,
            )
            for i, pupil in enumerate(pupils)
        ),
        batch_size=2000,
    )
    audit.record(
        event="demo.pupils_enrolled",
        actor=SEED,
        data={"pupils": len(pupils), "classes": len(classes)},
    )
    demo.say(f"{len(pupils)} generated pupils enrolled in {len(classes)} classes.")
