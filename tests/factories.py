"""Factories for people and things; the named personas live in tests/conftest.py."""

import itertools
from datetime import date

from django.utils import timezone

from charte.accounts import actions
from charte.accounts.models import Role, User
from charte.core.actors import SEED

PASSWORD = "un-mot-de-passe-solide"
_counter = itertools.count(1)


def make_user(
    *,
    role: Role = Role.PARENT,
    first_name: str = "",
    last_name: str = "Test",
    email: str | None = None,
    username: str | None = None,
    birth_date: date | None = None,
    password: str = PASSWORD,
    is_active: bool = True,
    consents: bool = True,
) -> User:
    """A person as if they had signed up: adults (and pupils old enough) have consented to
    what their account needs; a child under the age has no consent until a guardian gives it.
    """
    n = next(_counter)
    if email is None and username is None:
        if role == Role.PUPIL:
            username = f"eleve.{n}"
        else:
            email = f"personne{n}@exemple.test"
    user = actions.create_account(
        actor=SEED,
        role=role,
        first_name=first_name or f"Personne{n}",
        last_name=last_name,
        email=email,
        username=username,
        password=password,
        birth_date=birth_date,
        is_active=is_active,
    )
    if consents and user.is_platform_user and not user.needs_guardian(timezone.localdate()):
        from charte.consent.actions import record_choices
        from charte.consent.purposes import purposes_for

        record_choices(
            person=user,
            choices={p.code: True for p in purposes_for(user) if not p.separable},
            actor=user,
            channel="signup",
        )
    return user


def write_guardian_fields_directly(user: User, **values: object) -> None:
    """Write role, birth date or country in the database with no actor and no journal.

    Deliberately around `accounts.actions.change_guardian_fields` (whose rule `User.save()` and
    `UserQuerySet.update()` enforce): for tests of what follows such a value (time passing, a
    marker value), never of the change itself.
    """
    from django.db.models import QuerySet

    QuerySet.update(User.objects.filter(pk=user.pk), **values)
    user.refresh_from_db(fields=list(values))


def set_birth_date_directly(user: User, birth_date: date) -> None:
    """Move a birth date as time passing would (see `write_guardian_fields_directly`)."""
    write_guardian_fields_directly(user, birth_date=birth_date)
