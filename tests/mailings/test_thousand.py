"""X6: a newsletter sent to 1,000 contacts while one of them withdraws reaches 999.

The withdrawal comes after that person's copy was queued and before it left: the outbox checks
the consent again when it sends, so the queued copy stops. The accounts and their consents are
written in bulk (the test is about sending, not signing up), then everything else goes the
way it goes in production: HTTP, the task, the outbox, the one-click link.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from charte.accounts.models import Role, User
from charte.consent.actions import ensure_text
from charte.consent.models import Act, Channel, ConsentRecord
from charte.consent.queries import consent_holds
from charte.core.actors import person_ref
from charte.mailings.models import Mailing
from charte.notifications.models import Message
from tests.conftest import client_for, journal

# What htmx sends with the requests it makes for the page.
HTMX = {"HX-Request": "true"}

pytestmark = [pytest.mark.once, pytest.mark.django_db]

CONTACTS = int(__import__("os").environ.get("NEWS_CONTACTS", "1000"))


@pytest.fixture
def contacts() -> list[User]:
    User.objects.bulk_create(
        User(
            role=Role.PARENT,
            first_name=f"Contact{n}",
            last_name="Lettre",
            email=f"contact{n}@famille.test",
            password="!",  # an unusable password: nobody signs in here
        )
        for n in range(CONTACTS)
    )
    people = list(User.objects.filter(email__endswith="@famille.test").order_by("pk"))
    text = ensure_text(purpose="newsletter", language="fr")
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            subject_ref=person_ref(person),
            purpose="newsletter",
            act=Act.GIVEN,
            actor_ref=person_ref(person),
            channel=Channel.SIGNUP,
            text=text,
        )
        for person in people
    )
    return people


def test_a_newsletter_to_1000_contacts_while_one_withdraws_reaches_999(
    contacts, marketing, django_capture_on_commit_callbacks
):
    client = client_for(marketing)
    client.post(
        reverse("mailings:list"),
        {"purpose": "newsletter", "subject": "Les nouvelles", "body": "Bonjour à tous."},
    )
    mailing = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as sending:
        client.post(reverse("mailings:send", args=[mailing.public_id]))
    with django_capture_on_commit_callbacks(execute=False) as deliveries:
        for start in sending:
            start()  # the task: every batch queued in the outbox, nothing delivered yet

    mailing.refresh_from_db()
    assert (mailing.planned, mailing.queued, mailing.status) == (CONTACTS, CONTACTS, "sent")
    assert len(deliveries) == CONTACTS
    waiting = client.get(
        reverse("mailings:progress", args=[mailing.public_id]), headers=HTMX
    ).content.decode()
    assert "hx-trigger" in waiting  # copies still waiting: the page keeps polling
    assert "0 %" in waiting

    # One contact clicks the link of an earlier message while their copy waits in the outbox.
    quitter = contacts[CONTACTS // 2]
    queued = Message.objects.get(campaign=mailing.campaign, recipient=quitter)
    link = re.fullmatch(r"<(\S+)>", queued.headers["List-Unsubscribe"])
    assert link is not None
    assert client.post(urlsplit(link.group(1)).path).status_code == 200
    assert not consent_holds(quitter, "newsletter")

    for deliver in deliveries:
        deliver()

    reached = {address for message in mail.outbox for address in message.to}
    assert len(mail.outbox) == len(reached) == CONTACTS - 1
    assert quitter.email not in reached
    statuses = Message.objects.filter(campaign=mailing.campaign)
    assert statuses.filter(status=Message.Status.SENT).count() == CONTACTS - 1
    stopped = statuses.get(status=Message.Status.ABANDONED)
    assert (stopped.recipient, stopped.last_error) == (quitter, "no_consent")
    [refused] = journal("notification.refused")
    assert refused.data["reason"] == "no_consent"
    done = client.get(
        reverse("mailings:progress", args=[mailing.public_id]), headers=HTMX
    ).content.decode()
    assert "100 %" in done
    assert f"{CONTACTS - 1} envoyé(s) sur {CONTACTS} prévu(s)" in done
    assert "hx-trigger" not in done
