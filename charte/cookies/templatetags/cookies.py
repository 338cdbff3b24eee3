from typing import Any

from django import template
from django.template.context import Context

from charte.cookies import queries
from charte.cookies.choices import Choice

register = template.Library()


@register.inclusion_tag("cookies/banner.html", takes_context=True)
def cookie_banner(context: Context) -> dict[str, Any]:
    """The banner and its state, on every page; the cookies page itself shows no dialog."""
    request = context["request"]
    consent = queries.consent_of(request)
    match = getattr(request, "resolver_match", None)
    on_page = match is not None and match.view_name == "cookies:preferences"
    choice = consent.effective()
    pupil = queries.speaks_to_pupil(request)
    return {
        "request": request,
        "pupil": pupil,
        "csrf_token": context.get("csrf_token"),
        "csp_nonce": context.get("csp_nonce"),
        "state": queries.banner_state(request, consent),
        "show": not consent.given and not on_page,
        "dialog": not on_page,
        "gpc": queries.gpc_sent(request),
        "exempt": queries.display_categories(choice, exempt=True, pupil=pupil),
        "optional": queries.display_categories(choice, exempt=False, pupil=pupil),
    }


@register.simple_tag
def cookie_categories() -> dict[str, Any]:
    """For the charter page: every category with its trackers, from the register."""
    return {
        "exempt": queries.display_categories(Choice(), exempt=True),
        "optional": queries.display_categories(Choice(), exempt=False),
    }
