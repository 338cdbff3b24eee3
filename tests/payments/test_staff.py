"""Accounting sees orders and invoices; sales sees schools' licences. Nothing of learning."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import Role
from charte.payments.models import Invoice, Order, Subscription
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.payments.conftest import buy, checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountant(db):
    return make_user(role=Role.ACCOUNTING, first_name="Inès")


@pytest.fixture
def seller(db):
    return make_user(role=Role.SALES, first_name="Henri")


@pytest.fixture
def purchases(guardian_anna, staff_school, webhooks):
    buy(client_for(guardian_anna), plan="famille-annuel")
    checkout(client_for(guardian_anna), plan="famille-mensuel")  # left pending
    buy(client_for(staff_school), plan="etablissement-annuel", organisation="Collège Jean Moulin")


def test_accounting_lists_orders_and_filters_them(accountant, purchases):
    client = client_for(accountant)

    everything = client.get(reverse("payments:accounting_orders")).content.decode()
    pending = client.get(reverse("payments:accounting_orders") + "?status=pending")
    month = timezone.localdate().strftime("%Y-%m")
    this_month = client.get(reverse("payments:accounting_orders") + f"?month={month}")

    assert everything.count("<tr>") == 4
    assert "Collège Jean Moulin" in everything
    assert pending.content.decode().count("<tr>") == 2
    assert this_month.content.decode().count("<tr>") == 4


def test_accounting_sees_an_orders_payment_and_its_buyers_contact(accountant, purchases):
    order = Order.objects.get(status="paid", audience="family")

    text = (
        client_for(accountant)
        .get(reverse("payments:accounting_order", args=[order.public_id]))
        .content.decode()
    )

    assert order.provider_payment_id in text
    assert "•••• 4242" in text
    assert "anna@famille.test" in text
    assert order.invoice.number in text


def test_accounting_opens_every_invoice_and_exports_the_month(accountant, purchases):
    client = client_for(accountant)
    invoice = Invoice.objects.get(organisation="Collège Jean Moulin")

    page = client.get(reverse("payments:invoice", args=[invoice.public_id]))
    listing = client.get(reverse("payments:accounting_invoices")).content.decode()
    export = client.get(reverse("payments:accounting_invoices") + "?format=csv")

    assert page.status_code == 200
    assert all(number in listing for number in Invoice.objects.values_list("number", flat=True))
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("numero;date;client")
    assert f"{invoice.number};" in lines[2]
    assert "491.67;98.33;590.00;EUR" in lines[2]


def test_the_accounting_home_panel_counts_the_month(accountant, purchases):
    text = client_for(accountant).get(reverse("home")).content.decode()

    assert "Commandes payées" in text
    assert "629,00" in text  # 39 + 590
    assert reverse("payments:accounting_invoices") in text


def test_sales_sees_school_licences_only(seller, purchases):
    text = client_for(seller).get(reverse("payments:sales_licences")).content.decode()

    assert "Collège Jean Moulin" in text
    assert "Famille" not in text
    licence = Subscription.objects.get(audience="school")
    detail = client_for(seller).get(reverse("payments:sales_licence", args=[licence.public_id]))
    assert "david@college.test" in detail.content.decode()
    assert "600" in detail.content.decode()


def test_sales_filters_licences_that_end_soon(seller, purchases):
    licence = Subscription.objects.get(audience="school")
    Subscription.objects.filter(pk=licence.pk).update(ends_at=timezone.now() + timedelta(days=20))
    client = client_for(seller)

    soon = client.get(reverse("payments:sales_licences") + "?state=expiring").content.decode()
    ended = client.get(reverse("payments:sales_licences") + "?state=expired").content.decode()
    home = client.get(reverse("home")).content.decode()

    assert "Collège Jean Moulin" in soon
    assert "Collège Jean Moulin" not in ended
    assert "À renouveler bientôt" in home


def test_accounting_opening_an_order_or_an_invoice_is_journalled_as_a_read(
    accountant, purchases, guardian_anna
):
    client = client_for(accountant)
    order = Order.objects.get(status="paid", audience="family")

    client.get(reverse("payments:accounting_order", args=[order.public_id]))
    client.get(reverse("payments:invoice", args=[order.invoice.public_id]))

    reads = journal(about=guardian_anna)
    [opened] = [e for e in reads if e.event == "read.order"]
    [invoice] = [e for e in reads if e.event == "read.invoice"]
    for entry in (opened, invoice):
        assert entry.actor_ref == f"user:{accountant.public_id}"
        assert entry.subject_ref == f"user:{guardian_anna.public_id}"
    assert invoice.data == {"invoice": order.invoice.number}


def test_a_buyer_reading_their_own_invoice_is_not_journalled(purchases, guardian_anna):
    invoice = Invoice.objects.get(buyer=guardian_anna)

    client_for(guardian_anna).get(reverse("payments:invoice", args=[invoice.public_id]))

    assert journal("read.invoice") == []
