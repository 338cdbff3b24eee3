"""The endpoint our own audience script sends page views to."""

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from charte.audience import actions
from charte.core import ratelimit
from charte.core.errors import ActionError
from charte.core.net import client_address

MAX_BYTES = 2048


# No CSRF token: the script posts with `keepalive` as the page goes. What stands in for it is
# the consent cookie (signed, HttpOnly, SameSite=Lax: another site's page cannot send it) and
# the Origin check below.
@csrf_exempt
@require_POST
def beacon(request: HttpRequest) -> HttpResponse:
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != f"{request.scheme}://{request.get_host()}":
        return HttpResponse(status=403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if not 0 < length <= MAX_BYTES:
        return HttpResponse(status=400)
    if ratelimit.hit("audience", key=client_address(request) or "", rate="120/m") is not None:
        return HttpResponse(status=429)
    try:
        payload = json.loads(request.read(MAX_BYTES))
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        return HttpResponse(status=400)
    try:
        actions.record_page_view(
            request=request,
            visitor=str(payload.get("visitor", "")),
            path=payload.get("path", ""),
            load_ms=payload.get("load_ms"),
        )
    except actions.Refused:
        return HttpResponse(status=403)
    except ActionError:
        return HttpResponse(status=400)
    return HttpResponse(status=204)
