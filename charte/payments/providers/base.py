import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class UnknownProvider(LookupError):
    pass


class WebhookRejected(Exception):
    """A webhook we refuse; `reason` is a short code for the journal, never the request's text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, kw_only=True)
class Checkout:
    payment_id: str  # the provider's id for this payment
    redirect_url: str  # the provider's own page, where the buyer types their card


@dataclass(frozen=True, kw_only=True)
class PaymentEvent:
    event_id: str
    type: str  # "payment.succeeded", "payment.canceled"
    payment_id: str
    card_last4: str = ""
    created: int = 0  # Unix time, as signed by the provider


SUCCEEDED = "payment.succeeded"
CANCELED = "payment.canceled"


class Provider(Protocol):
    code: str

    def start_checkout(
        self,
        *,
        reference: str,
        amount_cents: int,
        currency: str,
        description: str,
        return_url: str,
        webhook_url: str,
    ) -> Checkout: ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str], now: int) -> PaymentEvent:
        """Check the signature and age of a webhook, then read it; raise WebhookRejected."""
        ...


# Signatures: HMAC-SHA256 over "<timestamp>.<body>", sent as "t=<timestamp>,v1=<hex digest>".
# The timestamp is signed with the body, so an old request cannot be replayed with a new time.


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def verify_signature(*, secret: str, header: str, body: bytes, now: int, tolerance: int) -> int:
    """The signed timestamp, if `header` signs `body` and is recent; else WebhookRejected."""
    if not secret:
        raise WebhookRejected("not_configured")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise WebhookRejected("bad_signature") from None
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise WebhookRejected("bad_signature")
    if abs(now - timestamp) > tolerance:
        raise WebhookRejected("stale")
    return timestamp
