import dataclasses

import pytest
from django.core import mail
from django.urls import reverse

from charte.notifications.actions import notify
from charte.notifications.models import Message
from charte.privacy import register
from charte.privacy.register import Category, RecipientKind, Safeguard
from charte.recipients.actions import SharingRefused, share_with
from charte.recipients.models import Disclosure
from tests.conftest import client_for, journal

pytestmark = pytest.mark.django_db

CONTACT = [Category.IDENTITY, Category.CONTACT]


def test_an_accepted_sharing_leaves_a_disclosure_the_person_sees(guardian_anna, dpo_elise):
    disclosure = share_with(
        recipient="payment_provider",
        person=guardian_anna,
        categories=[Category.ORDERS, *CONTACT],
        purpose="orders",
        actor=guardian_anna,
        reference="pay_123",
    )

    assert disclosure.categories == ["contact", "identity", "orders"]
    [entry] = journal("recipients.shared", about=guardian_anna)
    assert entry.data["recipient"] == "payment_provider"
    page = client_for(guardian_anna).get(reverse("accounts:privacy_centre")).content.decode()
    assert "Notre prestataire de paiement" in page
    assert "Commandes, abonnements et références de paiement" in page


def refused(**kwargs):
    with pytest.raises(SharingRefused) as caught:
        share_with(**kwargs)
    assert not Disclosure.objects.exists()
    return caught.value


def test_a_recipient_receives_nothing_for_a_purpose_it_does_not_serve(guardian_anna):
    error = refused(
        recipient="payment_provider",
        person=guardian_anna,
        categories=CONTACT,
        purpose="newsletter",
        actor=guardian_anna,
    )

    assert error.code == "purpose_not_allowed"
    assert "Notre lettre d'information" in str(error)
    assert (
        journal("recipients.refused", about=guardian_anna)[0].data["reason"]
        == "purpose_not_allowed"
    )


def test_a_recipient_receives_no_category_beyond_its_list(guardian_anna):
    error = refused(
        recipient="payment_provider",
        person=guardian_anna,
        categories=[Category.RESULTS],
        purpose="orders",
        actor=guardian_anna,
    )

    assert error.code == "category_not_allowed"
    assert "Résultats" in str(error)


def test_nothing_leaves_the_eu_without_a_safeguard(guardian_anna, monkeypatch):
    unsafe = dataclasses.replace(register.RECIPIENT_BY_CODE["uptime_monitoring"], safeguard=None)
    monkeypatch.setitem(register.RECIPIENT_BY_CODE, "uptime_monitoring", unsafe)

    error = refused(
        recipient="uptime_monitoring",
        person=guardian_anna,
        categories=[Category.CONNECTION],
        purpose="security_journal",
        actor=guardian_anna,
    )

    assert error.code == "no_safeguard"


def test_a_transfer_with_a_safeguard_goes_through(guardian_anna):
    assert register.RECIPIENT_BY_CODE["uptime_monitoring"].safeguard == Safeguard.SCC

    share_with(
        recipient="uptime_monitoring",
        person=guardian_anna,
        categories=[Category.CONNECTION],
        purpose="security_journal",
        actor=guardian_anna,
    )

    assert Disclosure.objects.filter(recipient="uptime_monitoring").count() == 1


def test_a_partner_needs_the_persons_express_consent(guardian_anna, consent_to):
    error = refused(
        recipient="partner_publisher",
        person=guardian_anna,
        categories=CONTACT,
        purpose="partner_offers",
        actor=guardian_anna,
    )
    assert error.code == "no_consent"

    consent_to(guardian_anna, "partner_offers")
    share_with(
        recipient="partner_publisher",
        person=guardian_anna,
        categories=CONTACT,
        purpose="partner_offers",
        actor=guardian_anna,
    )

    assert Disclosure.objects.filter(recipient="partner_publisher").count() == 1


def test_a_childs_data_never_goes_to_a_partner_even_with_a_consent(child_ben, consent_to):
    consent_to(child_ben, "partner_offers")

    error = refused(
        recipient="partner_publisher",
        person=child_ben,
        categories=[Category.IDENTITY],
        purpose="partner_offers",
        actor=child_ben,
    )

    assert error.code == "child"


def test_a_restricted_person_is_not_shared(guardian_anna, forbid):
    forbid(guardian_anna, "orders")

    error = refused(
        recipient="payment_provider",
        person=guardian_anna,
        categories=CONTACT,
        purpose="orders",
        actor=guardian_anna,
    )

    assert error.code == "restricted"


def test_every_kind_of_the_charter_is_in_the_register():
    assert {r.kind for r in register.RECIPIENTS} == set(RecipientKind)


def test_sending_an_email_is_a_disclosure_to_the_email_provider(
    guardian_anna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(
            kind="accounts.password_reset",
            person=guardian_anna,
            actor=guardian_anna,
            context={"uid": "0" * 32, "token": "t"},
        )

    [disclosure] = Disclosure.objects.filter(recipient="email_provider")
    assert disclosure.person == guardian_anna
    assert disclosure.reference == str(message.public_id)
    assert sorted(disclosure.categories) == ["contact", "identity", "messages"]


def test_an_email_the_person_forbids_is_not_sent(
    guardian_anna, forbid, django_capture_on_commit_callbacks
):
    forbid(guardian_anna, "account")

    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(
            kind="accounts.password_reset",
            person=guardian_anna,
            actor=guardian_anna,
            context={"uid": "0" * 32, "token": "t"},
        )

    message.refresh_from_db()
    assert (message.status, message.last_error) == (Message.Status.ABANDONED, "restricted")
    assert mail.outbox == []
    assert not Disclosure.objects.exists()
