"""A purchase and the buyer's rights: what went to the provider is in their archive, paying
keeps their account one more school year, and their invoices outlive their erasure."""

import io
import zipfile

import pytest

from charte.accounts.models import User
from charte.core.actors import Operator
from charte.payments.models import Invoice, Order
from charte.recipients.models import Disclosure
from charte.retention import dates
from charte.retention.models import Renewal
from charte.subject_requests import actions as requests
from charte.subject_requests import archive
from charte.subject_requests.models import Channel, Decision, IdentityMethod, Kind, Status
from tests.conftest import client_for, journal
from tests.payments.conftest import buy, checkout

pytestmark = pytest.mark.django_db


def test_the_checkout_records_what_goes_to_the_payment_provider(guardian_anna):
    started = checkout(client_for(guardian_anna))

    assert started.status_code == 302
    order = Order.objects.get()
    [disclosure] = Disclosure.objects.filter(person=guardian_anna)
    assert (disclosure.recipient, disclosure.purpose, disclosure.categories) == (
        "payment_provider",
        "orders",
        ["orders"],
    )
    assert disclosure.reference == str(order.public_id)
    [shared] = journal("recipients.shared", about=guardian_anna)
    assert shared.data["disclosure"] == str(disclosure.public_id)


def test_the_disclosure_is_listed_in_the_buyer_s_access_archive(guardian_anna):
    checkout(client_for(guardian_anna))
    out = io.BytesIO()

    archive.build(person=guardian_anna, scope=archive.ACCESS, out=out)

    with zipfile.ZipFile(out) as zf:
        index = zf.read("index.html").decode()
        table = zf.read("csv/transmissions-de-donnees.csv").decode()
    made = index.split("Communications effectivement faites")[1].split("<h3>")[0]
    assert "Transmissions de données" in made
    assert "payment_provider" in table
    assert "orders" in table


def test_paying_renews_the_buyer_s_retention_once(
    guardian_anna, webhooks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        buy(client_for(guardian_anna))

    [renewal] = Renewal.objects.filter(person=guardian_anna)
    assert renewal.source == Renewal.Source.SUBSCRIPTION
    assert renewal.kept_until == dates.kept_until_renewed(renewal.renewed_at.date())
    [renewed] = journal("retention.renewed", about=guardian_anna)
    assert renewed.data["source"] == "subscription"

    with django_capture_on_commit_callbacks(execute=True):
        buy(client_for(guardian_anna))  # a second order the same year: the same renewal

    assert Renewal.objects.filter(person=guardian_anna).count() == 1


def test_invoices_outlive_the_buyer_s_erasure_without_them(
    guardian_anna, webhooks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        buy(client_for(guardian_anna))
    invoice = Invoice.objects.get()
    number, total = invoice.number, invoice.total_cents
    operator = Operator("test")

    with django_capture_on_commit_callbacks(execute=True):
        request = requests.open_request(
            person=guardian_anna, kind=Kind.ERASURE, actor=operator, channel=Channel.OPERATOR
        )
        requests.verify_identity(
            request=request, actor=operator, method=IdentityMethod.OPERATOR, evidence="test"
        )
        request.refresh_from_db()
        requests.decide(request=request, actor=operator, decision=Decision.APPROVED)

    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    assert not User.objects.filter(pk=guardian_anna.pk).exists()
    invoice = Invoice.objects.get(number=number)
    assert (invoice.buyer, invoice.total_cents) == (None, total)
    assert invoice.billing_name == "Anna Martin"  # kept as issued, under the accounting law
    assert Order.objects.get().buyer is None
    assert request.outcome["erasure"]["kept"]["payments.Invoice"] == 1
