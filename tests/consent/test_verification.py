"""Verified parental consent (charter D3): each consent given for a child says how the
guardian's authority was checked, and the school's ways count stronger than a ticked box."""

import re

import pytest
from django.urls import reverse

from charte.accounts import actions as accounts
from charte.consent.actions import record_choices
from charte.consent.models import VERIFICATION_STRENGTH, ConsentRecord, Verification
from charte.core.actors import SEED, person_ref
from charte.schools import actions as schools
from charte.schools.models import SchoolMember
from tests.conftest import birthday, client_for
from tests.consent.helpers import required

pytestmark = pytest.mark.django_db


def records(child):
    return ConsentRecord.objects.filter(subject_ref=person_ref(child))


def test_a_ticked_box_is_the_weakest_check_and_ones_own_consent_needs_none(
    guardian_anna, child_ben, pupil_lea
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    record_choices(
        person=child_ben, choices=required(child_ben), actor=guardian_anna, channel="family"
    )
    assert set(records(child_ben).values_list("verification", flat=True)) == {"declared"}
    record_choices(person=pupil_lea, choices={"coach": True}, actor=pupil_lea, channel="api")
    assert set(records(pupil_lea).values_list("verification", flat=True)) == {"self"}


def test_a_parent_confirmed_by_email_for_a_child_the_school_enrolled_is_known_to_it(
    guardian_anna, child_ben, teacher_chloe, staff_david
):
    school = schools.create_school(name="Collège", city="Lyon", actor=SEED)
    schools.add_school_member(
        school=school, person=staff_david, role=SchoolMember.Role.STAFF, actor=SEED
    )
    schools.add_school_member(
        school=school, person=teacher_chloe, role=SchoolMember.Role.TEACHER, actor=SEED
    )
    school_class = schools.create_class(
        teacher=teacher_chloe, name="5e A", level="5e", school=school, actor=teacher_chloe
    )
    schools.place_pupil(pupil=child_ben, school_class=school_class, actor=staff_david)
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    record_choices(
        person=child_ben, choices=required(child_ben), actor=guardian_anna, channel="guardian_link"
    )
    assert set(records(child_ben).values_list("verification", flat=True)) == {"email_and_school"}


def test_the_school_letter_counts_strongest_and_the_family_sees_how(guardian_anna, child_ben):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    record_choices(
        person=child_ben,
        choices=required(child_ben),
        actor=guardian_anna,
        channel="family",
        verification=Verification.SCHOOL_LETTER,
    )
    assert set(records(child_ben).values_list("verification", flat=True)) == {"school_letter"}
    strengths = [VERIFICATION_STRENGTH[v] for v in Verification]
    assert strengths == sorted(strengths)
    assert (
        VERIFICATION_STRENGTH[Verification.SCHOOL_LETTER]
        > VERIFICATION_STRENGTH[Verification.DECLARED]
    )
    page = client_for(guardian_anna).get(
        reverse("accounts:privacy_centre") + f"?person={child_ben.public_id}"
    )
    assert page.status_code == 200


def test_a_parent_answering_the_school_letter_is_recorded_as_checked_by_it(
    chloe_class, teacher_chloe, guardian_anna
):
    pupil, _password = schools.create_pupil(
        school_class=chloe_class,
        first_name="Léon",
        last_name="Faure",
        birth_date=birthday(10),
        actor=teacher_chloe,
    )
    [(_pupil, code)] = schools.print_parent_letters(school_class=chloe_class, actor=teacher_chloe)
    parent = client_for(guardian_anna)
    url = reverse("families:letter")
    shown = parent.post(url, {"code": code}).content.decode()
    texts = dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', shown))
    consents = dict.fromkeys(re.findall(r'name="(consent_\w+)"', shown), "on")
    done = parent.post(url, {"code": code, "do": "accept", "guardian": "on", **texts, **consents})
    assert done.status_code == 302
    assert set(records(pupil).values_list("verification", flat=True)) == {"school_letter"}


def test_the_dpo_sees_how_each_childs_guardian_was_checked(
    guardian_anna, child_ben, dpo_elise, teacher_chloe, chloe_class
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    record_choices(
        person=child_ben, choices=required(child_ben), actor=guardian_anna, channel="family"
    )
    pupil, _password = schools.create_pupil(
        school_class=chloe_class,
        first_name="Léon",
        last_name="Faure",
        birth_date=birthday(10),
        actor=teacher_chloe,
    )
    [(_pupil, code)] = schools.print_parent_letters(school_class=chloe_class, actor=teacher_chloe)
    parent = client_for(guardian_anna)
    shown = parent.post(reverse("families:letter"), {"code": code}).content.decode()
    texts = dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', shown))
    consents = dict.fromkeys(re.findall(r'name="(consent_\w+)"', shown), "on")
    parent.post(
        reverse("families:letter"),
        {"code": code, "do": "accept", "guardian": "on", **texts, **consents},
    )

    url = reverse("consent:parental_checks")
    page = client_for(dpo_elise).get(url)
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [(r.child, r.verification) for r in rows] == [
        (child_ben, "declared"),  # the weakest first
        (pupil, "school_letter"),
    ]
    html = page.content.decode()
    assert "case cochée" in html
    assert "courrier aux parents avec un code" in html
    only_letters = client_for(dpo_elise).get(url + "?methode=school_letter")
    assert [r.child for r in only_letters.context["page"].object_list] == [pupil]
    assert client_for(dpo_elise).get(url + "?methode=nimporte").context["page"].object_list == []
    # Nobody else sees it: not found, alike for every other role.
    for other in (guardian_anna, teacher_chloe, child_ben):
        assert client_for(other).get(url).status_code == 404
