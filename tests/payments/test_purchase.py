"""A parent buys a family subscription: the card goes to the provider's page, never to us."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.sessions.backends.base import SessionBase
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.urls import reverse

from charte.accounts.models import User
from charte.payments import queries
from charte.payments.models import Invoice, Order, ProviderEvent, Subscription
from tests.conftest import client_for, journal
from tests.payments.conftest import DECLINED, buy, checkout, pay_on_testpay

pytestmark = pytest.mark.django_db

CARD_DIGITS = "4242424242424242"
CARD_FORMS = (CARD_DIGITS, "4242 4242 4242 4242", "4242-4242-4242-4242")


def test_a_parent_buys_a_family_subscription_through_the_providers_page(
    guardian_anna, webhooks, django_capture_on_commit_callbacks
):
    client = client_for(guardian_anna)

    started = checkout(client)
    provider_page = client.get(started.url)
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_on_testpay(client, started.url)
    back = client.get(paid.url, follow=True)

    assert "TestPay" in provider_page.content.decode()
    assert "39,00 EUR" in provider_page.content.decode()
    order = Order.objects.get()
    assert urlsplit(paid.url).path == reverse("payments:order_return", args=[order.public_id])
    assert (order.status, order.card_last4, order.buyer) == ("paid", "4242", guardian_anna)
    assert order.provider_payment_id.startswith("tp_")
    assert [status for _event, status in webhooks] == [200]
    assert back.redirect_chain[-1][0] == reverse("payments:order", args=[order.public_id])
    text = back.content.decode()
    assert "Votre paiement est confirmé" in text
    assert "•••• 4242" in text
    invoice = Invoice.objects.get()
    assert invoice.number in text

    subscription = queries.active_subscription(guardian_anna)
    assert subscription is not None
    assert subscription.order == order
    guardian_anna.refresh_from_db()
    assert guardian_anna.last_order_at == order.paid_at
    assert guardian_anna.last_activity == order.paid_at

    events = [e.event for e in journal(about=guardian_anna)]
    for event in ("order.placed", "order.paid", "subscription.started", "invoice.issued"):
        assert event in events
    started_entry = journal("subscription.started")[0]
    assert started_entry.data["subscription"] == str(subscription.public_id)
    assert sorted(email.subject for email in mail.outbox) == [
        "Commande confirmée : Famille, à l'année",
        f"Votre facture {invoice.number}",
    ]
    assert all(email.to == ["anna@famille.test"] for email in mail.outbox)


def test_no_card_number_is_anywhere_in_our_database_after_a_purchase(
    guardian_anna, webhooks, django_capture_on_commit_callbacks
):
    client = client_for(guardian_anna)
    with django_capture_on_commit_callbacks(execute=True):
        buy(client)
        # A declined attempt and a card typed where it does not belong, too.
        buy(client, card=DECLINED)
        checkout(client, billing_address=f"Carte {CARD_FORMS[1]}")
    assert Order.objects.filter(status="paid").count() == 1

    assert columns_holding_a_card_number() == []
    assert not any(CARD_DIGITS in e.body.replace(" ", "") for e in mail.outbox)


def test_the_scan_itself_finds_a_card_number_wherever_it_hides(guardian_anna):
    Order.objects.create(
        buyer=guardian_anna,
        plan_code="x",
        audience="family",
        description="x",
        amount_cents=1,
        billing_name="x",
        billing_address="rue 4242-4242-4242-4242",
        provider="test",
    )

    assert columns_holding_a_card_number() == [("payments.Order", "billing_address")]


def columns_holding_a_card_number():
    """Every (model, column) of every table whose text holds the test card, in any form."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list("pk", *text_fields):
            for name, value in zip(text_fields, row[1:], strict=True):
                text = str(value)
                if name == "session_data":
                    text += str(SessionBase().decode(value))
                if any(card in text for card in CARD_FORMS):
                    found.append((model._meta.label, name))
    return found


