"""Changing an account's role is a change of privileges: only IT does it, and it is journalled."""

import pytest

from charte.accounts.actions import change_role
from charte.accounts.models import Role
from charte.audit import events
from charte.core.actors import SEED
from charte.core.errors import Conflict, NotFound
from tests.conftest import journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_it_gives_an_account_a_staff_role_and_the_journal_says_who_from_where(it_jules):
    someone = make_user(role=Role.TEACHER)

    changed = change_role(
        user=someone,
        role=Role.CUSTOMER_SERVICE,
        actor=it_jules,
        meta={"ip": "192.0.2.5", "user_agent": "Firefox"},
    )

    assert changed.role == Role.CUSTOMER_SERVICE
    assert changed.is_staff
    [entry] = journal(events.ROLE_CHANGED)
    assert entry.actor_ref == f"user:{it_jules.public_id}"
    assert entry.subject_ref == f"user:{someone.public_id}"
    assert entry.data == {"from": "teacher", "to": "customer_service", "staff": True}
    assert entry.ip == "192.0.2.5"
    assert len(journal(events.ALERT_PRIVILEGE_GRANTED)) == 1


def test_a_move_between_platform_roles_raises_no_alert(it_jules):
    someone = make_user(role=Role.TEACHER)

    change_role(user=someone, role=Role.SCHOOL_STAFF, actor=it_jules)

    assert journal(events.ALERT_PRIVILEGE_GRANTED) == []


@pytest.mark.parametrize("actor", ["dpo_elise", "cs_farid", "guardian_anna"])
def test_nobody_else_changes_roles(actor, request):
    someone = make_user(role=Role.TEACHER)

    with pytest.raises(NotFound):
        change_role(user=someone, role=Role.IT, actor=request.getfixturevalue(actor))

    someone.refresh_from_db()
    assert someone.role == Role.TEACHER
    assert journal(events.ROLE_CHANGED) == []


def test_nobody_grants_themselves_a_role(it_jules):
    with pytest.raises(NotFound):
        change_role(user=it_jules, role=Role.DPO, actor=it_jules)


def test_an_operator_command_may_and_the_same_role_is_refused(db):
    someone = make_user(role=Role.TEACHER)

    change_role(user=someone, role=Role.IT, actor=SEED)
    with pytest.raises(Conflict):
        change_role(user=someone, role=Role.IT, actor=SEED)
