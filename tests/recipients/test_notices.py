"""Erasure, rectification and restriction reach every recipient (GDPR art. 19).

A person's data went to a processor with an API (the email provider), a partner reached by
email (the partner publishers) and the payment provider (an API too), and to an authority.
The request is decided through the DPO's page; the APIs are a real HTTP server on loopback,
the email goes through a real SMTP server, and the recipients confirm through their links.
"""

import socket
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import User
from charte.audit.models import Entry
from charte.consent.actions import record_choices
from charte.privacy.register import Category
from charte.recipients import actions as recipient_actions
from charte.recipients import tasks
from charte.recipients.models import Disclosure, Notice
from charte.subject_requests.models import Kind, Limitation, Status
from tests.conftest import client_for
from tests.recipients.helpers import API_KEY, PARTNER_CONTACT, link_in, path_of
from tests.subject_requests.helpers import online, staff_url


@pytest.fixture
def disclosed(guardian_anna, dpo_elise):
    """Anna's data went to the three recipients told by the register, and to an authority."""
    record_choices(
        person=guardian_anna,
        choices={"partner_offers": True},
        actor=guardian_anna,
        channel="privacy_centre",
    )
    share = recipient_actions.share_with
    out = {
        "email_provider": share(
            recipient="email_provider",
            person=guardian_anna,
            categories=[Category.IDENTITY, Category.CONTACT],
            purpose="account",
            actor=dpo_elise,
        ),
        "partner_publisher": share(
            recipient="partner_publisher",
            person=guardian_anna,
            categories=[Category.IDENTITY, Category.CONTACT],
            purpose="partner_offers",
            actor=dpo_elise,
        ),
        "payment_provider": share(
            recipient="payment_provider",
            person=guardian_anna,
            categories=[Category.ORDERS],
            purpose="orders",
            actor=dpo_elise,
            reference="order-1",
        ),
    }
    recipient_actions.record_authority_request(
        authority="Tribunal judiciaire de Lyon",
        legal_basis="Code de procédure pénale, art. 60-1",
        reference="PV 2026/12",
        received_on=timezone.localdate(),
        person=guardian_anna,
        categories=[Category.IDENTITY],
        actor=dpo_elise,
    )
    return out


def approve(dpo, request, capture) -> None:
    with capture(execute=True):
        response = client_for(dpo).post(
            staff_url(request), {"action": "decide", "decision": "approved"}
        )
    assert response.status_code == 302


def sweep() -> dict[str, int]:
    """The periodic job, as the worker runs it; it must not fail."""
    result = tasks.sweep_notices.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    return result.return_value


def detail_url(request) -> str:
    return reverse("subject_requests:detail", args=[request.public_id])


def journal(event: str, request) -> list[Entry]:
    return list(
        Entry.objects.filter(event=event, data__request=str(request.public_id)).order_by("seq")
    )


