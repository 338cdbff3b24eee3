"""Accounts and rows dated in the past, for time-travel tests."""

from datetime import date, timedelta

from charte.accounts.models import Role, User
from charte.notifications.models import Message
from charte.retention.dates import start_of
from tests.factories import make_user


def noon(day: date):
    return start_of(day) + timedelta(hours=12)


def account_created(day: date, *, role: Role = Role.PARENT, **kwargs) -> User:
    """An account as if created at noon (local time) on `day`; created_at is never editable."""
    user = make_user(role=role, **kwargs)
    User.objects.filter(pk=user.pk).update(created_at=noon(day))
    user.refresh_from_db()
    return user


def message_about(person: User, day: date) -> Message:
    message = Message.objects.create(
        kind="test",
        recipient=person,
        about=person,
        to_email=person.email or "x@y.test",
        subject="s",
        body="b",
    )
    Message.objects.filter(pk=message.pk).update(created_at=noon(day))
    return message


def exists(user: User) -> bool:
    return User.objects.filter(pk=user.pk).exists()
