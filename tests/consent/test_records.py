import pytest
from django.core import mail

from charte.accounts.models import Role
from charte.consent.actions import record_choices, withdraw
from charte.consent.models import AppendOnlyError, ConsentRecord
from charte.consent.queries import consent_holds
from charte.core import notices
from charte.core.actors import SEED, person_ref
from charte.core.errors import ActionError
from charte.notifications import kinds
from charte.notifications.actions import notify
from tests.conftest import birthday, journal
from tests.consent.helpers import adopt
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_consent_holds_follows_the_latest_record_and_stops_at_once(guardian_anna):
    assert consent_holds(guardian_anna, "newsletter") is False

    [given] = record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="api"
    )
    assert consent_holds(guardian_anna, "newsletter") is True
    assert given.text is not None
    assert len(given.text.sha256) == 64
    assert given.text.body.startswith("Notre lettre d'information")

    [withdrawn] = withdraw(
        person=guardian_anna, purpose="newsletter", actor=guardian_anna, channel="privacy_centre"
    )
    assert consent_holds(guardian_anna, "newsletter") is False
    assert (withdrawn.act, withdrawn.channel) == ("withdrawn", "privacy_centre")
    assert [e.data["purpose"] for e in journal("consent.withdrawn", about=guardian_anna)] == [
        "newsletter"
    ]


def test_records_are_a_proof_that_cannot_be_edited(guardian_anna):
    [record] = record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="api"
    )

    record.act = "withdrawn"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=record.pk).update(act="withdrawn")
    assert consent_holds(guardian_anna, "newsletter") is True


def test_giving_the_same_consent_twice_records_it_once(guardian_anna):
    for _ in range(2):
        record_choices(
            person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="api"
        )

    assert ConsentRecord.objects.filter(purpose="newsletter").count() == 1


def test_a_guardian_consents_for_a_child_who_cannot_consent_alone(guardian_anna, child_ben):
    with pytest.raises(ActionError):
        record_choices(person=child_ben, choices={"coach": True}, actor=child_ben, channel="api")
    stranger = make_user(role=Role.PARENT)
    with pytest.raises(ActionError):
        record_choices(person=child_ben, choices={"coach": True}, actor=stranger, channel="api")

    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))

    record = ConsentRecord.objects.filter(subject_ref=person_ref(child_ben), purpose="coach").get()
    assert record.on_behalf is True
    assert record.actor_ref == person_ref(guardian_anna)
    assert consent_holds(child_ben, "coach") is True


def test_a_child_is_never_offered_marketing(guardian_anna, child_ben):
    accounts_link = adopt  # the guardian is confirmed first
    accounts_link(guardian=guardian_anna, child=child_ben)

    with pytest.raises(ActionError):
        record_choices(
            person=child_ben, choices={"newsletter": True}, actor=guardian_anna, channel="family"
        )


def test_non_essential_messages_go_only_where_consent_holds(
    guardian_anna, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notices, "_kinds", dict(notices._kinds))
    kinds.register(
        kinds.Kind(
            code="test.news",
            label="Test",
            template="accounts/email/password_reset",
            essential=False,
            purpose="newsletter",
        )
    )
    context = {"uid": "0" * 32, "token": "t"}
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(kind="test.news", person=guardian_anna, actor=SEED, context=context) == []

    record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="api"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="test.news", person=guardian_anna, actor=SEED, context=context)

    [email] = mail.outbox
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/desinscription/" in email.body


def test_a_closed_account_holds_no_consent(guardian_anna):
    young = make_user(role=Role.PUPIL, birth_date=birthday(11))
    adopt(guardian=guardian_anna, child=young)
    assert consent_holds(young, "account") is True

    young.is_active = False

    assert consent_holds(young, "account") is False
