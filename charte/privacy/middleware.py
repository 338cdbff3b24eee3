"""Request-level guards that no view can forget."""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from charte import audit
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
        return None

    def _exempt(self, path: str) -> bool:
        return any(
            path.startswith(prefix) for prefix in getattr(settings, "CHARTE_CARD_ENTRY_PATHS", ())
        )

    def _offending_field(self, request: HttpRequest) -> str | None:
        if request.content_type == "application/json":
            try:
                return _find_in_json(json.loads(request.body or b"null"), "")
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
            if any(contains_card_number(v) for v in values):
                return name
        return None


def _find_in_json(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path or "body" if contains_card_number(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_in_json(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_in_json(item, f"{path}[{index}]")
            if found:
                return found
    return None
