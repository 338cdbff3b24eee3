"""The demo fills every part of the learning platform with believable data, idempotently."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Min

from charte.accounts.models import Guardianship, User
from charte.assignments.models import Assignment, Production
from charte.assignments.queries import Status, statuses
from charte.audit.models import Entry
from charte.content.models import Exercise
from charte.resources.models import Folder, Resource
from charte.results.models import Attempt
from charte.schools.models import Enrolment, SchoolClass
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", "--quiet", *args, stdout=StringIO())


def counts():
    return [
        m.objects.count()
        for m in (
            SchoolClass,
            Enrolment,
            Attempt,
            Assignment,
            Production,
            Resource,
            Folder,
            Guardianship,
            Entry,
        )
    ]


def test_the_demo_fills_chloes_class_with_weeks_of_work(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()

    workshop = SchoolClass.objects.get(name="Atelier citoyen")
    pupils = User.objects.filter(enrolments__school_class=workshop, enrolments__ended_at=None)
    usernames = set(pupils.values_list("username", flat=True))
    assert {"ben.martin", "nour.haddad", "sacha.clement"} <= usernames
    assert pupils.filter(email="lea.martin@eleve.example").exists()
    assert pupils.count() == 15
    # Sacha changed class in October: the former enrolment is kept.
    assert Enrolment.objects.filter(pupil__username="sacha.clement").count() == 2

    span = Attempt.objects.filter(pupil__in=pupils).aggregate(
        a=Min("created_at"), b=Max("created_at")
    )
    assert span["b"] - span["a"] > timedelta(weeks=6)
    assert Exercise.objects.filter(attempts__isnull=False).distinct().count() >= 20

    expose = Assignment.objects.get(title__startswith="Exposé")
    rows = statuses(expose)
    assert {Status.LATE, Status.REVIEWED, Status.DONE} <= {r.status for r in rows}
    assert Production.objects.filter(feedback_at__isnull=False).exists()
    assert Resource.objects.filter(owner__email="chloe.bernard@college.example").count() >= 5
    ben = User.objects.get(username="ben.martin")
    assert Guardianship.objects.filter(child=ben).count() == 2


def test_seeding_again_adds_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    before = counts()

    seed()

    assert counts() == before


def test_the_demo_personas_see_a_full_home_page(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    chloe = User.objects.get(email="chloe.bernard@college.example")
    anna = User.objects.get(email="anna.martin@famille.example")

    teacher_home = client_for(chloe).get("/").content.decode()
    parent_home = client_for(anna).get("/").content.decode()

    assert "Atelier citoyen" in teacher_home
    assert "en retard" in teacher_home
    assert "Ben Martin" in parent_home
    assert "Léa Martin" in parent_home


def test_generated_pupils_get_a_class_and_a_few_attempts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed("--pupils", "45")

    generated = User.objects.filter(username__startswith="eleve-")
    assert generated.count() == 45
    assert Enrolment.objects.filter(pupil__in=generated).count() == 45
    assert SchoolClass.objects.filter(name__startswith="Volume").count() == 2
    assert Attempt.objects.filter(pupil__in=generated).count() == 45 * 3

    seed("--pupils", "45")

    assert Attempt.objects.filter(pupil__in=generated).count() == 45 * 3
