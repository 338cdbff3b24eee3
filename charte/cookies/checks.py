"""The system check that keeps the cookie categories true to the register (id charte.E010)."""

from collections.abc import Iterable
from typing import Any

from django.core import checks

from charte.cookies.categories import (
    COOKIE_CATEGORIES,
    IAB_PURPOSES,
    IAB_SPECIAL_FEATURES,
    CookieCategory,
)
from charte.privacy import register
from charte.privacy.register.validation import duplicates


def validate(categories: tuple[CookieCategory, ...] | None = None) -> list[str]:
    """Each category names a purpose of the processing "cookies", and every code it names exists."""
    categories = COOKIE_CATEGORIES if categories is None else categories
    problems: list[str] = []
    for category in categories:
        purpose = register.PURPOSE_BY_CODE.get(category.purpose)
        if purpose is None or purpose.processing != "cookies":
            problems.append(f"cookie category {category.code}: not a purpose of cookies")
        problems.extend(
            f"cookie category {category.code}: unknown recipient {code!r}"
            for tracker in category.trackers
            for code in tracker.recipients
            if code not in register.RECIPIENT_BY_CODE
        )
        problems.extend(
            f"cookie category {category.code}: unknown IAB purpose {n}"
            for n in category.iab_purposes
            if n not in IAB_PURPOSES
        )
        problems.extend(
            f"cookie category {category.code}: unknown IAB special feature {n}"
            for n in category.iab_special_features
            if n not in IAB_SPECIAL_FEATURES
        )
    problems.extend(duplicates("cookie category", [c.code for c in categories]))
    return problems


def check_categories(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    return [
        checks.Error(f"The cookie categories are inconsistent: {problem}.", id="charte.E010")
        for problem in validate()
    ]
