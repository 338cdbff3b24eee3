""" "La classe continue l'an prochain": the teacher keeps the class's pupils one more school year."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import Role, User
from charte.core.actors import RETENTION
from charte.retention import actions as retention
from charte.retention import dates, sweep
from charte.retention.models import Renewal
from tests.conftest import client_for, journal
from tests.learning import enrol, make_pupil
from tests.retention.helpers import account_created

pytestmark = pytest.mark.django_db


def url(school_class):
    return reverse("schools:continue_next_year", args=[school_class.public_id])


def test_the_teacher_confirms_and_each_pupil_is_renewed_once(chloe_class, teacher_chloe):
    pupils = [make_pupil(first_name=n) for n in ("Léa", "Noé")]
    for pupil in pupils:
        enrol(pupil, chloe_class)
    client = client_for(teacher_chloe)
    page = client.get(reverse("schools:class_detail", args=[chloe_class.public_id]))
    assert "La classe continue l'an prochain" in html.unescape(page.content.decode())

    response = client.post(url(chloe_class), follow=True)

    kept_until = dates.kept_until_renewed(timezone.localdate())
    renewals = Renewal.objects.filter(person__in=pupils)
    assert {(r.person_id, r.source, r.kept_until) for r in renewals} == {
        (p.pk, Renewal.Source.CLASS, kept_until) for p in pupils
    }
    assert len(journal("retention.renewed")) == 2
    [entry] = journal("schools.class_continues")
    assert (entry.data["pupils"], entry.data["renewed"]) == (2, 2)
    text = response.content.decode()
    assert "Vous avez confirmé que la classe continue" in text

    client.post(url(chloe_class))  # again: nobody is renewed twice

    assert Renewal.objects.filter(person__in=pupils).count() == 2
    assert journal("schools.class_continues")[-1].data["renewed"] == 0


def test_a_pupil_who_already_renewed_is_not_renewed_again_but_a_new_one_is(
    chloe_class, teacher_chloe
):
    lea, noe = make_pupil(first_name="Léa"), make_pupil(first_name="Noé")
    enrol(lea, chloe_class)
    enrol(noe, chloe_class)
    retention.renew(person=lea, source=Renewal.Source.PERSON, actor=lea)  # "je continue"

    client_for(teacher_chloe).post(url(chloe_class))

    assert list(Renewal.objects.filter(person=lea).values_list("source", flat=True)) == ["person"]
    assert Renewal.objects.filter(person=noe, source=Renewal.Source.CLASS).count() == 1
    assert journal("schools.class_continues")[-1].data["renewed"] == 1


def test_the_renewal_keeps_the_pupils_through_the_sweep_at_the_year_s_end(
    chloe_class, teacher_chloe
):
    # Two pupils whose accounts date from the school year before last: due at its end.
    created = date(timezone.localdate().year - 2, 9, 2)
    kept = account_created(created, role=Role.PUPIL, first_name="Léa")
    gone = account_created(created, role=Role.PUPIL, first_name="Noé")
    enrol(kept, chloe_class)
    client_for(teacher_chloe).post(url(chloe_class))
    enrol(gone, chloe_class)  # joined after the confirmation: not renewed
    day_after = dates.kept_until_created(created) + timedelta(days=1)

    sweep.run(today=day_after, actor=RETENTION)

    assert User.objects.filter(pk=kept.pk).exists()
    assert not User.objects.filter(pk=gone.pk).exists()


def test_only_a_teacher_of_the_class_confirms_it(chloe_class, staff_david):
    enrol(make_pupil(), chloe_class)

    staff = client_for(staff_david).post(url(chloe_class), follow=True)
    denied = client_for(make_pupil()).post(url(chloe_class))

    assert "Seul un enseignant de la classe" in staff.content.decode()
    assert denied.status_code == 404
    assert not Renewal.objects.exists()
    assert not journal("schools.class_continues")
