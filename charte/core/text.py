"""Text PostgreSQL cannot store never reaches it: NUL characters and lone surrogates.

PostgreSQL refuses a NUL (`\\x00`) in any text, and `\\u0000` inside a JSON value
(`UntranslatableCharacter`); a lone surrogate (`\\ud800`, which JSON can spell but UTF-8
cannot) fails before the query is sent. SQLite takes both, so only a PostgreSQL run shows the
server error they make: a pupil's answer pasted with a NUL in it lost the whole attempt.

Neither can be seen: nobody types them on purpose, a person cannot find them to remove them.
So, the way `charte.core.cards` deals with card numbers, one rule, hooked in everywhere:

- `StorableTextMiddleware` cleans what a browser sends, before any view reads it: the query
  string, the form fields (`request.POST`), the headers we keep (User-Agent, Referer) and the
  path. A NUL is removed and a lone surrogate becomes "�": what the person sees is unchanged,
  nothing they wrote is lost, and a form that was sent with one says so in a message.
- A JSON body to a page (not the API) that holds one is refused with 400 and a sentence: it is
  written by a program, which can be told.
- The API's input schemas (`charte.core.schemas.InputSchema`) refuse one in any field, however
  deep, with a 422 naming the field (type `unstorable_text`).
- Every form (`charte.core.cards.RefusesCardNumbers`, the base of every form) refuses one with
  a message next to the field, for forms bound to data that did not come through a request.
- Last, every text and JSON value a model saves is cleaned (`pre_save`), so that whatever a
  future entry point forgets is stored rather than lost in a server error. The journal cleans
  its payload itself before signing it, so that what is signed is what is stored.

`tests/attacks/test_unstorable_text.py` shows each on PostgreSQL.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

MESSAGE = _(
    "Ce texte contient un caractère invisible que nous ne pouvons pas enregistrer (un caractère "
    "nul ou une moitié de caractère). Retirez-le, ou tapez de nouveau le texte."
)
CLEANED = _(
    "Un caractère invisible que nous ne pouvons pas enregistrer a été retiré de ce que vous avez "
    "envoyé ; tout le reste est gardé tel quel."
)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def unstorable_text(value: str) -> bool:
    """Whether `value` holds a NUL or a lone surrogate."""
    return _UNSTORABLE.search(value) is not None


def unstorable(value: object) -> bool:
    """Whether `value` (a text, or JSON-like data, keys included) holds unstorable text."""
    if isinstance(value, str):
        return unstorable_text(value)
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(unstorable(item) for item in value)
    return False


def _clean_text(value: str) -> str:
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else REPLACEMENT, value)


def storable(value: Any) -> Any:
    """`value` with every NUL removed and every lone surrogate replaced by U+FFFD, in a text or
    anywhere in JSON-like data; anything else as it is."""
    if isinstance(value, str):
        return _clean_text(value) if unstorable_text(value) else value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, tuple):
        return tuple(storable(item) for item in value)
    return value


def reject_unstorable_text(value: object) -> None:
    """A validator for every form field."""
    if unstorable(value):
        raise ValidationError(MESSAGE, code="unstorable_text")


def refuse_unstorable_text(field: forms.Field) -> None:
    """Have `field` refuse unstorable text with our message, in place of Django's own check
    for NUL characters (which says less, and misses lone surrogates)."""
    if reject_unstorable_text not in field.validators:
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ] + [reject_unstorable_text]


# The browser's side ----------------------------------------------------------------------------

KEPT_HEADERS = ("HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_ACCEPT_LANGUAGE")


def _clean_querydict(data: QueryDict) -> QueryDict | None:
    """A cleaned copy of `data`, or None when nothing needed cleaning."""
    if not any(unstorable_text(k) or unstorable(v) for k, v in data.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(_clean_text(key), [_clean_text(v) for v in values])
    cleaned._mutable = False
    return cleaned


class StorableTextMiddleware:
    """Cleans what a browser sends; refuses a JSON body to a page that holds unstorable text.
    After the CSRF check (which reads the form first) and before the views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before the URL is resolved, so that a NUL in the path never reaches a lookup.
        if unstorable_text(request.path_info):
            request.path_info = _clean_text(request.path_info)
            request.path = _clean_text(request.path)
        cleaned = _clean_querydict(request.GET)
        if cleaned is not None:
            request.GET = cleaned  # type: ignore[assignment]
        for header in KEPT_HEADERS:
            value = request.META.get(header)
            if isinstance(value, str) and unstorable_text(value):
                request.META[header] = _clean_text(value)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
            return None
        if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            cleaned = _clean_querydict(request.POST)
            if cleaned is not None:
                request.POST = cleaned  # type: ignore[assignment]
                if hasattr(request, "_messages"):
                    messages.info(request, CLEANED)
            return None
        if request.content_type == "application/json" and not request.path.startswith("/api/"):
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return None  # the view says what is wrong with its body
            if unstorable(body):
                if "text/html" in request.headers.get("Accept", ""):
                    return render(
                        request, "core/unstorable_text.html", {"message": MESSAGE}, status=400
                    )
                return JsonResponse({"detail": str(MESSAGE), "code": "unstorable_text"}, status=400)
        return None


# The database's side ---------------------------------------------------------------------------


def clean_before_saving(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    """`pre_save`, for every model: its text and JSON values, cleaned (see the module)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            value = getattr(instance, field.attname, None)
            if value is not None and unstorable(value):
                setattr(instance, field.attname, storable(value))
