from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from charte.privacy.queries import published_register
from charte.privacy.register import RecipientKind


def charter(request: HttpRequest) -> HttpResponse:
    """The charter as the register and the declarations say it, in the visitor's language."""
    document = published_register()
    recipients = {r["code"]: r for r in document["recipients"]}
    return render(
        request,
        "privacy/charter.html",
        {
            "register": document,
            "recipients": recipients,
            "categories": {c["code"]: c["label"] for c in document["categories"]},
            "transfers": [r for r in document["recipients"] if r["outside_eea"]],
            "recipient_kinds": [
                {
                    "label": kind.label,
                    "recipients": [r for r in document["recipients"] if r["kind"] == kind.value],
                }
                for kind in RecipientKind
                if any(r["kind"] == kind.value for r in document["recipients"])
            ],
        },
    )
