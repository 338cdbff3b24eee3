"""A reply to an address without an account: a visitor who asked to be answered."""

import pytest
from django.core import mail

from charte.core import notices
from charte.core.actors import SEED
from charte.notifications import kinds
from charte.notifications.actions import notify_address
from charte.notifications.models import Message
from tests.conftest import journal

pytestmark = pytest.mark.django_db

CONTEXT = {"answer": "C'est corrigé.", "message": "Erreur", "page": "/", "reported_at": None}


def test_the_reply_goes_to_the_address_in_the_language_asked(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify_address(
            kind="support.answer",
            email="visiteur@exemple.test",
            language="en",
            actor=SEED,
            context=CONTEXT,
        )

    [email] = mail.outbox
    assert email.to == ["visiteur@exemple.test"]
    assert email.subject == "Our answer to your error report"
    assert "/charte/" in email.body  # no account: the footer points to the charter
    message.refresh_from_db()
    assert (message.recipient, message.about, message.status) == (None, None, Message.Status.SENT)
    assert journal("notification.queued")[0].data["kind"] == "support.answer"


def test_a_message_that_needs_consent_never_goes_to_a_bare_address(monkeypatch):
    monkeypatch.setattr(notices, "_kinds", dict(notices._kinds))
    kinds.register(
        kinds.Kind(
            code="test.news",
            label="Test",
            template="support/email/answer",
            essential=False,
            purpose="newsletter",
        )
    )

    with pytest.raises(ValueError, match="consent"):
        notify_address(
            kind="test.news", email="a@b.test", language="fr", actor=SEED, context=CONTEXT
        )

    assert not Message.objects.exists()
