"""What happens right after a sign-in: other apps may have a question for the person first.

An app registers a step in its `AppConfig.ready()`; after a successful sign-in the login view
runs the steps in order and sends the person to the first page one of them returns (with the
page they were going to as `next`). The consent app asks here for a consent a person has not
given themself yet, or must renew after a material change of the charter.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from charte.accounts.models import User

# (request, the person, their previous sign-in) -> the page to go to first, or None.
type Step = Callable[[HttpRequest, "User", datetime | None], str | None]

_steps: list[Step] = []


def register(step: Step) -> None:
    _steps.append(step)


def first_stop(request: HttpRequest, user: "User", previous_login: datetime | None) -> str | None:
    for step in _steps:
        url = step(request, user, previous_login)
        if url:
            return url
    return None
