from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

GATE_KEY = "_consent_questions"


class ConsentGateMiddleware:
    """After a sign-in that found consents to ask, keep the person on that page until answered.

    The sign-in step (see `charte.consent.apps`) sets a flag in the session only when it found
    a question, so that an ordinary request costs nothing. The person may still read the
    charter, change language or sign out.
    """

    OPEN_PREFIXES = ("/charte/", "/static/", "/i18n/", "/compte/deconnexion/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(GATE_KEY):
            user = getattr(request, "user", None)
            questions = reverse("consent:questions")
            open_path = request.path == questions or request.path.startswith(self.OPEN_PREFIXES)
            if user is not None and user.is_authenticated and not open_path:
                return HttpResponseRedirect(f"{questions}?{urlencode({'next': request.path})}")
        return self.get_response(request)
