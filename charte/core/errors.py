"""Errors that our actions raise, with a message meant for the person who asked.

Interfaces turn them into a form error, an API 400/409 or a command's non-zero exit; never
into a stack trace.
"""

from django.utils.functional import Promise


class ActionError(Exception):
    """A rule refused the action; nothing was changed."""

    code = "invalid"

    def __init__(self, message: "str | Promise", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class NotFound(ActionError):
    """Missing or not yours: both answer alike, so that nobody learns what exists."""

    code = "not_found"


class Conflict(ActionError):
    """The object is not in a state that allows this action (already withdrawn, closed...)."""

    code = "conflict"
