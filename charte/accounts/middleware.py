from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from charte.accounts import trusted_devices
from charte.accounts.actions import record_activity
from charte.accounts.devices import note_device

SESSION_KEY = "_last_seen"


class LastActivityMiddleware:
    """Keep each signed-in user's "last seen" time, writing it at most once per period.

    The time of the last write is kept in the session, so a request costs no query unless the
    period (settings.CHARTE_LAST_SEEN_RESOLUTION_MINUTES) has passed. What "Mes appareils"
    shows of the session (browser, approximate address) is refreshed at the same time.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        now = timezone.now()
        resolution = timedelta(minutes=settings.CHARTE_LAST_SEEN_RESOLUTION_MINUTES)
        last = request.session.get(SESSION_KEY)
        if last is None or now - datetime.fromisoformat(last) >= resolution:
            record_activity(user=user, at=now)
            request.session[SESSION_KEY] = now.isoformat()
            note_device(request, at=now)
        return response


class DeviceCookieMiddleware:
    """Hand the browser its device cookie after a sign-in (see charte.accounts.trusted_devices).

    Sits inside the cookie guard (charte.cookies.middleware), which sees the cookie and lets it
    through: the register declares it strictly necessary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        trusted_devices.write_cookie(request, response)
        return response
