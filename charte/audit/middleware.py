"""Journal refused accesses: a view that raises `NotFound` or `PermissionDenied` is recorded.

`NotFound` (from an `access_*` function) answers alike for missing and forbidden rows, so the
entry does not say which it was; it names the page (its URL name) and who asked, from where.
Addresses that match no page at all are not journalled: they are the web's background noise.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from charte import audit
from charte.audit import events
from charte.core.actors import ANONYMOUS
from charte.core.errors import NotFound


class DeniedAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            status = 404
        elif isinstance(exception, PermissionDenied):
            status = 403
        else:
            return None
        user = getattr(request, "user", None)
        match = request.resolver_match
        audit.record(
            event=events.ACCESS_DENIED,
            actor=user if user is not None and user.is_authenticated else ANONYMOUS,
            data={"view": match.view_name if match else "", "status": status},
            meta=audit.request_meta(request),
        )
        if status == 404:
            from charte.core.views import page_not_found

            return page_not_found(request, exception)
        return None  # Django answers with the project's 403 page
