from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from charte.accounts.models import STAFF_ROLES, Role, User
from charte.audit.models import Entry
from charte.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_has_every_kind_of_person_and_prints_their_logins():
    output = seed()

    today = timezone.localdate()
    pupils = User.objects.filter(role=Role.PUPIL)
    ages = [p.age_on(today) or 0 for p in pupils]
    assert min(ages) < 15 <= max(ages)
    assert pupils.filter(email__isnull=True).exists()
    for role in (Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF, *STAFF_ROLES):
        assert User.objects.filter(role=role).exists(), role
    assert DEMO_PASSWORD in output
    assert "anna.martin@famille.example" in output
    assert "ben.martin" in output


def test_seeding_twice_changes_nothing():
    seed()
    users, entries = User.objects.count(), Entry.objects.count()

    seed()

    assert (User.objects.count(), Entry.objects.count()) == (users, entries)


def test_the_demo_logins_work(client):
    seed("--quiet")

    assert client.login(username="anna.martin@famille.example", password=DEMO_PASSWORD)
    assert client.login(username="ben.martin", password=DEMO_PASSWORD)


def test_volume_pupils_are_added_once():
    seed("--quiet", "--pupils", "40")
    assert User.objects.filter(username__startswith="eleve-").count() == 40

    seed("--quiet", "--pupils", "40")
    assert User.objects.filter(username__startswith="eleve-").count() == 40
