"""X6: every non-essential kind of email carries one-click unsubscribe (RFC 8058), and the link
withdraws exactly the consent that kind rests on, by POST only.

Each kind is rendered with its example and sent through a real SMTP server on loopback; the
message is read as a mail client reads it. Kinds registered later are covered the day they are.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse

from charte.accounts.models import Role, User
from charte.consent.actions import record_choices
from charte.consent.models import ConsentRecord
from charte.consent.queries import consent_holds
from charte.consent.tokens import SALT, unsubscribe_token
from charte.core.actors import SEED, person_ref
from charte.notifications import kinds
from charte.notifications.actions import notify
from tests.conftest import birthday, client_for, journal
from tests.consent.helpers import adopt
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OPTIONAL = ("newsletter", "partner_offers", "reviews", "family_progress")
NON_ESSENTIAL = [k for k in kinds.all_kinds() if not k.essential]


def test_the_product_has_non_essential_kinds_to_check():
    assert {"mailings.newsletter", "mailings.review_invitation"} <= {k.code for k in NON_ESSENTIAL}


def given(person: User) -> set[str]:
    return {code for code in OPTIONAL if consent_holds(person, code)}


@pytest.mark.parametrize("kind", NON_ESSENTIAL, ids=lambda k: k.code)
def test_each_non_essential_kind_carries_the_headers_and_its_link_withdraws_that_consent(
    kind, client, guardian_anna, smtp_server, django_capture_on_commit_callbacks
):
    record_choices(
        person=guardian_anna,
        choices=dict.fromkeys(OPTIONAL, True),
        actor=guardian_anna,
        channel="privacy_centre",
    )
    about = guardian_anna
    if kind.guardian_news:  # news about Anna's child, for Anna who asked for it
        about = make_user(role=Role.PUPIL, first_name="Ben", birth_date=birthday(12))
        adopt(guardian=guardian_anna, child=about)
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=kind.code, person=about, actor=SEED, context=kind.example)

    received = smtp_server.wait_for(guardian_anna.email)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = re.fullmatch(r"<(https?://\S+)>", received["List-Unsubscribe"])
    assert found is not None
    url = found.group(1)
    assert url.startswith(settings.SITE_URL + "/desinscription/")
    assert url in received.get_content()  # visible in the body too
    path = urlsplit(url).path

    # A link scanner follows links with GET and HEAD: nothing changes.
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert given(guardian_anna) == set(OPTIONAL)

    response = client.post(path, "List-Unsubscribe=One-Click", content_type="text/plain")

    assert response.status_code == 200
    assert given(guardian_anna) == set(OPTIONAL) - {kind.purpose}  # exactly that one
    last = ConsentRecord.objects.filter(subject_ref=person_ref(guardian_anna)).last()
    assert last is not None
    assert (last.purpose, last.act, last.channel) == (kind.purpose, "withdrawn", "email_link")
    [entry] = journal("consent.withdrawn", about=guardian_anna)
    assert entry.data["purpose"] == kind.purpose
    assert entry.data["channel"] == "email_link"
    assert guardian_anna.is_active  # the account itself goes on


# Attacks on the link ---------------------------------------------------------------------------


@pytest.fixture
def anna_subscribed(guardian_anna):
    record_choices(
        person=guardian_anna,
        choices=dict.fromkeys(OPTIONAL, True),
        actor=guardian_anna,
        channel="privacy_centre",
    )
    return guardian_anna


def url_of(token: str) -> str:
    return reverse("consent:unsubscribe", args=[token])


def test_a_forged_or_altered_token_changes_nothing(client, anna_subscribed):
    real = unsubscribe_token(anna_subscribed, "newsletter")
    payload, _, signature = real.rpartition(":")
    forged = [
        "not-a-token",
        real[:-2] + ("AA" if not real.endswith("AA") else "BB"),  # a damaged signature
        signing.dumps({"p": anna_subscribed.public_id.hex, "c": "reviews"}, salt="other"),
        signing.dumps(
            {"p": anna_subscribed.public_id.hex, "c": "reviews"}, key="guessed-key", salt=SALT
        ),
        payload + ":" + signature.swapcase(),
    ]
    for token in forged:
        assert client.post(url_of(token)).status_code == 404, token
    assert given(anna_subscribed) == set(OPTIONAL)
    assert journal("consent.withdrawn") == []


def test_a_token_cannot_be_turned_to_another_purpose_or_person(client, anna_subscribed):
    """The purpose and the person are inside the signed value: changing either breaks it."""
    other = make_user(first_name="Bob", email="bob@famille.test")
    record_choices(person=other, choices={"newsletter": True}, actor=other, channel="api")
    token = unsubscribe_token(anna_subscribed, "newsletter")
    value = signing.loads(token, salt=SALT)
    tampered = token.replace(
        signing.b64_encode(signing.JSONSerializer().dumps(value)).decode(),
        signing.b64_encode(
            signing.JSONSerializer().dumps({**value, "p": other.public_id.hex})
        ).decode(),
    )

    assert client.post(url_of(tampered)).status_code == 404
    assert consent_holds(other, "newsletter")
    assert given(anna_subscribed) == set(OPTIONAL)


def test_a_signed_in_person_posting_someone_elses_link_withdraws_only_that_persons_consent(
    anna_subscribed,
):
    """The link is the mailbox holder's: it names whom it concerns, never the one who posts."""
    bob = make_user(first_name="Bob", email="bob@famille.test")
    record_choices(person=bob, choices={"newsletter": True}, actor=bob, channel="api")

    client_for(bob).post(url_of(unsubscribe_token(anna_subscribed, "newsletter")))

    assert consent_holds(bob, "newsletter")
    assert not consent_holds(anna_subscribed, "newsletter")


def test_a_link_cannot_withdraw_what_the_account_needs(client, anna_subscribed):
    """A token for the account's own purpose (minted by nobody but ourselves) closes nothing."""
    response = client.post(url_of(unsubscribe_token(anna_subscribed, "account")))

    assert response.status_code == 400
    anna_subscribed.refresh_from_db()
    assert anna_subscribed.is_active
    assert consent_holds(anna_subscribed, "account")


def test_the_link_of_an_erased_account_is_simply_not_valid(client, anna_subscribed):
    token = unsubscribe_token(anna_subscribed, "newsletter")
    anna_subscribed.delete()

    assert client.post(url_of(token)).status_code == 404


def test_a_second_post_changes_nothing_more(client, anna_subscribed):
    path = url_of(unsubscribe_token(anna_subscribed, "newsletter"))

    client.post(path)
    again = client.post(path)

    assert again.status_code == 200
    assert len(journal("consent.withdrawn")) == 1
