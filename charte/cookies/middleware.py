"""The guard: no cookie leaves the server unless the register declares it and the person allows it.

Design: this middleware sits outside the session, CSRF and message middlewares, so it sees every
cookie they and the views set. On each response it
- writes the consent cookies when a choice was made during the request;
- drops any cookie the register does not declare (and logs its name): a cookie nobody
  declared is a cookie the charter does not tell people about;
- drops a declared cookie whose category needs consent the person has not given;
- turns a persistent session cookie ("Rester connecté") back into a browser-session one,
  unless the person accepted persistent sign-in;
- deletes the cookies of refused categories that the browser still sends (left by a script
  before a change of mind), so that refusing leaves nothing behind.
Scripts are gated in the page (see static/cookies/consent.js); this covers the server's side.
"""

import logging
from collections.abc import Callable
from http.cookies import Morsel
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from charte.cookies import catalogue, categories, choices, queries
from charte.cookies.choices import Consent
from charte.cookies.models import ConsentRecord

logger = logging.getLogger(__name__)


class ConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        new = queries.chosen_during(request)
        if new is not None:
            self._write_choice(request, response, new)
        self._guard(request, response, queries.consent_of(request))
        return response

    def _write_choice(self, request: HttpRequest, response: HttpResponse, consent: Consent) -> None:
        options: dict[str, Any] = {
            "max_age": choices.max_age(consent),
            "samesite": "Lax",
            "secure": settings.SESSION_COOKIE_SECURE,
        }
        response.set_cookie(
            catalogue.cookie_name(categories.CONSENT_COOKIE),
            choices.dumps(consent),
            httponly=True,
            **options,
        )
        tc_string = ""
        if consent.record_id and (consent.choice.purposes or consent.choice.features):
            tc_string = (
                ConsentRecord.objects.filter(public_id=consent.record_id)
                .values_list("tc_string", flat=True)
                .first()
                or ""
            )
        tcf_cookie = catalogue.cookie_name(categories.TCF_COOKIE)
        if tc_string:
            # Not HttpOnly: the framework's vendors read it in the page.
            response.set_cookie(tcf_cookie, tc_string, **options)
        elif tcf_cookie in request.COOKIES:
            response.delete_cookie(tcf_cookie, samesite="Lax")

    def _guard(self, request: HttpRequest, response: HttpResponse, consent: Consent) -> None:
        for name, morsel in list(response.cookies.items()):
            if _is_deletion(morsel):
                continue
            if name == settings.SESSION_COOKIE_NAME:
                if _is_persistent(morsel) and not consent.allows("sign_in"):
                    morsel["expires"] = ""
                    morsel["max-age"] = ""
                continue
            category = catalogue.category_of_cookie(name)
            if category is None:
                logger.warning("Cookie %r dropped: the register does not declare it.", name)
                del response.cookies[name]
            elif not consent.allows(category.code):
                logger.warning("Cookie %r dropped: no consent for %s.", name, category.code)
                del response.cookies[name]
        for name in request.COOKIES:
            if name in response.cookies:
                continue
            category = catalogue.category_of_cookie(name)
            if category is not None and not consent.allows(category.code):
                response.delete_cookie(name, samesite="Lax")


def _is_deletion(morsel: "Morsel[str]") -> bool:
    return str(morsel["max-age"]) == "0" or "1970" in str(morsel["expires"])


def _is_persistent(morsel: "Morsel[str]") -> bool:
    return bool(morsel["expires"] or morsel["max-age"])
