"""X6 and the register: the charter says which emails are part of the service (no consent, no
unsubscribe link) and which rest on a consent (each with one-click unsubscribe), and what the
platform sends agrees, kind by kind; kinds registered later are covered the day they are.

And the review invitations: we send them ourselves (the mailings app, through the outbox), so
the register, the charter page and the disclosure log name no review partner.
"""

import html
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from charte.accounts.models import Role
from charte.consent.actions import record_choices
from charte.core.actors import SEED
from charte.notifications import kinds
from charte.notifications.actions import notify
from charte.privacy import register
from charte.privacy.register import RecipientKind
from charte.recipients.models import Disclosure
from tests.conftest import birthday
from tests.consent.helpers import adopt
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CHARTER = reverse("privacy:charter")
# Who acts on our data for us, whatever the purpose: they receive, they never invite.
OURS = {RecipientKind.INTERNAL_SERVICE}
HOSTING = {"hosting", "backup_storage"}


def test_the_register_names_every_kind_the_platform_sends_and_says_which_are_essential():
    sent = {k.code: k for k in kinds.all_kinds()}
    declared = register.EMAIL_BY_CODE

    assert sorted(set(sent) - set(declared)) == [], "sent but not in the register"
    assert sorted(set(declared) - set(sent)) == [], "in the register but never sent"
    for code, kind in sent.items():
        email = declared[code]
        assert email.essential == kind.essential, code
        assert email.consent_purpose == kind.purpose, code
        if not email.essential:
            # A consent the person can give or withdraw on its own, with the link.
            assert email.consent_purpose is not None
            assert register.PURPOSE_BY_CODE[email.consent_purpose].separable, code


def test_the_charter_page_lists_each_email_in_its_group(client):
    page = html.unescape(client.get(CHARTER).content.decode())
    essential = page[page.index('id="e-mails-essentiels"') :]
    essential = essential[: essential.index("</ul>")]
    consented = page[page.index('id="e-mails-consentis"') :]
    consented = consented[: consented.index("</ul>")]

    for email in register.EMAILS:
        name = str(email.name)
        shown, hidden = (essential, consented) if email.essential else (consented, essential)
        assert name in shown, name
        assert name not in hidden, name
    assert "chacun de nos e-mails qui en dépendent" in page


def test_the_register_command_says_it_too():
    out = StringIO()
    call_command("register", "--format", "markdown", stdout=out)
    text = out.getvalue()
    assert (
        "- `accounts.password_reset` Le lien pour choisir un nouveau mot de passe (essential)"
        in text
    )
    assert "- `mailings.newsletter` Notre lettre d'information (consent `newsletter`)" in text


@pytest.mark.parametrize("kind", kinds.all_kinds(), ids=lambda k: k.code)
def test_each_kind_sent_carries_one_click_unsubscribe_exactly_when_it_is_not_essential(
    kind, guardian_anna, smtp_server, django_capture_on_commit_callbacks
):
    """Sent through a real SMTP server as the register groups it: an essential kind about
    Anna's child (so that the kinds for guardians and the invitations reach her too), a
    non-essential one about Anna, who accepted it, or about her child for news that guardians
    receive of their child (on Anna's own consent)."""
    context = {"uid": "0" * 32, "token": "t", "url": "https://x.test/", "inviter": "Anna"}
    person = guardian_anna
    if register.EMAIL_BY_CODE[kind.code].essential or kind.guardian_news:
        person = make_user(role=Role.PUPIL, first_name="Ben", birth_date=birthday(12))
        adopt(guardian=guardian_anna, child=person)
    if not kind.essential:
        assert kind.purpose is not None
        record_choices(
            person=guardian_anna, choices={kind.purpose: True}, actor=guardian_anna, channel="api"
        )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind=kind.code,
            person=person,
            actor=SEED,
            context={**context, **kind.example},
            address=guardian_anna.email,
        )

    received = smtp_server.wait_for(guardian_anna.email)
    if kind.essential:
        assert received["List-Unsubscribe"] is None
        assert received["List-Unsubscribe-Post"] is None
    else:
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received["List-Unsubscribe"].startswith("<")


def test_review_invitations_are_ours_in_the_register_on_the_page_and_in_the_log(
    client, guardian_anna, smtp_server, django_capture_on_commit_callbacks
):
    invitation = kinds.get("mailings.review_invitation")
    record_choices(
        person=guardian_anna, choices={"reviews": True}, actor=guardian_anna, channel="api"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=invitation.code, person=guardian_anna, actor=SEED, context=invitation.example)
    smtp_server.wait_for(guardian_anna.email)

    # What the code did: our email provider carried it; no one else received anything.
    reached = set(
        Disclosure.objects.filter(person=guardian_anna, purpose="reviews").values_list(
            "recipient", flat=True
        )
    )
    assert reached == {"email_provider"}
    # What the register says: outside our services and our hosting, only those the code used.
    outside = {
        r.code
        for r in register.recipients_of("reviews")
        if r.kind not in OURS and r.code not in HOSTING
    }
    assert outside == reached
    assert "review_partner" not in {k.value for k in RecipientKind}

    # What the charter page says, for the purpose "reviews".
    page = html.unescape(client.get(CHARTER).content.decode())
    purpose = register.PURPOSE_BY_CODE["reviews"]
    section = page[page.index(str(purpose.description)) :]
    section = section[: section.index("</div>")]
    listed = section[section.index("Destinataires :") :]
    for code in outside:
        assert str(register.RECIPIENT_BY_CODE[code].name) in listed
    assert "partenaire" not in listed.lower()
    assert "nous-mêmes" in str(purpose.description)
