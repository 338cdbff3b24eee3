"""Request-level guards that no view can forget."""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from charte import audit
from charte.core import identifiers
from charte.core.actors import ANONYMOUS
from charte.core.cards import MESSAGE, contains_card_number


class CardNumberGuard:
    """Refuse any submission that carries a card number: it must never reach the database.

    Forms and API schemas refuse card numbers field by field, with the message next to the
    field; this guard catches whatever a form might have missed, before any view runs. The
    payment provider's own page (the local test provider in development) is exempt: typing a
    card there is its purpose, and in production it is another site.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Who writes, for the forms and schemas that check a child's text (D5), asked only
        # when a text is checked.
        with identifiers.writer(lambda: _is_child(request)):
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        # After the CSRF check (which comes earlier in MIDDLEWARE), before the view.
        if getattr(view, "checks_card_numbers", False):
            return None
        if request.method in {"POST", "PUT", "PATCH"} and not self._exempt(request.path):
            field = self._offending_field(request)
            if field is not None:
                user = getattr(request, "user", None)
                audit.record(
                    event="security.card_number_refused",
                    actor=user if user is not None and user.is_authenticated else ANONYMOUS,
                    data={"path": request.path[:200], "field": field[:80]},
                    meta=audit.request_meta(request),
                )
                if request.path.startswith("/api/") or request.content_type == "application/json":
                    return JsonResponse(
                        {"detail": str(MESSAGE), "code": "card_number", "field": field}, status=400
                    )
                return render(
                    request, "core/card_number_refused.html", {"message": MESSAGE}, status=400
                )
            child = identifiers.writer_is_child()
            field = (
                self._offending_field(request, identifiers.contains_identifier) if child else None
            )
            if field is not None:
                audit.record(
                    event="security.contact_details_refused",
                    actor=getattr(request, "user", ANONYMOUS),
                    # A child's text was refused, not an attack: where, never what nor whence.
                    data={"path": request.path[:200], "field": field[:80]},
                )
                message = identifiers.GENERAL_MESSAGE
                if request.path.startswith("/api/") or request.content_type == "application/json":
                    return JsonResponse(
                        {"detail": str(message), "code": identifiers.CODE, "field": field},
                        status=400,
                    )
                return render(
                    request, "core/card_number_refused.html", {"message": message}, status=400
                )
        return None

    def _exempt(self, path: str) -> bool:
        return any(
            path.startswith(prefix) for prefix in getattr(settings, "CHARTE_CARD_ENTRY_PATHS", ())
        )

    def _offending_field(
        self, request: HttpRequest, holds: Callable[[str], bool] = contains_card_number
    ) -> str | None:
        if request.content_type == "application/json":
            try:
                return _find_in_json(json.loads(request.body or b"null"), "", holds)
            except (ValueError, UnicodeDecodeError):
                return None
        for name, values in request.POST.lists():
            if name in {
                "password",
                "password1",
                "password2",
                "new_password1",
                "new_password2",
                "old_password",
            }:
                continue
            if any(holds(v) for v in values):
                return name
        return None


def _find_in_json(
    value: object, path: str, holds: Callable[[str], bool] = contains_card_number
) -> str | None:
    if isinstance(value, str):
        return path or "body" if holds(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_in_json(item, f"{path}.{key}" if path else str(key), holds)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_in_json(item, f"{path}[{index}]", holds)
            if found:
                return found
    return None


def _is_child(request: HttpRequest) -> bool:
    """A signed-in child under the age of digital consent of their country."""
    from django.utils import timezone

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.needs_guardian(timezone.localdate()))
