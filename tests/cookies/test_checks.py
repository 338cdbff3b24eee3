"""The cookie categories are checked against the register: each rule catches its mistake."""

import dataclasses
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from charte.cookies import categories, checks


def _broken(**changes: Any) -> tuple[categories.CookieCategory, ...]:
    first, *rest = categories.COOKIE_CATEGORIES
    return (dataclasses.replace(first, **changes), *rest)


def test_the_categories_as_written_are_sound():
    assert checks.validate() == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"purpose": "newsletter"}, "not a purpose of cookies"),
        ({"purpose": "nothing"}, "not a purpose of cookies"),
        ({"iab_purposes": (42,)}, "unknown IAB purpose 42"),
        ({"iab_special_features": (9,)}, "unknown IAB special feature 9"),
    ],
)
def test_a_broken_category_is_named(changes, problem):
    code = categories.COOKIE_CATEGORIES[0].code

    assert checks.validate(_broken(**changes)) == [f"cookie category {code}: {problem}"]


def test_a_tracker_for_an_unknown_recipient_is_named():
    first = categories.COOKIE_CATEGORIES[0]
    tracker = dataclasses.replace(first.trackers[0], recipients=("nobody",))

    problems = checks.validate(_broken(trackers=(tracker, *first.trackers[1:])))

    assert problems == [f"cookie category {first.code}: unknown recipient 'nobody'"]


def test_a_category_declared_twice_is_named():
    twice = (*categories.COOKIE_CATEGORIES, categories.COOKIE_CATEGORIES[0])

    assert checks.validate(twice) == [
        f"cookie category {categories.COOKIE_CATEGORIES[0].code}: declared twice"
    ]


@pytest.mark.django_db  # on PostgreSQL, some checks read the database
def test_manage_py_check_fails_on_a_broken_category(monkeypatch):
    monkeypatch.setattr(checks, "COOKIE_CATEGORIES", _broken(purpose="nothing"))

    with pytest.raises(SystemCheckError) as failure:
        call_command("check", stdout=StringIO(), stderr=StringIO())

    assert "charte.E010" in str(failure.value)
