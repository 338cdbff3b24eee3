"""Retention never deletes what is not expired, and deletes all that is.

Hypothesis draws accounts (creation days on both sides of the school year's end, some staff),
renewals, holds (some with an end date, some lifted) and the day of the sweep; the expected
outcome is computed here by an independent reading of the rule, with the default school year
end (31 August): kept until 30 November of the year the school year ends, a renewal carrying
to 30 November of the next one.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charte.accounts.models import Role, User
from charte.core.actors import RETENTION
from charte.notifications.models import Message
from charte.retention import actions, queries, sweep
from charte.retention.models import LegalHold, Renewal
from tests.factories import make_user
from tests.retention.helpers import message_about, noon

START = date(2023, 6, 1)


def kept_until_created(day: date) -> date:
    year = day.year if (day.month, day.day) <= (8, 31) else day.year + 1
    return date(year, 11, 30)


def kept_until_renewed(day: date) -> date:
    if day.month <= 8:
        return date(day.year + 1, 11, 30)
    if day.month <= 11:  # September to November: last year's data is still kept
        return date(day.year + 1, 11, 30)
    return date(day.year + 2, 11, 30)


@dataclass(frozen=True)
class Drawn:
    created: int
    staff: bool
    renewals: tuple[int, ...]
    hold: str  # "none", "open", "until", "lifted"
    hold_days: int


accounts = st.builds(
    Drawn,
    created=st.integers(0, 900),
    staff=st.sampled_from([False, False, False, False, True]),
    renewals=st.lists(st.integers(0, 700), max_size=2).map(tuple),
    hold=st.sampled_from(["none", "none", "none", "open", "until", "lifted"]),
    hold_days=st.integers(-60, 400),
)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(accounts, min_size=1, max_size=5), sweep_day=st.integers(0, 1500))
def test_exactly_the_expired_accounts_go(dpo_elise, people, sweep_day):
    today = START + timedelta(days=sweep_day)
    try:
        with transaction.atomic():
            _check(dpo_elise, people, today)
            raise Rollback
    except Rollback:
        pass


def _check(dpo, people, today):
    expected_kept = set()
    made = []
    for drawn in people:
        created = START + timedelta(days=drawn.created)
        user = make_user(role=Role.IT if drawn.staff else Role.PUPIL)
        User.objects.filter(pk=user.pk).update(created_at=noon(created))
        user.refresh_from_db()
        last = kept_until_created(created)
        for offset in drawn.renewals:
            renewed = created + timedelta(days=offset)
            if drawn.staff:
                continue
            actions.renew(person=user, source=Renewal.Source.CLASS, actor=_teacher(), today=renewed)
            last = max(last, kept_until_renewed(renewed))
        held = _hold(dpo, user, drawn, today)
        # A row of the person's that its own rule keeps (2 days old) must stay if they stay.
        message_about(user, today - timedelta(days=2))
        if drawn.staff or last >= today or held:
            expected_kept.add(user.pk)
        made.append(user)

    sweep.run(today=today, actor=RETENTION, batch_size=2)

    remaining = set(User.objects.filter(pk__in=[u.pk for u in made]).values_list("pk", flat=True))
    assert remaining == expected_kept
    messages = Message.objects.filter(about_id__in=[u.pk for u in made])
    about = set(messages.values_list("about_id", flat=True))
    assert about == expected_kept


def _teacher() -> User:
    teacher = User.objects.filter(role=Role.TEACHER).first()
    return teacher or make_user(role=Role.TEACHER)


def _hold(dpo, user, drawn, today) -> bool:
    """Place the drawn hold; say whether it is in force on `today`."""
    if drawn.hold == "none":
        return False
    until = today + timedelta(days=drawn.hold_days) if drawn.hold == "until" else None
    hold = LegalHold.objects.create(
        person=user,
        reason=LegalHold.Reason.LITIGATION,
        placed_by_ref=f"user:{dpo.public_id}",
        until=until,
    )
    if drawn.hold == "lifted":
        actions.lift_hold(hold=hold, actor=dpo)
        return False
    return until is None or until >= today


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(accounts, min_size=1, max_size=6),
    year=st.integers(START.year, START.year + 4),
    shift=st.integers(-130, 10),
    days=st.integers(1, 120),
)
def test_the_forecast_names_exactly_the_accounts_whose_last_kept_day_falls_in_the_window(
    people, year, shift, days
):
    # Every account is kept until a 30 November: windows near one, holding it or not.
    first = date(year, 11, 30) + timedelta(days=shift)
    last = first + timedelta(days=days - 1)
    try:
        with transaction.atomic():
            expected, made = set(), []
            for drawn in people:
                created = START + timedelta(days=drawn.created)
                user = make_user(role=Role.IT if drawn.staff else Role.PUPIL)
                User.objects.filter(pk=user.pk).update(created_at=noon(created))
                kept = kept_until_created(created)
                for offset in () if drawn.staff else drawn.renewals:
                    renewed = created + timedelta(days=offset)
                    actions.renew(
                        person=user, source=Renewal.Source.CLASS, actor=_teacher(), today=renewed
                    )
                    kept = max(kept, kept_until_renewed(renewed))
                if not drawn.staff and first <= kept <= last:
                    expected.add(user.pk)
                made.append(user.pk)
            found = queries.accounts_expiring_between(first, last).filter(pk__in=made)
            assert set(found.values_list("pk", flat=True)) == expected
            raise Rollback
    except Rollback:
        pass
