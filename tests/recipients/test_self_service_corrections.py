"""Art. 19 applies to every rectification: a correction made in "Mes informations" reaches the
recipients of the corrected fields as a rectification request does.

Anna's name went to the payment provider (an API on loopback) and to the partner publishers
(an email to their contact, through a real SMTP server); her language and her phone number went
nowhere. She corrects through the page, as she would.
"""

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.audit.models import Entry
from charte.consent.actions import record_choices
from charte.privacy.register import Category
from charte.recipients import actions as recipient_actions
from charte.recipients import tasks
from charte.recipients.models import Notice
from tests.conftest import client_for
from tests.recipients.helpers import PARTNER_CONTACT, link_in, path_of

INFORMATION = "subject_requests:information"


@pytest.fixture
def name_disclosed(guardian_anna, dpo_elise):
    """Anna's name went to the payment provider (with her order) and to the partner."""
    record_choices(
        person=guardian_anna,
        choices={"partner_offers": True},
        actor=guardian_anna,
        channel="privacy_centre",
    )
    recipient_actions.share_with(
        recipient="payment_provider",
        person=guardian_anna,
        categories=[Category.IDENTITY, Category.ORDERS],
        purpose="orders",
        actor=dpo_elise,
        reference="order-1",
    )
    recipient_actions.share_with(
        recipient="partner_publisher",
        person=guardian_anna,
        categories=[Category.IDENTITY],
        purpose="partner_offers",
        actor=dpo_elise,
    )