def test_an_erasure_reaches_the_api_the_partner_by_email_and_the_payment_provider(
    guardian_anna,
    dpo_elise,
    disclosed,
    recipient_api,
    smtp_server,
    client,
    django_capture_on_commit_callbacks,
):
    request = online(guardian_anna, Kind.ERASURE)
    approve(dpo_elise, request, django_capture_on_commit_callbacks)

    request.refresh_from_db()
    assert request.status == Status.COMPLETED  # erased, and the scan found no residue
    assert not User.objects.filter(pk=guardian_anna.pk).exists()
    notices = {n.recipient: n for n in Notice.objects.filter(request_reference=request.public_id)}
    # One per recipient told by the register; never the authority, nor our own services.
    assert set(notices) == {"email_provider", "partner_publisher", "payment_provider"}
    assert {n.kind for n in notices.values()} == {"erase"}
    assert {n.state for n in notices.values()} == {Notice.State.SENT}
    # The minimum stays, without the person: the references only the recipient can match.
    for code, notice in notices.items():
        assert notice.person_id is None
        assert notice.disclosures == [str(disclosed[code].public_id)]

    # The processor's API received the deletion call, with its key.
    (call,) = recipient_api.to("email_provider")
    assert call["kind"] == "erase"
    assert call["request"] == request.reference
    assert call["references"] == [str(disclosed["email_provider"].public_id)]
    assert call["keep"] == []
    assert {r["authorization"] for r in recipient_api.received} == {f"Bearer {API_KEY}"}
    # The payment provider is told to keep what the law obliges it to keep, and why.
    (provider,) = recipient_api.to("payment_provider")
    assert provider["kind"] == "erase"
    assert provider["keep"] == ["payment_id", "card_last4"]
    assert "L561-12" in provider["keep_reason"]
    # The partner without an API: an email to its privacy contact, through the real SMTP server.
    email = smtp_server.wait_for(PARTNER_CONTACT)
    assert request.reference in email["Subject"]
    body = email.get_content()
    assert str(disclosed["partner_publisher"].public_id) in body
    assert "Anna" not in body
    assert "anna@famille.test" not in body
    assert recipient_api.to("partner_publisher") == []

    # Each one confirms: the APIs by their callback, the partner through the email's link.
    for told in (call, provider):
        answer = client.post(path_of(told["confirm_url"]))
        assert answer.status_code == 200
        assert answer.json() == {"confirmed": True}
    link = path_of(link_in(body))
    page = client.get(link)
    assert page.status_code == 200
    assert "Je confirme" in page.content.decode()
    assert Notice.objects.get(recipient="partner_publisher").state == Notice.State.SENT  # GET: no
    assert client.post(link).status_code == 200

    states = Notice.objects.filter(request_reference=request.public_id).values_list(
        "recipient", "state", "confirmed_via"
    )
    assert sorted(states) == [
        ("email_provider", "confirmed", "api"),
        ("partner_publisher", "confirmed", "email"),
        ("payment_provider", "confirmed", "api"),
    ]
    confirmed = journal("recipients.notice_confirmed", request)
    assert sorted(e.actor_ref for e in confirmed) == [
        "system:recipient:email_provider",
        "system:recipient:partner_publisher",
        "system:recipient:payment_provider",
    ]
    (queued,) = journal("recipients.notices_queued", request)
    assert queued.data["recipients"] == ["email_provider", "partner_publisher", "payment_provider"]
    # The DPO's page shows each recipient's state.
    staff_page = client_for(dpo_elise).get(staff_url(request)).content.decode()
    assert staff_page.count("confirmé par le destinataire") == 3


