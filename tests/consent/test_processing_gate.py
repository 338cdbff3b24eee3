"""Consent answers in `processing.allowed`: a purpose resting on consent stops without it."""

import pytest

from charte.consent.actions import record_choices
from charte.privacy import processing
from tests.conftest import birthday, journal
from tests.consent.helpers import adopt
from tests.factories import set_birth_date_directly

pytestmark = pytest.mark.django_db


def test_a_purpose_chosen_alone_stops_until_consented_and_again_once_withdrawn(guardian_anna):
    assert processing.allowed(guardian_anna, "newsletter") is False
    assert processing.refusals(guardian_anna, "newsletter") == ["consent"]
    assert processing.allowed(guardian_anna, "account") is True  # the account's own consent

    record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="api"
    )
    assert processing.allowed(guardian_anna, "newsletter") is True

    record_choices(
        person=guardian_anna, choices={"newsletter": False}, actor=guardian_anna, channel="api"
    )
    assert processing.allowed(guardian_anna, "newsletter") is False
    assert [e.data["purpose"] for e in journal("consent.withdrawn", about=guardian_anna)] == [
        "newsletter"
    ]


def test_a_childs_coach_needs_their_guardians_consent(child_ben, guardian_anna):
    assert processing.allowed(child_ben, "coach") is False

    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))
    assert processing.allowed(child_ben, "coach") is True

    record_choices(person=child_ben, choices={"coach": False}, actor=guardian_anna, channel="api")
    assert processing.allowed(child_ben, "coach") is False


def test_a_consent_a_child_holds_in_their_own_name_is_no_consent(pupil_lea):
    record_choices(person=pupil_lea, choices={"coach": True}, actor=pupil_lea, channel="api")
    assert processing.allowed(pupil_lea, "coach") is True

    # Her birth date is corrected: she is twelve, and only a guardian may consent for her.
    set_birth_date_directly(pupil_lea, birthday(12))

    assert processing.allowed(pupil_lea, "coach") is False


def test_a_child_is_never_in_marketing_and_staff_are_not_asked(child_ben, guardian_anna, it_jules):
    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))

    assert processing.allowed(child_ben, "newsletter") is False
    assert processing.allowed(it_jules, "coach") is True