def correct(person, by, capture, **changes):
    current = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone,
        "language": person.language or "fr",
        "country": person.country or "FR",
    }
    with capture(execute=True):
        response = client_for(by).post(
            reverse(INFORMATION, args=[person.public_id]), {**current, **changes}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def confirmation_link(outbox, address: str) -> str:
    """The path of the link that confirms a new sign-in address, in the email sent to it."""
    prefix = reverse("accounts:email_change_confirm", args=["x"] * 3).split("/x/")[0]
    bodies = [str(m.body) for m in outbox if address in m.to]
    paths = {urlsplit(u).path for body in bodies for u in re.findall(r"https?://\S+", body)}
    (found,) = {p for p in paths if p.startswith(prefix + "/")}
    return found


def journal(event, person) -> list[Entry]:
    return list(Entry.objects.filter(event=event, subject_ref=f"user:{person.public_id}"))


def test_a_parent_corrects_her_name_and_each_recipient_of_it_is_told(
    guardian_anna,
    dpo_elise,
    name_disclosed,
    recipient_api,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    correct(guardian_anna, guardian_anna, django_capture_on_commit_callbacks, last_name="Dupont")

    guardian_anna.refresh_from_db()
    assert guardian_anna.last_name == "Dupont"
    notices = Notice.objects.filter(person=guardian_anna)
    # One notice per recipient of the name, a correction, from "Mes informations".
    assert sorted(notices.values_list("recipient", "kind", "origin")) == [
        ("partner_publisher", "correct", "self_service"),
        ("payment_provider", "correct", "self_service"),
    ]
    assert {n.payload["corrections"]["last_name"] for n in notices} == {"Dupont"}
    (reference,) = set(notices.values_list("request_reference", flat=True))

    # The provider's API received the correction; the partner's email left through SMTP.
    (call,) = recipient_api.to("payment_provider")
    assert (call["kind"], call["corrections"]) == ("correct", {"last_name": "Dupont"})
    email = smtp_server.wait_for(PARTNER_CONTACT)
    assert "last_name : Dupont" in email.get_content()
    states = dict(notices.values_list("recipient", "state"))
    assert states == {"payment_provider": "sent", "partner_publisher": "sent"}

    # Journalled: the correction, and the notices it queued, about Anna, by Anna.
    (rectified,) = journal("account.rectified", guardian_anna)
    assert rectified.data["fields"] == ["last_name"]
    (queued,) = journal("recipients.notices_queued", guardian_anna)
    assert queued.actor_ref == f"user:{guardian_anna.public_id}"
    assert queued.data == {
        "request": reference,
        "notice_kind": "correct",
        "recipients": ["partner_publisher", "payment_provider"],
    }

    # Anna sees who was told, on the page and in her privacy centre.
    for url in (reverse(INFORMATION, args=[guardian_anna.public_id]), "/compte/mes-donnees/"):
        page = client_for(guardian_anna).get(url).content.decode()
        assert "Nos éditeurs partenaires" in page
        assert "Notre prestataire de paiement" in page
        assert "confirmation attendue" in page

    # The DPO sees them in the list of notices; the partner confirms through its link.
    listing = client_for(dpo_elise).get(reverse("recipients:notices")).content.decode()
    assert listing.count("une correction dans « Mes informations »") >= 2
    client_for(dpo_elise).post(path_of(link_in(email.get_content())))
    assert Notice.objects.get(recipient="partner_publisher").state == Notice.State.CONFIRMED
    page = client_for(guardian_anna).get("/compte/mes-donnees/").content.decode()
    assert "correction confirmée" in page

    # The provider never confirms: overdue, the DPO's home leads to the list (there is no
    # request page), where the DPO decides to stop waiting.
    late = Notice.objects.get(recipient="payment_provider")
    Notice.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_notices.call()
    late.refresh_from_db()
    assert late.state == Notice.State.OVERDUE
    home = client_for(dpo_elise).get("/").content.decode()
    assert f"{reverse('recipients:notices')}#avis-{late.public_id}" in home
    waived = client_for(dpo_elise).post(
        reverse("recipients:waive_notice", args=[late.public_id]), {"reason": "Relancé par écrit"}
    )
    assert waived["Location"] == reverse("recipients:notices")
    late.refresh_from_db()
    assert late.waived_by == dpo_elise


def test_correcting_a_field_no_recipient_received_tells_no_one(
    guardian_anna, name_disclosed, django_capture_on_commit_callbacks
):
    correct(
        guardian_anna,
        guardian_anna,
        django_capture_on_commit_callbacks,
        language="en",
        phone="0601020304",
    )

    guardian_anna.refresh_from_db()
    assert (guardian_anna.language, guardian_anna.phone) == ("en", "0601020304")
    assert not Notice.objects.exists()
    assert journal("recipients.notices_queued", guardian_anna) == []
    page = client_for(guardian_anna).get("/compte/mes-donnees/").content.decode()
    assert "Destinataires informés de vos corrections" not in page


def test_a_guardian_correcting_a_childs_name_tells_who_received_it(
    guardian_anna, child_ben, dpo_elise, django_capture_on_commit_callbacks
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    # Ben's name went to the email provider, in a message about him to his mother.
    recipient_actions.share_with(
        recipient="email_provider",
        person=child_ben,
        categories=[Category.IDENTITY, Category.MESSAGES],
        purpose="account",
        actor=dpo_elise,
    )
    correct(child_ben, guardian_anna, django_capture_on_commit_callbacks, first_name="Benjamin")

    (notice,) = Notice.objects.filter(person=child_ben)
    assert (notice.recipient, notice.kind, notice.origin) == (
        "email_provider",
        "correct",
        "self_service",
    )
    assert notice.payload == {"corrections": {"first_name": "Benjamin"}}
    (queued,) = journal("recipients.notices_queued", child_ben)
    assert queued.actor_ref == f"user:{guardian_anna.public_id}"
    page = client_for(guardian_anna).get(reverse(INFORMATION, args=[child_ben.public_id]))
    assert "Notre prestataire d'envoi d'e-mails" in html.unescape(page.content.decode())


def test_only_the_dpo_reads_the_list_of_notices(guardian_anna, cs_farid, dpo_elise, client):
    url = reverse("recipients:notices")
    assert client_for(dpo_elise).get(url).status_code == 200
    for someone in (guardian_anna, cs_farid):
        assert client_for(someone).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_a_new_sign_in_address_reaches_the_recipients_of_the_old_one(
    guardian_anna, dpo_elise, monkeypatch, django_capture_on_commit_callbacks
):
    """The address changes through its own confirmed procedure (in `accounts`); the periodic
    sweep tells each recipient of the former address, once, and the journal says so."""
    from django.core import mail
    from django.test import Client

    from charte.core import timing
    from tests.factories import PASSWORD

    monkeypatch.setattr(timing, "pause", lambda seconds: None)
    record_choices(
        person=guardian_anna,
        choices={"partner_offers": True},
        actor=guardian_anna,
        channel="privacy_centre",
    )
    recipient_actions.share_with(
        recipient="partner_publisher",
        person=guardian_anna,
        categories=[Category.CONTACT],
        purpose="partner_offers",
        actor=dpo_elise,
    )
    new = "anna.nouvelle@famille.test"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(guardian_anna).post(
            reverse("subject_requests:change_email"), {"new_email": new, "password": PASSWORD}
        )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(confirmation_link(mail.outbox, new))
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == new
    assert not Notice.objects.exists()  # told by the sweep, after the change

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.sweep_notices.call()
        again = tasks.sweep_notices.call()
    assert (first["address_changes"], again["address_changes"]) == (2, 0)
    # The partner, and our email provider, which carried the emails to the former address.
    notices = Notice.objects.filter(person=guardian_anna)
    assert sorted(notices.values_list("recipient", "kind", "origin")) == [
        ("email_provider", "correct", "self_service"),
        ("partner_publisher", "correct", "self_service"),
    ]
    assert {str(n.payload) for n in notices} == {str({"corrections": {"email": new}})}
    assert set(notices.values_list("state", flat=True)) == {Notice.State.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == [PARTNER_CONTACT, "privacy@emailing.example"]
    (queued,) = journal("recipients.notices_queued", guardian_anna)
    assert queued.actor_ref == "system:recipients"
    page = client_for(guardian_anna).get("/compte/mes-donnees/").content.decode()
    assert "Nos éditeurs partenaires" in page
