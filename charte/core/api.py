"""The JSON API: one NinjaAPI, with a router contributed by each app's `api.py`.

Each app that exposes objects defines `router = Router(tags=[...])` in `<app>/api.py`; it is
mounted under `/api/<app label>/`. Endpoints are thin: they parse, call the same action or
query as the HTML views (so the access rules are the same), and answer typed schemas. The
OpenAPI document is at `/api/openapi.json`, browsable at `/api/docs` (Swagger UI served from
our own static files, never from a CDN); in production both are for the operator's staff only.

Every answer is documented: each operation lists its refusals (`charte.core.schemas.refusals`)
and every refusal has the same body, `{"detail": ..., "code": ...}` (422: the fields in error).
`tests/attacks/test_api_fuzzing.py` holds the site to its schema for every role.
"""

import importlib
import importlib.util
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import django_auth

from charte.core.errors import ActionError, Conflict, NotFound

API_DESCRIPTION = """The charte API. Every endpoint applies the same access rules as the pages:
an object that does not exist and an object you may not see both answer 404."""


HTTP_ERROR_CODES = {400: "malformed", 401: "unauthenticated", 403: "forbidden", 429: "throttled"}


def _docs(view: Any) -> Any:
    """The docs page and the schema: staff only where CHARTE_API_DOCS_STAFF_ONLY (production).

    The schema is a map of every endpoint, staff ones included: in production only the
    operator's staff (`is_staff`) see it. A visitor is sent to sign in; a signed-in person who
    is not staff (a parent, a teacher, a pupil) is told the page does not exist, as for every
    staff page. The endpoints themselves keep their own rules. In development both are open.
    """

    # Swagger UI sets inline style attributes; its page alone may use them. Scripts stay ours.
    policy: dict[str, Any] = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
    view = csp_override(policy)(view)

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.CHARTE_API_DOCS_STAFF_ONLY:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_staff:
                raise Http404("Page introuvable.")
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return guarded


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="charte",
        version="1",
        description=API_DESCRIPTION,
        urls_namespace="api",
        auth=django_auth,
        docs_decorator=_docs,
    )

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc), "code": exc.code}, status=404)

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc), "code": exc.code}, status=409)

    @api.exception_handler(ActionError)
    def refused(request: HttpRequest, exc: ActionError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc), "code": exc.code}, status=400)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": "Authentication required.", "code": "unauthenticated"}, status=401
        )

    # The framework's own refusals (a write without its CSRF token, a body that is not JSON, a
    # service over its rate) get the same body as ours, with a code.
    @api.exception_handler(HttpError)
    def framework_refusal(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = HTTP_ERROR_CODES.get(exc.status_code, "invalid")
        return api.create_response(
            request, {"detail": str(exc), "code": code}, status=exc.status_code
        )

    for config in apps.get_app_configs():
        module_name = f"{config.name}.api"
        if not config.name.startswith("charte.") or module_name == __name__:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        api.add_router(f"/{config.label}/", module.router)
    return api


api = build_api()
