"""A rule anchored on the person's last activity (charter, U2): their rows go, their account stays.

No model on this branch declares such a rule yet (marketing contacts will); sessions stand in
for one here, declared for the test under the 3-year marketing rule.
"""

from datetime import UTC, date, datetime

import pytest

from charte.accounts.models import Role, Session, User
from charte.core.actors import RETENTION
from charte.privacy.registry import registry
from charte.retention import sweep
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions_under_marketing():
    original = registry.declaration_for(Session)
    assert original is not None
    registry.unregister(Session)
    registry.personal(
        Session,
        subjects=original.subjects,
        purposes=original.purposes,
        fields=original.fields,
        erasure=original.erasure,
        retention="marketing",
    )
    yield
    registry.unregister(Session)
    registry._personal[Session] = original


def person(last_login: datetime) -> User:
    user = make_user(role=Role.MARKETING)  # staff: outside the school year's rule
    client_for(user)
    User.objects.filter(pk=user.pk).update(
        created_at=datetime(2019, 1, 1, tzinfo=UTC), last_login=last_login, last_seen_at=None
    )
    return user


def test_rows_of_people_inactive_for_the_period_go_and_no_others(sessions_under_marketing):
    quiet = person(datetime(2020, 6, 1, tzinfo=UTC))
    active = person(datetime(2023, 12, 1, tzinfo=UTC))

    dry = sweep.run(today=date(2024, 1, 1), actor=RETENTION, dry_run=True)
    assert dry.outcome("marketing").expired == 1

    report = sweep.run(today=date(2024, 1, 1), actor=RETENTION)

    assert not Session.objects.filter(user=quiet).exists()
    assert Session.objects.filter(user=active).exists()
    assert User.objects.filter(pk=quiet.pk).exists()
    assert report.outcome("marketing").report.deleted["accounts.Session"] == 1


def test_an_order_counts_as_activity(sessions_under_marketing):
    customer = person(datetime(2020, 6, 1, tzinfo=UTC))
    User.objects.filter(pk=customer.pk).update(last_order_at=datetime(2022, 5, 1, tzinfo=UTC))

    sweep.run(today=date(2024, 1, 1), actor=RETENTION)

    assert Session.objects.filter(user=customer).exists()
