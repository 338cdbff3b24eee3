"""What the registry says about orders and invoices, and what erasing a buyer would leave."""

import pytest
from django.urls import reverse

from charte.payments.models import Invoice, Order, ProviderEvent, Subscription
from charte.privacy.registry import KeepUnderObligation, registry
from tests.conftest import client_for
from tests.payments.conftest import buy

pytestmark = pytest.mark.django_db


def test_invoices_are_kept_ten_years_under_the_accounting_rule_without_the_account_link():
    declaration = registry.declaration_for(Invoice)
    assert declaration is not None
    erasure = declaration.erasure_for("buyer")

    assert isinstance(erasure, KeepUnderObligation)
    assert (declaration.retention, erasure.retention) == ("accounting", "accounting")
    assert dict(erasure.replaced()) == {"buyer": None}
    assert "L123-22" in str(erasure.reason)


def test_erasing_a_buyer_leaves_the_invoice_as_issued_and_an_anonymous_order(
    guardian_anna, webhooks
):
    buy(client_for(guardian_anna))
    invoice = Invoice.objects.get()

    # What the erasure engine does, from the declarations alone.
    for model in (Order, Invoice, Subscription, ProviderEvent):
        declaration = registry.declaration_for(model)
        assert declaration is not None
        rows = model._default_manager.filter(declaration.subject_filter(guardian_anna))
        erasure = declaration.erasure_for(declaration.subjects[0])
        if erasure.kind == "delete":
            rows.delete()
        else:
            rows.update(**erasure.replaced())

    kept = Invoice.objects.get()
    assert (kept.number, kept.billing_name, kept.total_cents) == (
        invoice.number,
        "Anna Martin",
        3900,
    )
    assert kept.buyer is None
    order = Order.objects.get()
    assert (order.buyer, order.billing_name, order.billing_address, order.card_last4) == (
        None,
        "",
        "",
        "",
    )
    assert order.provider_payment_id.startswith("tp_")
    assert order.amount_cents == 3900
    assert not Subscription.objects.exists()
    # Anna no longer reaches it; accounting still does.
    url = reverse("payments:invoice", args=[kept.public_id])
    assert client_for(guardian_anna).get(url).status_code == 404
