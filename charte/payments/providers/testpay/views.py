"""TestPay's own pages: the payment page the buyer is sent to, as on a provider's site.

This is the provider's side. It reads the card number to decide the outcome, as a bank would,
and keeps nothing of it: the form is never echoed back, the request's card fields are marked
sensitive (left out of error reports), nothing is stored, and the merchant receives only the
outcome, the payment id and the card's last 4 digits, in a signed webhook.
"""

import json
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from charte.payments.providers.base import CANCELED, SUCCEEDED, signature_header
from charte.payments.providers.testpay import delivery
from charte.payments.providers.testpay.adapter import SIGNATURE_HEADER, new_id, read_session
from charte.payments.providers.testpay.forms import CardForm


def _send(session: dict[str, Any], event_type: str, card_last4: str = "") -> bool:
    """Call the merchant's webhook with a signed event; True when it took it (2xx)."""
    now = int(time.time())
    event = {
        "id": new_id("evt_"),
        "type": event_type,
        "created": now,
        "data": {"payment_id": session["payment_id"], "card_last4": card_last4},
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(
            secret=settings.PAYMENT_WEBHOOK_SECRET, timestamp=now, body=body
        ),
    }
    status = delivery.post(session["webhook_url"], body, headers)
    return 200 <= status < 300


@sensitive_post_parameters("number", "expiry", "cvc")
@never_cache
def pay(request: HttpRequest, token: str) -> HttpResponse:
    if settings.PAYMENT_PROVIDER != "test":
        raise Http404
    try:
        session = read_session(token)
    except signing.BadSignature:  # includes an expired one
        return render(request, "testpay/expired.html", status=400)
    form = CardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if "cancel" in request.POST:
            _send(session, CANCELED)
            return redirect(session["return_url"])
        if form.is_valid():
            if _send(session, SUCCEEDED, card_last4=form.cleaned_data["number"][-4:]):
                return redirect(session["return_url"])
            return render(request, "testpay/not_confirmed.html", {"session": session}, status=502)
    return render(
        request,
        "testpay/pay.html",
        {"form": form, "session": session, "amount": session["amount_cents"] / 100},
    )
