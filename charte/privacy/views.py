from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from charte.privacy.queries import published_register
from charte.privacy.register import RecipientKind


def charter_context(document: dict[str, Any]) -> dict[str, Any]:
    """What the charter's template needs, from a published register (live, or a past version)."""
    return {
        "register": document,
        "recipients": {r["code"]: r for r in document["recipients"]},
        "categories": {c["code"]: c["label"] for c in document["categories"]},
        "purposes": {
            p["code"]: p["name"]
            for processing in document["processings"]
            for p in processing["purposes"]
        },
        "transfers": [r for r in document["recipients"] if r["outside_eea"]],
        "recipient_kinds": [
            {
                "label": kind.label,
                "recipients": [r for r in document["recipients"] if r["kind"] == kind.value],
            }
            for kind in RecipientKind
            if any(r["kind"] == kind.value for r in document["recipients"])
        ],
    }


def charter(request: HttpRequest) -> HttpResponse:
    """The charter as the register and the declarations say it, in the visitor's language."""
    return render(request, "privacy/charter.html", charter_context(published_register()))
