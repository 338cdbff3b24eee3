"""Factories for people and things; the named personas live in tests/conftest.py."""

import itertools
from datetime import date

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
) -> User:
    n = next(_counter)
    if email is None and username is None:
        if role == Role.PUPIL:
            username = f"eleve.{n}"
        else:
            email = f"personne{n}@exemple.test"
    return actions.create_account(
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
