"""A production saved as a draft: the pupil keeps it without handing it in; the teacher does
not see it as handed in (nor at all); the due date counts the handing-in alone."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.assignments.models import Assignment, Production
from tests.conftest import client_for, journal
from tests.learning import give_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(teacher_chloe, chloe_class, ben_in_class):
    return give_work(teacher_chloe, chloe_class, expects_production=True, title="Exposé")


def post(pupil, work, text, intent):
    return client_for(pupil).post(
        reverse("assignments:detail", args=[work.public_id]), {"text": text, "intent": intent}
    )


def test_a_draft_is_kept_for_the_pupil_and_not_handed_in(ben_in_class, teacher_chloe, work):
    response = post(ben_in_class, work, "Mon premier jet", "draft")

    assert response.status_code == 302
    production = Production.objects.get(assignment=work, pupil=ben_in_class)
    assert (production.text, production.submitted_at) == ("Mon premier jet", None)
    [saved] = journal("assignments.draft_saved", about=ben_in_class)
    assert saved.data["late"] is False
    assert journal("assignments.handed_in") == []
    page = client_for(ben_in_class).get(reverse("assignments:detail", args=[work.public_id]))
    assert "Mon premier jet" in page.content.decode()  # the form starts from the draft
    assert "Brouillon enregistré le" in page.content.decode()

    teacher = client_for(teacher_chloe)
    detail = teacher.get(reverse("assignments:detail", args=[work.public_id])).content.decode()
    assert "À faire" in detail
    assert "Rendu" not in detail.split("<tbody>")[1]
    assert (
        teacher.get(reverse("assignments:production", args=[production.public_id])).status_code
        == 404
    )
    assert "Mon premier jet" not in teacher.get(reverse("assignments:mine")).content.decode()


def test_the_due_date_counts_the_handing_in_only(ben_in_class, teacher_chloe, work):
    post(ben_in_class, work, "Brouillon avant la date", "draft")
    Assignment.objects.filter(pk=work.pk).update(due_at=timezone.now() - timedelta(hours=1))
    Production.objects.filter(assignment=work).update(updated_at=timezone.now() - timedelta(days=1))

    post(ben_in_class, work, "Version finale", "hand_in")

    production = Production.objects.get(assignment=work)
    assert production.text == "Version finale"
    assert production.submitted_at is not None
    assert production.late  # handed in after the due date, whatever the draft's date
    [handed] = journal("assignments.handed_in", about=ben_in_class)
    assert handed.data["late"] is True
    detail = client_for(teacher_chloe).get(reverse("assignments:detail", args=[work.public_id]))
    assert "Rendu en retard" in detail.content.decode()


def test_a_draft_saved_before_the_date_then_handed_in_in_time_is_not_late(
    ben_in_class, teacher_chloe, work
):
    post(ben_in_class, work, "Brouillon", "draft")
    post(ben_in_class, work, "Fini", "hand_in")

    production = Production.objects.get(assignment=work)
    assert not production.late
    detail = client_for(teacher_chloe).get(reverse("assignments:detail", args=[work.public_id]))
    assert "Rendu" in detail.content.decode().split("<tbody>")[1]


def test_a_production_handed_in_cannot_become_a_draft(ben_in_class, work):
    post(ben_in_class, work, "Rendu", "hand_in")
    handed_at = Production.objects.get(assignment=work).submitted_at

    response = post(ben_in_class, work, "Retour en brouillon ?", "draft")

    assert response.status_code == 409 or "déjà rendu" in response.content.decode()
    production = Production.objects.get(assignment=work)
    assert (production.submitted_at, production.text) == (handed_at, "Rendu")
    assert journal("assignments.draft_saved") == []


def test_an_empty_draft_is_refused(ben_in_class, work):
    response = post(ben_in_class, work, "", "draft")

    assert "avant d'enregistrer ton brouillon" in unescape(response.content.decode())
    assert not Production.objects.exists()
