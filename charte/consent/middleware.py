from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

GATE_KEY = "_consent_questions"
# The number of the latest charter version this session has told its person of.
TOLD_KEY = "_consent_charter_told"


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


class CharterChangeMiddleware:
    """A charter version published while a person is signed in is told on their next visit.

    A material change is also emailed (`consent.tasks`); a minor one is told only here and at
    sign-in. The session keeps the number of the latest version its person was told of (set at
    sign-in, see `consent.views.sign_in_step`); a page opened after a newer version appeared
    says so once, with a link to what changed. The latest version's number comes from the cache
    (`queries.current_version`), which publishing a version replaces once it commits.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            request.method == "GET"
            and session is not None
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(("/api/", "/static/"))
            and not request.headers.get("HX-Request")
        ):
            from charte.consent.queries import current_version, latest_version
            from charte.consent.views import tell_of_versions

            current = current_version()  # from the cache: no query on an ordinary page
            told = session.get(TOLD_KEY)
            if current is not None and told != current.number:
                session[TOLD_KEY] = current.number
                latest = latest_version()
                if isinstance(told, int) and latest is not None:
                    tell_of_versions(request, latest)
        return self.get_response(request)
