from datetime import date, timedelta

import pytest
from django.utils import timezone

from charte.accounts import actions
from charte.accounts.models import Role, User
from charte.core.actors import SEED
from charte.core.errors import ActionError, Conflict
from tests.conftest import journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_creating_an_account_is_journalled_with_its_role_and_no_name():
    user = actions.create_account(
        actor=SEED, role=Role.TEACHER, first_name="Chloé", email="Chloe@College.test"
    )

    assert user.email == "chloe@college.test"
    [entry] = journal("account.created", about=user)
    assert entry.actor_ref == "system:seed"
    assert entry.data == {"role": "teacher"}
    assert "Chloé" not in str(entry.data)


def test_an_account_needs_an_email_or_a_username():
    with pytest.raises(ActionError):
        actions.create_account(actor=SEED, role=Role.PUPIL, first_name="Ben")
    assert User.objects.count() == 0


def test_an_email_address_is_unique_whatever_its_case():
    make_user(email="anna@famille.test")

    with pytest.raises(Conflict):
        actions.create_account(
            actor=SEED, role=Role.PARENT, first_name="Anna", email="ANNA@famille.test"
        )
    assert User.objects.count() == 1


def test_a_username_is_unique_whatever_its_case():
    make_user(role=Role.PUPIL, username="ben.martin")

    with pytest.raises(Conflict):
        make_user(role=Role.PUPIL, username="Ben.Martin")


def test_a_username_with_spaces_or_accents_is_refused():
    with pytest.raises(Exception, match="identifiant"):
        make_user(role=Role.PUPIL, username="bén martin")
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "staff"),
    [
        (Role.PUPIL, False),
        (Role.PARENT, False),
        (Role.TEACHER, False),
        (Role.SCHOOL_STAFF, False),
        (Role.DPO, True),
        (Role.CUSTOMER_SERVICE, True),
        (Role.MARKETING, True),
        (Role.SALES, True),
        (Role.ACCOUNTING, True),
        (Role.IT, True),
    ],
)
def test_staff_accounts_are_the_operators_people_and_derive_from_the_role(role, staff):
    user = make_user(role=role)
    user.refresh_from_db()

    assert user.is_staff is staff
    assert User.objects.platform_users().filter(pk=user.pk).exists() is not staff


def test_age_is_counted_in_whole_years_on_a_given_day():
    user = make_user(role=Role.PUPIL, birth_date=date(2012, 3, 14))

    assert user.age_on(date(2026, 3, 13)) == 13
    assert user.age_on(date(2026, 3, 14)) == 14


def test_last_activity_is_the_latest_click_sign_in_or_order():
    now = timezone.now()
    user = make_user()
    assert user.last_activity is None

    user.last_login = now - timedelta(days=3)
    user.last_seen_at = now - timedelta(days=1)
    user.last_order_at = now - timedelta(days=2)
    assert user.last_activity == now - timedelta(days=1)

    user.last_order_at = now
    assert user.last_activity == now
