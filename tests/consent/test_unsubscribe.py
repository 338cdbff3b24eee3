"""One-click unsubscribe (RFC 8058), through a real SMTP server on loopback."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from charte.consent.actions import record_choices
from charte.consent.models import ConsentRecord
from charte.consent.queries import consent_holds
from charte.core import notices
from charte.core.actors import SEED, person_ref
from charte.notifications import kinds
from charte.notifications.actions import notify
from tests.conftest import journal

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_kind(monkeypatch):
    """A non-essential kind, as the marketing service would register one."""
    monkeypatch.setattr(notices, "_kinds", dict(notices._kinds))
    kinds.register(
        kinds.Kind(
            code="test.newsletter",
            label="Test",
            template="accounts/email/password_reset",
            essential=False,
            purpose="newsletter",
        )
    )
    return "test.newsletter"


def send_news(kind, person, capture):
    with capture(execute=True):
        return notify(kind=kind, person=person, actor=SEED, context={"uid": "0", "token": "t"})


def test_a_received_newsletter_unsubscribes_in_one_post_without_signing_in(
    client, guardian_anna, news_kind, smtp_server, django_capture_on_commit_callbacks
):
    record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="signup"
    )
    send_news(news_kind, guardian_anna, django_capture_on_commit_callbacks)

    received = smtp_server.wait_for("anna@famille.test")
    header = received["List-Unsubscribe"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = re.fullmatch(r"<(\S+)>", header)
    assert found is not None
    url = found.group(1)
    assert url.startswith(settings.SITE_URL + "/desinscription/")
    assert url in received.get_content()  # the same link, readable in the body
    path = urlsplit(url).path

    page = client.get(path)
    assert page.status_code == 200
    assert "Me désinscrire" in page.content.decode()
    assert consent_holds(guardian_anna, "newsletter") is True  # GET changes nothing

    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "votre consentement est retiré" in response.content.decode()
    assert consent_holds(guardian_anna, "newsletter") is False
    last = ConsentRecord.objects.filter(subject_ref=person_ref(guardian_anna)).last()
    assert last is not None
    assert (last.purpose, last.act, last.channel) == ("newsletter", "withdrawn", "email_link")
    [entry] = journal("consent.withdrawn", about=guardian_anna)
    assert entry.data["channel"] == "email_link"

    assert send_news(news_kind, guardian_anna, django_capture_on_commit_callbacks) == []


def test_an_essential_email_has_no_unsubscribe_header(
    guardian_anna, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="accounts.password_reset",
            person=guardian_anna,
            actor=SEED,
            context={"uid": "0", "token": "t"},
        )

    received = smtp_server.wait_for("anna@famille.test")
    assert received["List-Unsubscribe"] is None
    assert "/compte/mes-donnees/" in received.get_content()


def test_a_forged_link_changes_nothing(client, guardian_anna):
    record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="signup"
    )

    response = client.post("/desinscription/not-a-token/")

    assert response.status_code == 404
    assert consent_holds(guardian_anna, "newsletter") is True
