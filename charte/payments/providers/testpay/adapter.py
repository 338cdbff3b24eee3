"""Our side of TestPay: start a checkout, and read its signed webhooks."""

import json
import re
import secrets
import string
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from charte.payments.providers.base import (
    CANCELED,
    SUCCEEDED,
    Checkout,
    PaymentEvent,
    WebhookRejected,
    verify_signature,
)

SIGNATURE_HEADER = "Testpay-Signature"
SESSION_SALT = "charte.payments.testpay.session"
SESSION_MAX_AGE = 60 * 60

PAYMENT_ID = re.compile(r"^tp_[A-Za-z]{8,64}$")
EVENT_ID = re.compile(r"^evt_[A-Za-z]{8,64}$")
LAST4 = re.compile(r"^[0-9]{4}$")


def new_id(prefix: str) -> str:
    """A random id made of letters only: no run of digits that could pass for a card number."""
    return prefix + "".join(secrets.choice(string.ascii_letters) for _ in range(24))


class TestPay:
    code = "test"

    def start_checkout(
        self,
        *,
        reference: str,
        amount_cents: int,
        currency: str,
        description: str,
        return_url: str,
        webhook_url: str,
    ) -> Checkout:
        payment_id = new_id("tp_")
        session = {
            "payment_id": payment_id,
            "reference": reference,
            "amount_cents": amount_cents,
            "currency": currency,
            "description": description,
            "merchant": settings.CHARTE_OPERATOR["name"],
            "return_url": return_url,
            "webhook_url": webhook_url,
        }
        token = signing.dumps(session, salt=SESSION_SALT, compress=True)
        return Checkout(
            payment_id=payment_id, redirect_url=reverse("payments:testpay:pay", args=[token])
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str], now: int) -> PaymentEvent:
        verify_signature(
            secret=settings.PAYMENT_WEBHOOK_SECRET,
            header=headers.get(SIGNATURE_HEADER, ""),
            body=body,
            now=now,
            tolerance=settings.PAYMENT_WEBHOOK_TOLERANCE,
        )
        try:
            event: dict[str, Any] = json.loads(body)
            data = event["data"]
            parsed = PaymentEvent(
                event_id=str(event["id"]),
                type=str(event["type"]),
                payment_id=str(data["payment_id"]),
                card_last4=str(data.get("card_last4", "")),
                created=int(event["created"]),
            )
        except (ValueError, TypeError, KeyError):
            raise WebhookRejected("malformed") from None
        if not (
            EVENT_ID.match(parsed.event_id)
            and PAYMENT_ID.match(parsed.payment_id)
            and parsed.type in {SUCCEEDED, CANCELED}
            and (parsed.card_last4 == "" or LAST4.match(parsed.card_last4))
        ):
            raise WebhookRejected("malformed")
        return parsed


def read_session(token: str) -> dict[str, Any]:
    """TestPay's side: the checkout that a payment page's address carries (signed, 1 hour)."""
    session: dict[str, Any] = signing.loads(token, salt=SESSION_SALT, max_age=SESSION_MAX_AGE)
    return session
