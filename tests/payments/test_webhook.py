"""The provider's webhook: signed with HMAC-SHA256 over timestamp and body, recent, used once."""

import time

import pytest
from django.urls import reverse

from charte.payments.models import Order, ProviderEvent
from tests.conftest import client_for, journal
from tests.payments.conftest import WEBHOOK, checkout, signed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_order(guardian_anna):
    checkout(client_for(guardian_anna))
    return Order.objects.get()


def post(client, body, headers):
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=headers)


def test_a_signed_event_marks_the_order_paid(client, pending_order):
    body, headers = signed_event(payment_id=pending_order.provider_payment_id, last4="1234")

    response = post(client, body, headers)

    assert response.status_code == 200
    pending_order.refresh_from_db()
    assert (pending_order.status, pending_order.card_last4) == ("paid", "1234")
    assert ProviderEvent.objects.get().order == pending_order


def test_a_bad_signature_is_rejected_and_journalled(client, pending_order):
    body, headers = signed_event(payment_id=pending_order.provider_payment_id)
    forged = body.replace(b"4242", b"6666")

    response = post(client, forged, headers)

    assert response.status_code == 400
    assert response.json() == {"received": False, "reason": "bad_signature"}
    pending_order.refresh_from_db()
    assert pending_order.status == "pending"
    [entry] = journal("payments.webhook_rejected")
    assert entry.data == {"provider": "test", "reason": "bad_signature"}
    assert entry.actor_ref == "system:payment_provider"


def test_a_missing_signature_is_rejected(client, pending_order):
    body, _headers = signed_event(payment_id=pending_order.provider_payment_id)

    assert post(client, body, {}).status_code == 400
    assert journal("payments.webhook_rejected")[0].data["reason"] == "bad_signature"


def test_an_event_signed_with_another_secret_is_rejected(client, pending_order, settings):
    body, headers = signed_event(payment_id=pending_order.provider_payment_id)
    settings.PAYMENT_WEBHOOK_SECRET = "another-secret"

    assert post(client, body, headers).status_code == 400
    pending_order.refresh_from_db()
    assert pending_order.status == "pending"


@pytest.mark.parametrize("offset", [-301, 301])
def test_an_event_outside_the_time_window_is_rejected(client, pending_order, offset):
    body, headers = signed_event(
        payment_id=pending_order.provider_payment_id, at=int(time.time()) + offset
    )

    response = post(client, body, headers)

    assert response.status_code == 400
    assert response.json()["reason"] == "stale"
    assert journal("payments.webhook_rejected")[0].data["reason"] == "stale"
    pending_order.refresh_from_db()
    assert pending_order.status == "pending"


def test_a_replayed_event_is_rejected_and_journalled(client, pending_order):
    body, headers = signed_event(payment_id=pending_order.provider_payment_id)
    assert post(client, body, headers).status_code == 200

    response = post(client, body, headers)

    assert response.status_code == 409
    assert response.json()["reason"] == "replay"
    [entry] = journal("payments.webhook_rejected")
    assert entry.data["reason"] == "replay"
    assert entry.data["event"] == ProviderEvent.objects.get().event_id
    assert len(journal("order.paid")) == 1


def test_a_second_payment_event_for_a_paid_order_changes_nothing(client, pending_order):
    body, headers = signed_event(payment_id=pending_order.provider_payment_id)
    post(client, body, headers)
    again, again_headers = signed_event(payment_id=pending_order.provider_payment_id)

    response = post(client, again, again_headers)

    assert response.status_code == 409
    assert journal("payments.webhook_rejected")[0].data["reason"] == "already_paid"
    assert ProviderEvent.objects.count() == 1


def test_an_event_for_an_unknown_payment_is_rejected(client, pending_order):
    body, headers = signed_event(payment_id="tp_UnknownPaymentIdentifier")

    assert post(client, body, headers).status_code == 400
    assert journal("payments.webhook_rejected")[0].data["reason"] == "unknown_payment"


@pytest.mark.parametrize("last4", ["42424242", "4242424242424242", "ab12"])
def test_an_event_carrying_more_than_four_digits_of_card_is_refused(client, pending_order, last4):
    body, headers = signed_event(payment_id=pending_order.provider_payment_id, last4=last4)

    response = post(client, body, headers)

    assert response.status_code == 400
    assert response.json()["reason"] == "malformed"
    pending_order.refresh_from_db()
    assert (pending_order.status, pending_order.card_last4) == ("pending", "")


def test_a_signed_but_malformed_body_is_rejected(client, settings):
    from charte.payments.providers.base import signature_header

    now = int(time.time())
    body = b'{"not": "an event"}'
    header = signature_header(secret=settings.PAYMENT_WEBHOOK_SECRET, timestamp=now, body=body)

    response = post(client, body, {"Testpay-Signature": header})

    assert response.status_code == 400
    assert journal("payments.webhook_rejected")[0].data == {
        "provider": "test",
        "reason": "malformed",
    }


def test_the_webhook_answers_only_posts_from_a_known_provider(client):
    assert client.get(WEBHOOK).status_code == 405
    assert client.post(reverse("payments:webhook", args=["autre"])).status_code == 404


def test_the_test_provider_is_off_when_another_is_configured(client, settings, guardian_anna):
    started = checkout(client_for(guardian_anna))
    settings.PAYMENT_PROVIDER = ""

    assert client.get(started.url).status_code == 404
    assert client.post(WEBHOOK).status_code == 404
    assert "ne sont pas ouvertes" in client.get(reverse("payments:plans")).content.decode()
