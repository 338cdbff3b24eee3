"""D4: a child under the age of digital consent is reached only through their guardians.

Every kind of email the product has (including those other apps register later) is sent about
a 12-year-old who has an address of their own; none may reach it.
"""

import pytest
from django.core import mail

from charte.accounts.models import Role
from charte.consent import purposes
from charte.consent.actions import record_choices
from charte.core.actors import SEED
from charte.notifications import kinds
from charte.notifications.actions import notify
from charte.privacy import register
from tests.conftest import birthday
from tests.consent.helpers import adopt
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CHILD_ADDRESS = "enfant@eleve.test"
# Purposes never offered for a child (charter D4): marketing's.
ADULT_ONLY = {p.code for p in register.PURPOSES if p.processing in purposes.ADULT_ONLY_PROCESSINGS}


@pytest.mark.parametrize("kind", kinds.all_kinds(), ids=lambda k: k.code)
def test_no_email_about_a_child_reaches_the_childs_own_address(
    kind, guardian_anna, django_capture_on_commit_callbacks
):
    child = make_user(role=Role.PUPIL, email=CHILD_ADDRESS, birth_date=birthday(12))
    adopt(guardian=guardian_anna, child=child)
    if kind.purpose:  # the guardian accepts what non-essential kinds need, the child too
        record_choices(
            person=guardian_anna, choices={kind.purpose: True}, actor=guardian_anna, channel="api"
        )
        # A parent's own choice of what to receive about the child is not the child's.
        if kind.purpose not in ADULT_ONLY | purposes.PARENT_ONLY_PURPOSES:
            record_choices(
                person=child, choices={kind.purpose: True}, actor=guardian_anna, channel="api"
            )
    context = {
        "uid": "0" * 32,
        "token": "t",
        "url": "https://x.test/",
        "inviter": "Anna",
        **kind.example,
    }

    with django_capture_on_commit_callbacks(execute=True):
        for address in (None, CHILD_ADDRESS, guardian_anna.email):
            notify(kind=kind.code, person=child, actor=SEED, context=context, address=address)

    delivered = [address.lower() for email in mail.outbox for address in email.to]
    assert CHILD_ADDRESS not in delivered
    if kind.purpose in ADULT_ONLY:
        # News and offers are never about a child, nor sent to anyone on a child's account.
        assert delivered == []
    else:
        assert delivered, f"{kind.code} reached nobody: it should reach the guardian"


def test_the_check_above_covers_every_kind_registered():
    codes = {k.code for k in kinds.all_kinds()}
    assert {"accounts.password_reset", "families.consent_invitation"} <= codes