def test_a_recipient_that_never_answers_turns_overdue_alerts_the_dpo_and_holds_the_answer(
    guardian_anna,
    dpo_elise,
    disclosed,
    recipient_api,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    request = online(guardian_anna, Kind.RESTRICTION)
    approve(dpo_elise, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    person_page = client_for(guardian_anna).get(detail_url(request))
    assert "Nos éditeurs partenaires" in person_page.content.decode()

    # The API recipients confirm; the partner never answers, and its time runs out.
    for call in recipient_api.received:
        Client().post(path_of(call["json"]["confirm_url"]))
    Notice.objects.filter(recipient="partner_publisher").update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep()

    late = Notice.objects.get(recipient="partner_publisher")
    assert late.state == Notice.State.OVERDUE
    assert [e.data["recipient"] for e in journal("recipients.notice_overdue", request)] == [
        "partner_publisher"
    ]
    alert = Entry.objects.get(event="alert.recipient_notices_overdue")
    assert alert.data["requests"] == [str(request.public_id)]
    smtp_server.wait_for("elise@charte.test")  # the alert reaches the DPO
    home = client_for(dpo_elise).get("/").content.decode()
    assert "Destinataires sans réponse" in home
    assert request.reference in home
    staff = client_for(dpo_elise).get(staff_url(request)).content.decode()
    assert "sans réponse dans le délai" in staff
    # The person is not told their request is done while a recipient has not answered...
    detail = client_for(guardian_anna).get(detail_url(request))
    assert "En cours auprès des destinataires" in detail.content.decode()

    # ...unless the DPO decides so, with a reason.
    waive = f"/destinataires/avis/{late.public_id}/sans-attendre/"
    assert client_for(dpo_elise).post(waive, {"reason": ""}).status_code == 302
    late.refresh_from_db()
    assert late.waived_at is None  # no reason, no decision
    client_for(dpo_elise).post(waive, {"reason": "Partenaire relancé par téléphone"})
    late.refresh_from_db()
    assert late.waived_by == dpo_elise
    detail = client_for(guardian_anna).get(detail_url(request))
    assert "En cours auprès des destinataires" not in detail.content.decode()
    assert journal("recipients.notice_waived", request)[0].actor_ref.startswith("user:")


def test_a_rectification_and_a_restriction_reach_the_same_recipients_with_their_own_notices(
    guardian_anna,
    dpo_elise,
    disclosed,
    recipient_api,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    fix = online(guardian_anna, Kind.RECTIFICATION)
    client_for(dpo_elise).post(
        staff_url(fix), {"action": "rectify", "field": "last_name", "value": "Dupont"}
    )
    approve(dpo_elise, fix, django_capture_on_commit_callbacks)

    corrected = Notice.objects.filter(request_reference=fix.public_id)
    # The name went to the email provider and the partner; the payment provider got orders only.
    assert sorted(corrected.values_list("recipient", "kind")) == [
        ("email_provider", "correct"),
        ("partner_publisher", "correct"),
    ]
    (call,) = recipient_api.to("email_provider")
    assert (call["kind"], call["corrections"]) == ("correct", {"last_name": "Dupont"})
    email = smtp_server.wait_for(PARTNER_CONTACT)
    assert fix.reference in email["Subject"]
    assert "last_name : Dupont" in email.get_content()
    # The person's answer names the recipients told, as their privacy centre lists them.
    answer = smtp_server.wait_for("anna@famille.test").get_content()
    assert "Nos éditeurs partenaires" in answer
    assert "Notre prestataire d'envoi" in answer
    assert "Notre prestataire de paiement" not in answer

    recipient_api.received.clear()
    restrict = online(guardian_anna, Kind.RESTRICTION)
    approve(dpo_elise, restrict, django_capture_on_commit_callbacks)
    stops = Notice.objects.filter(request_reference=restrict.public_id)
    assert sorted(stops.values_list("recipient", "kind")) == [
        ("email_provider", "stop"),
        ("partner_publisher", "stop"),
        ("payment_provider", "stop"),
    ]
    assert {c["kind"] for c in recipient_api.to("payment_provider")} == {"stop"}
    answer = smtp_server.to("anna@famille.test")[-1].get_content()
    centre = client_for(guardian_anna).get("/compte/mes-donnees/").content.decode()
    disclosed_to = set(Disclosure.objects.filter(person=guardian_anna).values_list("recipient"))
    for name in ("Nos éditeurs partenaires", "Notre prestataire de paiement"):
        assert name in answer
        assert name in centre
    assert ("public_authority",) in disclosed_to  # disclosed, listed, but never told
    assert "organismes publics" not in answer.split("informé")[-1]

    # Lifting the restriction: the same recipients hear they may resume.
    limitation = Limitation.objects.get(request=restrict)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(
            reverse("subject_requests:lift", args=[limitation.public_id]), {"next": "/"}
        )
    resumed = Notice.objects.filter(request_reference=restrict.public_id, kind="resume")
    assert sorted(resumed.values_list("recipient", flat=True)) == [
        "email_provider",
        "partner_publisher",
        "payment_provider",
    ]
    assert {c["kind"] for c in recipient_api.to("email_provider")} == {"stop", "resume"}


def test_a_failed_call_is_retried_with_back_off(
    guardian_anna,
    dpo_elise,
    disclosed,
    recipient_api,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    recipient_api.status = 503
    request = online(guardian_anna, Kind.RESTRICTION)
    approve(dpo_elise, request, django_capture_on_commit_callbacks)
    failing = Notice.objects.get(recipient="email_provider", request_reference=request.public_id)
    assert (failing.state, failing.attempts, failing.last_error) == ("queued", 1, "HTTP 503")
    assert failing.next_attempt_at is not None
    wait = failing.next_attempt_at - timezone.now()
    assert timedelta(seconds=30) < wait <= timedelta(minutes=1)
    assert journal("recipients.notice_failed", request)[0].data["attempts"] == 1

    # Both API recipients failed; the partner's email went to the outbox.
    waiting = Notice.objects.filter(request_reference=request.public_id, state="queued")
    assert sorted(waiting.values_list("recipient", flat=True)) == [
        "email_provider",
        "payment_provider",
    ]
    calls = len(recipient_api.received)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()  # too early: nothing is tried again
    assert len(recipient_api.received) == calls

    waiting.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == ("queued", 2)
    assert failing.next_attempt_at is not None
    assert failing.next_attempt_at - timezone.now() > timedelta(minutes=9)  # longer each time

    recipient_api.status = 200
    waiting.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
        sweep()  # run again: sent once
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == ("sent", 3)
    assert len(journal("recipients.notice_sent", request)) == 3  # one per recipient


def test_an_email_notice_is_sent_only_once_the_outbox_delivered_it(
    guardian_anna,
    dpo_elise,
    disclosed,
    recipient_api,
    smtp_server,
    settings,
    django_capture_on_commit_callbacks,
):
    from charte.notifications.models import Message
    from charte.notifications.tasks import retry_undelivered

    working = settings.MAILERS
    with socket.socket() as probe:  # a port where no mail server listens
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed, "timeout": 2},
        }
    }
    request = online(guardian_anna, Kind.RESTRICTION)
    approve(dpo_elise, request, django_capture_on_commit_callbacks)

    partner = Notice.objects.get(request_reference=request.public_id, recipient="partner_publisher")
    # Handed to the outbox, which could not deliver it: not "sent", and the journal agrees.
    assert (partner.state, partner.via) == (Notice.State.OUTBOX, "email")
    assert partner.message is not None
    outbox = Message.objects.get(public_id=partner.message)
    assert outbox.status == Message.Status.FAILED
    assert [e.data["recipient"] for e in journal("recipients.notice_handed", request)] == [
        "partner_publisher"
    ]
    assert "partner_publisher" not in {
        e.data["recipient"] for e in journal("recipients.notice_sent", request)
    }
    staff = client_for(dpo_elise).get(staff_url(request)).content.decode()
    assert "pas encore parti" in staff
    with django_capture_on_commit_callbacks(execute=True):
        sweep()  # the outbox still tries: the notice waits
    partner.refresh_from_db()
    assert partner.state == Notice.State.OUTBOX

    # The outbox gives up: the notice goes back to be sent again, after its back-off.
    while outbox.status != Message.Status.ABANDONED:
        retry_undelivered.enqueue()
        outbox.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    partner.refresh_from_db()
    assert (partner.state, partner.message, partner.attempts) == (Notice.State.QUEUED, None, 1)
    assert partner.last_error.startswith("email:")
    assert partner.next_attempt_at is not None
    assert smtp_server.to(PARTNER_CONTACT) == []

    # Once mail flows again, the retry leaves and is delivered: now it is sent.
    settings.MAILERS = working
    Notice.objects.filter(pk=partner.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    partner.refresh_from_db()
    assert (partner.state, partner.attempts) == (Notice.State.SENT, 2)
    assert partner.message is not None
    assert partner.sent_at == Message.objects.get(public_id=partner.message).sent_at
    assert request.reference in smtp_server.wait_for(PARTNER_CONTACT)["Subject"]
    assert [e.data["recipient"] for e in journal("recipients.notice_sent", request)].count(
        "partner_publisher"
    ) == 1
