from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from charte.core import bodies, navigation
from charte.core.errors import ActionError

if TYPE_CHECKING:  # a type of the stubs, read lazily by the alias below
    from django_stubs_ext import StrOrPromise

type Message = StrOrPromise
"""A text for the person, translated now or lazily."""


@dataclass(frozen=True)
class Outcome[T]:
    """What `attempt` gives back: the action's result, or that it was refused (and said why)."""

    done: bool
    value: T | None = None


def attempt[T](
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: Message | Callable[[T], Message | None] | None = None,
    form: forms.BaseForm | None = None,
    field: str | None = None,
    fields: Mapping[type[ActionError], str] | None = None,
) -> Outcome[T]:
    """Run one action for a page and answer with its message.

    Refused (`ActionError`, whose text is written for the person), its reason goes on `form`
    (next to the field `fields` names for its kind of error, else on `field`, else on the whole
    form) when the page shows one, else in the messages; done, `success` (a text, or a function
    of the action's result) goes in the messages. Nothing else is caught: a bug stays a bug.
    """
    try:
        value = action()
    except ActionError as error:
        if form is not None:
            named = [name for kind, name in (fields or {}).items() if isinstance(error, kind)]
            form.add_error(named[0] if named else field, str(error))
        else:
            messages.error(request, str(error))
        return Outcome(done=False)
    text = success(value) if callable(success) else success
    if text:
        messages.success(request, text)
    return Outcome(done=True, value=value)


def act[T](
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: Message | Callable[[T], Message | None] | None,
    to: str,
    args: tuple[Any, ...] = (),
) -> HttpResponse:
    """Run one action, answer with its message (refused or done), and redirect to `to` (a URL
    name with `args`, or a path already checked): the shape of every button that posts."""
    attempt(request, action, success=success)
    return redirect(to, *args)


def home(request: HttpRequest) -> HttpResponse:
    """The visitor's welcome page, or the signed-in person's home with their role's panels."""
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html", navigation.welcome_context())
    user = request.user
    panels = [(panel.template, panel.context(user)) for panel in navigation.panels_for(user)]
    return render(request, "core/home.html", {"panels": panels})


def _error(request: HttpRequest, status: int, title: Message, message: Message) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": title, "message": message, "status": status},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):  # fields past the limit, or a stream too long
        files = bodies.files_accepted(request)
        return bodies.too_large(request, size=bodies.content_length(request) or None, files=files)
    if isinstance(exception, TooManyFilesSent):
        return _error(
            request,
            400,
            _("Trop de fichiers"),
            _("Cet envoi contient trop de fichiers à la fois ; rien n'a été enregistré."),
        )
    return _error(
        request, 400, _("Requête incorrecte"), _("Cette demande n'a pas pu être comprise.")
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Accès refusé"), _("Vous n'avez pas accès à cette page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Page introuvable"),
        _("Cette page n'existe pas, ou vous n'y avez pas accès."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors may be trusted here: render the simplest page that can't fail.
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("Formulaire expiré"),
        _(
            "Ce formulaire a expiré ou a été envoyé depuis un autre site. Rechargez la page et "
            "recommencez."
        ),
    )