def test_the_providers_page_never_writes_the_card_number_back(guardian_anna, webhooks):
    client = client_for(guardian_anna)
    started = checkout(client)

    refused = pay_on_testpay(client, started.url, card=DECLINED)

    assert refused.status_code == 200
    assert "Paiement refusé par la banque" in refused.content.decode()
    assert "0002" not in refused.content.decode().split("Cartes de test")[0]
    assert webhooks == []
    assert Order.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("4242 4242 4242 4241", "pas valide"),
        ("5555 5555 5555 4444", "cartes de test"),
    ],
)
def test_the_test_provider_takes_only_its_test_cards(guardian_anna, webhooks, card, message):
    client = client_for(guardian_anna)

    response = pay_on_testpay(client, checkout(client).url, card=card)

    assert message in response.content.decode()
    assert webhooks == []


def test_giving_up_on_the_providers_page_cancels_the_order(
    guardian_anna, webhooks, django_capture_on_commit_callbacks
):
    client = client_for(guardian_anna)
    started = checkout(client)

    back = client.post(started.url, {"cancel": "1"})
    response = client.get(back["Location"], follow=True)

    order = Order.objects.get()
    assert (order.status, order.paid_at) == ("cancelled", None)
    assert "vous n&#x27;avez pas été débité" in response.content.decode()
    assert journal("order.cancelled")[0].actor_ref == "system:payment_provider"
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()


def test_the_return_page_waits_for_the_providers_word(guardian_anna):
    client = client_for(guardian_anna)
    checkout(client)
    order = Order.objects.get()

    response = client.get(reverse("payments:order_return", args=[order.public_id]))

    assert response.status_code == 200
    assert "en cours de confirmation" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_renewal_starts_when_the_running_subscription_ends(guardian_anna, webhooks):
    client = client_for(guardian_anna)

    buy(client, plan="famille-mensuel")
    first = Subscription.objects.get()
    buy(client, plan="famille-annuel")

    second = Subscription.objects.exclude(pk=first.pk).get()
    assert second.starts_at == first.ends_at
    assert queries.active_subscription(guardian_anna) == first
    assert queries.subscribed_until(guardian_anna) == second.ends_at
    assert queries.active_subscription(guardian_anna, at=first.ends_at + timedelta(days=1)) == (
        second
    )
    assert [e.event for e in journal("subscription.started")] == ["subscription.started"] * 2


def test_invoices_are_numbered_without_gaps_and_add_up(guardian_anna, staff_school, webhooks):
    buy(client_for(guardian_anna), plan="famille-mensuel")
    buy(client_for(staff_school), plan="etablissement-annuel", organisation="Collège Jean Moulin")

    first, second = Invoice.objects.order_by("number")
    year = first.issued_at.year
    assert (first.number, second.number) == (f"F{year}-000001", f"F{year}-000002")
    assert (first.net_cents, first.vat_cents, first.total_cents) == (408, 82, 490)
    assert (second.net_cents, second.vat_cents, second.total_cents) == (49167, 9833, 59000)
    assert second.organisation == "Collège Jean Moulin"
    assert Subscription.objects.get(holder=staff_school).seats == 600


def test_the_invoice_keeps_only_what_an_invoice_says(guardian_anna, webhooks):
    buy(client_for(guardian_anna))
    invoice = Invoice.objects.get()

    names = {f.name for f in Invoice._meta.concrete_fields}

    assert "card_last4" not in names
    assert "provider_payment_id" not in names
    assert not any("email" in name or "phone" in name for name in names)
    page = client_for(guardian_anna).get(reverse("payments:invoice", args=[invoice.public_id]))
    text = page.content.decode()
    assert "Anna Martin" in text
    assert "69003 Lyon" in text
    assert "32,50" in text


def test_a_card_number_typed_in_the_billing_address_is_refused_with_a_reason(guardian_anna):
    response = checkout(client_for(guardian_anna), billing_address="4242 4242 4242 4242")

    assert response.status_code == 200
    assert "numéro de carte bancaire" in response.content.decode()
    assert not Order.objects.exists()


