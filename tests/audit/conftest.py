"""A clock to travel in time, and a way to tamper with the journal behind the application's back."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from charte import audit
from charte.accounts.models import Role
from charte.core.actors import SystemActor
from tests.conftest import birthday
from tests.factories import make_user

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")


class Clock:
    """What `timezone.now()` answers, moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: Any) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def tamper(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Run SQL as someone with database access would: on PostgreSQL, skipping the guard triggers
    (as a superuser can), since the point is what `journal verify` sees afterwards."""
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if ON_POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = origin")


def json_param(value: Any) -> str:
    return json.dumps(value)


JSON_CAST = "::jsonb" if ON_POSTGRES else ""

TESTER = SystemActor("tester")


def write(n: int, event: str = "test.done", **data: Any) -> list[Any]:
    return [audit.record(event=event, actor=TESTER, data={"n": i, **data}) for i in range(n)]


def run_journal(*args: str) -> tuple[int, str, str]:
    """`manage.py journal ...`: its exit code, standard output and error output."""
    out, err = StringIO(), StringIO()
    try:
        call_command("journal", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def three_sealed_days(clock, db):
    """Three days of three entries each, sealed, and two more entries today (not sealed)."""
    for _ in range(3):
        write(3)
        clock.advance(days=1)
    sealed = run_journal("seal")
    assert sealed[0] == 0, sealed
    write(2, event="test.today")
    return clock


# The journal's tests count entries exactly: their personas record no consent (and so write
# no consent entry) unless a test asks for it.


@pytest.fixture
def guardian_anna(db):
    return make_user(
        role=Role.PARENT,
        first_name="Anna",
        last_name="Martin",
        email="anna@famille.test",
        consents=False,
    )


@pytest.fixture
def child_ben(db):
    return make_user(
        role=Role.PUPIL,
        first_name="Ben",
        last_name="Martin",
        username="ben.martin",
        birth_date=birthday(12),
        consents=False,
    )


@pytest.fixture
def teacher_chloe(db):
    return make_user(
        role=Role.TEACHER,
        first_name="Chloé",
        last_name="Bernard",
        email="chloe@college.test",
        consents=False,
    )
