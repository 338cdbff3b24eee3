"""Payment providers: each takes the card on its own page and tells us the outcome by webhook.

Design: our server never receives a card number. A provider adapter starts a checkout (the
provider answers with its payment id and the address of its own payment page, where the buyer
is sent), and turns the provider's signed webhooks into `PaymentEvent`s after checking their
signature and age. Of a payment we keep the provider's payment id and the card's last 4 digits.
"""

from django.conf import settings

from charte.payments.providers.base import (
    Checkout,
    PaymentEvent,
    Provider,
    UnknownProvider,
    WebhookRejected,
)

__all__ = [
    "Checkout",
    "PaymentEvent",
    "Provider",
    "UnknownProvider",
    "WebhookRejected",
    "configured",
    "get",
]


def get(code: str) -> Provider:
    """The adapter for `code`, if it is the one this installation is configured with."""
    if not code or code != settings.PAYMENT_PROVIDER:
        raise UnknownProvider(code)
    if code == "test":
        from charte.payments.providers.testpay.adapter import TestPay

        return TestPay()
    raise UnknownProvider(code)


def configured() -> Provider | None:
    """The provider payments go through, or None when nothing is for sale."""
    try:
        return get(settings.PAYMENT_PROVIDER)
    except UnknownProvider:
        return None
