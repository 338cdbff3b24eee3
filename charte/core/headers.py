"""Response headers that no view can forget: caching of private pages, browser features, CORP.

Design:
- A page shown to a signed-in person is personal (a child's results, an invoice, a journal):
  on a school's shared computer, the next pupil must not find it in the browser's cache or
  history with the Back button. Every response to a signed-in person therefore says
  `Cache-Control: private, no-store`, whatever the view set, and so does every archive or
  export download (`never_store`, which also holds when the response is streamed). Static
  files are served by WhiteNoise before the session is even read: they keep their long,
  immutable caching.
- `Permissions-Policy` denies every browser feature we do not use (camera, microphone,
  geolocation, payment, USB, interest-based advertising...), so that neither an injected
  script nor a framed page could use them. Passkeys (WebAuthn) stay allowed for our own
  pages only: `publickey-credentials-create/get=(self)`.
- `Cross-Origin-Resource-Policy: same-origin`: no other site may load our responses (a child's
  photo, a JSON answer) as an image or a script into its own page.
- `Reporting-Endpoints` names where browsers send Content-Security-Policy violations (the
  policy's `report-to csp`; `report-uri` for browsers that only know the older form). The
  reports are journalled by `charte.audit.csp`.
The values live in settings (`CHARTE_PERMISSIONS_POLICY`, `CHARTE_CROSS_ORIGIN_RESOURCE_POLICY`,
`CHARTE_CSP_REPORT_PATH`), read at each request; static files get CORP through WhiteNoise's
header hook (`add_static_headers`).
"""

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

PRIVATE = "private, no-store"


def permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "publickey-credentials-get": ["self"]}` -> `camera=(), ...=(self)`."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    """Mark a response as never to be kept by the browser or any shared cache."""
    response["Cache-Control"] = PRIVATE
    for header in ("Expires", "ETag", "Last-Modified"):
        if header in response:
            del response[header]
    return response


def never_store[V: Callable[..., Any]](view: V) -> V:
    """For a view whose answer is private whoever asks (an archive, an export)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return no_store(view(request, *args, **kwargs))

    return wrapper  # type: ignore[return-value]


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent when an outer middleware answered first
    return bool(user is not None and user.is_authenticated)


def add_static_headers(headers: Any, path: str, url: str) -> None:
    """WhiteNoise's hook: static files are same-origin resources too (they keep their caching)."""
    headers["Cross-Origin-Resource-Policy"] = settings.CHARTE_CROSS_ORIGIN_RESOURCE_POLICY


class SecurityHeadersMiddleware:
    """Adds the headers above; sits just inside the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Asked before and after the view: signing in makes its answer private, and the answer
        # to signing out replaces a private page, so it is kept out of caches as well.
        signed_in_at_start = _signed_in(request)
        response = self.get_response(request)
        if signed_in_at_start or _signed_in(request):
            no_store(response)
        response.setdefault(
            "Permissions-Policy", permissions_policy(settings.CHARTE_PERMISSIONS_POLICY)
        )
        response.setdefault(
            "Cross-Origin-Resource-Policy", settings.CHARTE_CROSS_ORIGIN_RESOURCE_POLICY
        )
        if response.get("Content-Type", "").startswith("text/html"):
            endpoint = request.build_absolute_uri(settings.CHARTE_CSP_REPORT_PATH)
            response.setdefault("Reporting-Endpoints", f'csp="{endpoint}"')
        return response
