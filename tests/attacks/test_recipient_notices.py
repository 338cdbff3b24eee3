"""Abuse of the notices to recipients (GDPR art. 19): their links, callbacks and decisions.

A notice is closed by a signed link alone (no account): forged, replayed or borrowed from
another notice, it answers "not found" and changes nothing; opening it never confirms it; only
the DPO sets one aside, and a notice never leaves for an address that is not https.
"""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import Role
from charte.audit.models import Entry
from charte.privacy.register import Category
from charte.recipients import notices
from charte.recipients.actions import share_with
from charte.recipients.models import Notice
from tests.conftest import client_for
from tests.factories import make_user


def notice_for(person, actor, capture, *, recipient="debt_collector") -> Notice:
    """`person`'s data went to a recipient told by email; the request is executed."""
    share_with(
        recipient=recipient,
        person=person,
        categories=[Category.IDENTITY],
        purpose="debt_collection",
        actor=actor,
    )
    with capture(execute=True):
        (notice,) = notices.tell_recipients(
            person=person, kind="erase", reference=str(uuid.uuid4()), actor=actor
        )
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT
    return notice


def link(notice: Notice, token: str | None = None) -> str:
    return reverse("recipients:notice", args=[notice.public_id, token or notices.token(notice)])


def callback(notice: Notice, token: str | None = None) -> str:
    return reverse(
        "recipients:notice_callback", args=[notice.public_id, token or notices.token(notice)]
    )


def confirmations() -> int:
    return Entry.objects.filter(event="recipients.notice_confirmed").count()


@pytest.fixture
def two_notices(guardian_anna, dpo_elise, django_capture_on_commit_callbacks):
    other = make_user(role=Role.PARENT, first_name="Omar", last_name="Roux", email="omar@x.test")
    mine = notice_for(guardian_anna, dpo_elise, django_capture_on_commit_callbacks)
    theirs = notice_for(other, dpo_elise, django_capture_on_commit_callbacks)
    return mine, theirs


def test_a_forged_link_is_not_found_and_changes_nothing(two_notices):
    mine, _ = two_notices
    client = Client()
    real = notices.token(mine)
    altered = real[:-1] + ("1" if real.endswith("0") else "0")  # one character off, never equal
    for token in ("0" * 64, "forged", altered, real.upper()):
        assert client.get(link(mine, token)).status_code == 404
        assert client.post(link(mine, token)).status_code == 404
        assert client.post(callback(mine, token)).status_code == 404
    # A notice that does not exist answers the same.
    missing = reverse("recipients:notice", args=[uuid.uuid4(), notices.token(mine)])
    assert client.get(missing).status_code == 404
    mine.refresh_from_db()
    assert mine.state == Notice.State.SENT
    assert confirmations() == 0


def test_another_notices_link_does_not_open_this_one(two_notices):
    mine, theirs = two_notices
    client = Client()
    borrowed = notices.token(theirs)
    assert client.get(link(mine, borrowed)).status_code == 404
    assert client.post(link(mine, borrowed)).status_code == 404
    assert client.post(callback(mine, borrowed)).status_code == 404
    assert Notice.objects.filter(state=Notice.State.CONFIRMED).count() == 0


def test_a_used_link_cannot_be_replayed(two_notices):
    mine, theirs = two_notices
    client = Client()
    url, api = link(mine), callback(mine)
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 404
    assert client.post(api).status_code == 404
    page = client.get(url)
    assert page.status_code == 404
    assert "plus valable" in page.content.decode()
    mine.refresh_from_db()
    assert (mine.state, mine.confirmed_via) == (Notice.State.CONFIRMED, "email")
    assert confirmations() == 1
    theirs.refresh_from_db()
    assert theirs.state == Notice.State.SENT


def test_opening_the_link_never_confirms_and_shows_no_one(two_notices, guardian_anna):
    mine, _ = two_notices
    page = Client().get(link(mine))
    assert page.status_code == 200
    text = page.content.decode()
    assert str(mine.disclosures[0]) in text
    assert guardian_anna.first_name not in text
    assert guardian_anna.email not in text
    mine.refresh_from_db()
    assert mine.state == Notice.State.SENT
    assert Client().get(callback(mine)).status_code == 405  # the API confirms by POST only


def test_only_the_dpo_sets_an_overdue_notice_aside(two_notices, guardian_anna, dpo_elise, cs_farid):
    mine, _ = two_notices
    url = reverse("recipients:waive_notice", args=[mine.public_id])
    # Not overdue yet: even the DPO cannot answer the person without it.
    client_for(dpo_elise).post(url, {"reason": "Relancé"})
    mine.refresh_from_db()
    assert mine.waived_at is None
    Notice.objects.filter(pk=mine.pk).update(state=Notice.State.OVERDUE, due_at=timezone.now())
    for someone in (guardian_anna, cs_farid):
        assert client_for(someone).post(url, {"reason": "Moi"}).status_code == 404
    assert Client().post(url, {"reason": "Moi"}).status_code == 302  # to sign in
    mine.refresh_from_db()
    assert mine.waived_at is None
    assert not Entry.objects.filter(event="recipients.notice_waived").exists()


def test_a_notice_never_leaves_for_a_plain_http_address(
    guardian_anna, dpo_elise, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("RECIPIENT_EMAIL_PROVIDER_NOTICE_URL", "http://notices.example/erase")
    share_with(
        recipient="email_provider",
        person=guardian_anna,
        categories=[Category.CONTACT],
        purpose="account",
        actor=dpo_elise,
    )
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notices.tell_recipients(
            person=guardian_anna, kind="erase", reference=str(uuid.uuid4()), actor=dpo_elise
        )
    notice.refresh_from_db()
    assert notice.state == Notice.State.QUEUED
    assert "https://" in notice.last_error
    assert notice.via == "api"
