"""Helpers for pages and queries: a missing or forbidden object is "not found", alike."""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from charte.core.errors import NotFound

if TYPE_CHECKING:
    from charte.accounts.models import User


def public_view(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A page open to everyone, where `NotFound` from an access check answers 404.

    A missing object and an object the viewer may not see thus answer the same page.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc)) from exc

    return wrapper


def signed_in_view(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A page for signed-in people, where `NotFound` from an access check answers 404."""
    return login_required(public_view(view))


def viewer_of(request: HttpRequest) -> "User":
    """The signed-in person (views decorated with `signed_in_view` always have one)."""
    # The user model by Django's setting: core does not import the accounts app at runtime.
    user = request.user
    assert isinstance(user, get_user_model())
    return user


def as_public_id(value: uuid.UUID | str, *, not_found: str) -> uuid.UUID:
    """A public id from a URL or a payload; anything that is not one is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(not_found) from None
