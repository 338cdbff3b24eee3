"""Orders, invoices and licences: each URL answers "not found" to every role it is not for."""

import uuid

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.payments.models import Invoice, Order, Subscription
from tests.conftest import client_for
from tests.factories import make_user
from tests.payments.conftest import buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def bought(guardian_anna, staff_school, webhooks):
    buy(client_for(guardian_anna))
    buy(client_for(staff_school), plan="etablissement-annuel", organisation="Collège Jean Moulin")
    order = Order.objects.get(buyer=guardian_anna)
    return {
        "order": order,
        "invoice": Invoice.objects.get(order=order),
        "licence": Subscription.objects.get(audience="school"),
    }


def urls(bought):
    order, invoice, licence = bought["order"], bought["invoice"], bought["licence"]
    return {
        "buyer": [
            reverse("payments:order", args=[order.public_id]),
            reverse("payments:order_return", args=[order.public_id]),
            reverse("payments:invoice", args=[invoice.public_id]),
        ],
        "accounting": [
            reverse("payments:accounting_orders"),
            reverse("payments:accounting_invoices"),
            reverse("payments:accounting_order", args=[order.public_id]),
            reverse("payments:invoice", args=[invoice.public_id]),
        ],
        "sales": [
            reverse("payments:sales_licences"),
            reverse("payments:sales_licence", args=[licence.public_id]),
        ],
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_order_invoice_and_licence_url_is_not_found_for_other_people(role, bought):
    """Another buyer, staff of other services, pupils...: not found, for every object URL."""
    client = client_for(make_user(role=role))
    theirs = urls(bought).get({Role.ACCOUNTING: "accounting", Role.SALES: "sales"}.get(role, ""))

    for url in {url for kind_urls in urls(bought).values() for url in kind_urls}:
        expected = 200 if theirs and url in theirs else 404
        assert client.get(url).status_code == expected, (role, url)


def test_the_buyer_sees_their_own_but_not_the_staff_pages(guardian_anna, bought):
    client = client_for(guardian_anna)

    for url in urls(bought)["buyer"]:
        assert client.get(url, follow=True).status_code == 200, url
    for url in urls(bought)["accounting"][:3] + urls(bought)["sales"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", ["order", "order_return", "invoice", "accounting_order"])
def test_a_missing_object_is_not_found_alike(name, bought):
    accountant = make_user(role=Role.ACCOUNTING)
    url = reverse(f"payments:{name}", args=[uuid.uuid4()])

    assert client_for(accountant).get(url).status_code == 404
    assert client_for(bought["order"].buyer).get(url).status_code == 404


def test_a_missing_licence_is_not_found_for_sales(bought):
    url = reverse("payments:sales_licence", args=[uuid.uuid4()])

    assert client_for(make_user(role=Role.SALES)).get(url).status_code == 404


def test_a_family_subscription_is_not_a_licence_for_sales(bought, guardian_anna):
    family = Subscription.objects.get(holder=guardian_anna)
    url = reverse("payments:sales_licence", args=[family.public_id])

    assert client_for(make_user(role=Role.SALES)).get(url).status_code == 404


def test_visitors_are_asked_to_sign_in(client, bought):
    for kind_urls in urls(bought).values():
        for url in kind_urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("accounts:login"))