def test_a_school_licence_needs_the_school_name(staff_school):
    response = checkout(client_for(staff_school), plan="etablissement-annuel")

    assert response.status_code == 200
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("role_fixture", "plan"),
    [
        ("guardian_anna", "enseignant-annuel"),
        ("teacher_chloe", "famille-annuel"),
        ("child_ben", "famille-annuel"),
        ("cs_farid", "famille-annuel"),
    ],
)
def test_a_plan_is_sold_only_to_its_kind_of_account(request, role_fixture, plan):
    buyer = request.getfixturevalue(role_fixture)

    assert client_for(buyer).get(reverse("payments:checkout", args=[plan])).status_code == 404
    assert checkout(client_for(buyer), plan).status_code == 404
    assert not Order.objects.exists()


def test_the_plans_page_shows_each_their_plans(client, guardian_anna, teacher_chloe, child_ben):
    everyone = client.get(reverse("payments:plans")).content.decode()
    parent = client_for(guardian_anna).get(reverse("payments:plans")).content.decode()
    teacher = client_for(teacher_chloe).get(reverse("payments:plans")).content.decode()
    pupil = client_for(child_ben).get(reverse("payments:plans")).content.decode()

    assert "Famille, au mois" in everyone
    assert "Licence établissement" in everyone
    assert "Se connecter pour commander" in everyone
    assert "Famille, à l&#x27;année" in parent
    assert "Enseignant" not in parent
    assert "Enseignant, à l&#x27;année" in teacher
    assert "Famille, au mois" not in teacher
    assert "tu n'as rien à payer" in pupil


def test_the_home_page_shows_the_current_subscription(guardian_anna, teacher_chloe, webhooks):
    buy(client_for(guardian_anna))

    parent = client_for(guardian_anna).get(reverse("home")).content.decode()
    teacher = client_for(teacher_chloe).get(reverse("home")).content.decode()

    assert "Famille, à l&#x27;année, jusqu'au" in parent
    assert "Pas d'abonnement en cours" in teacher


def test_the_order_history_lists_every_order_with_its_invoice(guardian_anna, webhooks):
    client = client_for(guardian_anna)
    buy(client, plan="famille-mensuel")
    checkout(client)  # left pending on the provider's page

    text = client.get(reverse("payments:orders")).content.decode()

    assert text.count("<tr>") == 3  # header and two orders
    assert Invoice.objects.get().number in text
    assert "en attente de paiement" in text


def test_the_last_billing_address_is_offered_again(guardian_anna, webhooks):
    client = client_for(guardian_anna)
    buy(client, billing_address="3 place du Marché\n75011 Paris")

    page = client.get(reverse("payments:checkout", args=["famille-mensuel"])).content.decode()

    assert "3 place du Marché" in page


def test_the_payment_columns_cannot_hold_more_than_four_digits(guardian_anna):
    from django.db import DatabaseError, transaction

    client = client_for(guardian_anna)
    checkout(client)
    order = Order.objects.get()

    with pytest.raises(DatabaseError), transaction.atomic():  # a check, or the column's length
        Order.objects.filter(pk=order.pk).update(card_last4="42424")


@pytest.mark.parametrize("stored", ["4242 4242 4242 4242", "42424", "ab12", "424a", " 424", "424"])
def test_the_card_column_holds_nothing_or_four_digits_only(guardian_anna, stored):
    checkout(client_for(guardian_anna))
    order = Order.objects.get()

    order.card_last4 = stored
    with pytest.raises(ValidationError) as refused:
        order.full_clean()
    assert "card_last4" in refused.value.message_dict
    # Under the model, the database itself refuses the value (or the column is too short).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(card_last4=stored)

    assert Order.objects.get().card_last4 == ""
    Order.objects.filter(pk=order.pk).update(card_last4="4242")
    assert Order.objects.get().card_last4 == "4242"


def test_active_subscription_is_none_without_a_paid_order(guardian_anna):
    checkout(client_for(guardian_anna))

    assert queries.active_subscription(guardian_anna) is None
    assert queries.last_renewal_at(guardian_anna) is None
    assert ProviderEvent.objects.count() == 0
    assert User.objects.get(pk=guardian_anna.pk).last_order_at is None
