from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from charte.second_factor import state
from charte.second_factor.queries import required_for

# What a person signed in with a password alone may open: signing out, changing language,
# and the pages that set up or check the second factor.
OPEN_VIEWS = frozenset(
    {
        "accounts:logout",
        "set_language",
        "second_factor:verify",
        "second_factor:setup",
        "second_factor:recovery",
        "second_factor:confirm_password",
        "second_factor:passkey_options",
        "second_factor:passkey_verify",
        "second_factor:passkey_register_options",
        "second_factor:passkey_register",
    }
)


class SecondFactorGate:
    """Hold a person who must pass a second factor on its pages until they have passed it.

    Staff roles are always held; anyone else only when the sign-in found they have a factor
    (the flag `state.REQUIRED`, so that an ordinary request costs no query). Until the session
    is verified every other page redirects to the verification (which sends a person without
    a factor to set one up) and every API call answers 401. Installed after django-otp's
    `OTPMiddleware`, which tells whether the session's factor still exists.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not (required_for(user) or request.session.get(state.REQUIRED)):
            return None
        if state.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if match is not None and match.view_name.startswith("api:"):
            return JsonResponse(
                {
                    "detail": "A second factor is required: sign in again in the browser.",
                    "code": "second_factor_required",
                },
                status=401,
            )
        verify = reverse("second_factor:verify")
        return HttpResponseRedirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
