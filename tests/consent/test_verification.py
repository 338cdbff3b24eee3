"""Verified parental consent (charter D3): each consent given for a child says how the
guardian's authority was checked, and the school's ways count stronger than a ticked box."""

import pytest
from django.urls import reverse

from charte.accounts import actions as accounts
from charte.consent.actions import record_choices
from charte.consent.models import VERIFICATION_STRENGTH, ConsentRecord, Verification
from charte.core.actors import SEED, person_ref
from charte.schools import actions as schools
from charte.schools.models import SchoolMember
from tests.conftest import client_for
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
