import pytest

from charte.accounts.models import Role
from charte.consent.actions import record_choices
from tests.factories import make_user


@pytest.fixture
def marketing(db):
    return make_user(role=Role.MARKETING, first_name="Maud", email="maud@charte.test")


def subscribe(person, purpose="newsletter"):
    record_choices(person=person, choices={purpose: True}, actor=person, channel="privacy_centre")
