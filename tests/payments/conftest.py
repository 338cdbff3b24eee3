"""A purchase as a buyer makes it: our checkout, TestPay's page, TestPay's webhook, the return."""

import json
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from charte.accounts.models import Role
from charte.payments.providers.base import signature_header
from charte.payments.providers.testpay import delivery
from charte.payments.providers.testpay.adapter import SIGNATURE_HEADER, new_id
from tests.factories import make_user

APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
WEBHOOK = reverse("payments:webhook", args=["test"])


@pytest.fixture
def webhooks(monkeypatch):
    """TestPay's calls to our webhook, delivered over our HTTP stack (the test client).

    The real delivery is an HTTP request to the address our checkout gave; tests have no
    server listening, so the same request goes through the test client instead.
    """
    calls = []

    def post(url, body, headers, timeout=10):
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        response = Client().post(
            urlsplit(url).path, data=body, content_type="application/json", headers=extra
        )
        calls.append((json.loads(body), response.status_code))
        return response.status_code

    monkeypatch.setattr(delivery, "post", post)
    return calls


@pytest.fixture
def staff_school(db):
    return make_user(role=Role.SCHOOL_STAFF, first_name="David", email="david@college.test")


def checkout(client, plan="famille-annuel", **fields):
    data = {"billing_name": "Anna Martin", "billing_address": "8 rue des Lilas\n69003 Lyon"}
    data.update(fields)
    return client.post(reverse("payments:checkout", args=[plan]), data)


def pay_on_testpay(client, provider_url, card=APPROVED, **extra):
    data = {"number": card, "expiry": "12/39", "cvc": "123"}
    data.update(extra)
    return client.post(provider_url, data)


def buy(client, plan="famille-annuel", card=APPROVED, **fields):
    """The whole purchase; returns TestPay's final answer (a redirect back to us, when paid)."""
    started = checkout(client, plan, **fields)
    assert started.status_code == 302, started.content.decode()
    assert started.url.startswith("/fournisseur-test/payer/")
    return pay_on_testpay(client, started.url, card)


def signed_event(
    *, payment_id, event_type="payment.succeeded", last4="4242", event_id=None, at=None
):
    """A webhook as TestPay signs it: (body, headers for the test client)."""
    at = int(time.time()) if at is None else at
    body = json.dumps(
        {
            "id": event_id or new_id("evt_"),
            "type": event_type,
            "created": at,
            "data": {"payment_id": payment_id, "card_last4": last4},
        }
    ).encode()
    header = signature_header(secret=settings.PAYMENT_WEBHOOK_SECRET, timestamp=at, body=body)
    return body, {SIGNATURE_HEADER: header}
