import pytest
from django.core import mail

from charte.accounts import actions as accounts
from charte.accounts.models import Role
from charte.core import notices
from charte.core.actors import SEED
from charte.notifications import kinds
from charte.notifications.actions import notify
from charte.notifications.models import Message
from charte.notifications.tasks import retry_undelivered
from charte.privacy import processing
from tests.conftest import birthday, journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db

RESET = {"uid": "0" * 32, "token": "t-o-k-e-n"}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(actor=SEED, **kwargs)

    return send


def test_a_message_about_an_adult_goes_to_them_with_the_privacy_centre_link(send, guardian_anna):
    [message] = send(kind="accounts.password_reset", person=guardian_anna, context=RESET)

    [email] = mail.outbox
    assert email.to == ["anna@famille.test"]
    assert "/compte/mes-donnees/" in email.body
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert [e.data["kind"] for e in journal("notification.sent", about=guardian_anna)] == [
        "accounts.password_reset"
    ]


def test_a_message_about_a_child_goes_to_their_guardians_and_never_to_the_child(
    send, guardian_anna
):
    child = make_user(role=Role.PUPIL, email="enfant@eleve.test", birth_date=birthday(12))
    second = make_user(role=Role.PARENT, email="second@famille.test")
    for parent in (guardian_anna, second):
        accounts.propose_guardianship(child=child, guardian=parent, actor=parent)

    send(kind="accounts.password_reset", person=child, context=RESET)

    assert sorted(address for email in mail.outbox for address in email.to) == [
        "anna@famille.test",
        "second@famille.test",
    ]
    assert "responsable légal de" in mail.outbox[0].body
    assert all(e.data["via_guardian"] for e in journal("notification.queued", about=child))


def test_a_pending_guardian_is_not_yet_reached(send, staff_david):
    child = make_user(role=Role.PUPIL, birth_date=birthday(12))
    pending = make_user(role=Role.PARENT)
    accounts.propose_guardianship(child=child, guardian=pending, actor=staff_david)

    assert send(kind="accounts.password_reset", person=child, context=RESET) == []

    assert mail.outbox == []
    assert len(journal("notification.unreachable", about=child)) == 1


def test_a_sixteen_year_old_is_reached_at_their_own_address(send, pupil_lea):
    send(kind="accounts.password_reset", person=pupil_lea, context=RESET)

    assert [email.to for email in mail.outbox] == [["lea@eleve.test"]]


def test_the_message_is_written_in_the_recipients_language(send, guardian_anna):
    guardian_anna.language = "en"
    guardian_anna.save(update_fields=["language"])

    send(kind="accounts.password_reset", person=guardian_anna, context=RESET)

    assert mail.outbox[0].subject == "Your new charte password"


def test_a_non_essential_message_needs_its_consent_and_none_is_assumed(
    send, guardian_anna, monkeypatch
):
    monkeypatch.setattr(notices, "_kinds", dict(notices._kinds))
    monkeypatch.setattr(processing, "_consent_source", [])
    monkeypatch.setitem(processing._checks, "consent", lambda person, purpose: None)
    kinds.register(
        kinds.Kind(
            code="test.news",
            label="Test",
            template="accounts/email/password_reset",
            essential=False,
            purpose="newsletter",
        )
    )

    assert send(kind="test.news", person=guardian_anna, context=RESET) == []

    processing.set_consent_source(lambda person, purpose: purpose == "newsletter")
    assert len(send(kind="test.news", person=guardian_anna, context=RESET)) == 1


def test_a_failed_delivery_is_retried_and_the_journal_says_so(
    send, guardian_anna, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down for anna@famille.test")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", broken)
        [message] = send(kind="accounts.password_reset", person=guardian_anna, context=RESET)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        "failed",
        1,
        "ConnectionRefusedError",
    )

    retry_undelivered.call()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert len(journal("notification.failed", about=guardian_anna)) == 1
