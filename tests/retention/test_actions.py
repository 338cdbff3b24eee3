"""Renewals, legal holds and the notices before expiry, as other apps and the nightly job use."""

from datetime import date, timedelta

import pytest
from django.core import mail

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.core.actors import RETENTION, SEED
from charte.core.errors import ActionError, Conflict
from charte.notifications.models import Message
from charte.retention import actions, tokens
from charte.retention.models import AppendOnlyError, ExpiryNotice, LegalHold, Renewal
from tests.conftest import journal
from tests.retention.helpers import account_created, noon

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(guardian_anna, child_ben):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    return guardian_anna, child_ben


def test_a_subscription_renews_and_the_journal_says_so(guardian_anna):
    renewal = actions.renew(
        person=guardian_anna, source="subscription", actor=SEED, today=date(2026, 3, 1)
    )

    assert renewal.kept_until == date(2027, 11, 30)
    [entry] = journal("retention.renewed", about=guardian_anna)
    assert entry.data == {
        "renewal": str(renewal.public_id),
        "source": "subscription",
        "kept_until": "2027-11-30",
    }


def test_renewing_twice_for_the_same_year_records_it_once(guardian_anna):
    first = actions.renew(person=guardian_anna, source="person", actor=guardian_anna)
    again = actions.renew(person=guardian_anna, source="person", actor=guardian_anna)

    assert first == again
    assert Renewal.objects.count() == 1
    assert len(journal("retention.renewed")) == 1


def test_only_the_person_a_confirmed_guardian_or_a_teacher_may_renew(
    family, teacher_chloe, staff_david
):
    anna, ben = family
    with pytest.raises(ActionError):
        actions.renew(person=ben, source="person", actor=anna)
    with pytest.raises(ActionError):
        actions.renew(person=ben, source="guardian", actor=staff_david)
    with pytest.raises(ActionError):
        actions.renew(person=ben, source="class", actor=anna)
    with pytest.raises(ActionError, match="Origine"):
        actions.renew(person=ben, source="forever", actor=anna)

    actions.renew(person=ben, source="guardian", actor=anna)
    actions.renew(person=ben, source="class", actor=teacher_chloe)
    assert Renewal.objects.filter(person=ben).count() == 2


def test_staff_accounts_cannot_be_renewed(dpo_elise):
    with pytest.raises(ActionError):
        actions.renew(person=dpo_elise, source="person", actor=dpo_elise)


def test_renewals_are_written_once(guardian_anna):
    renewal = actions.renew(person=guardian_anna, source="person", actor=guardian_anna)

    with pytest.raises(AppendOnlyError):
        Renewal.objects.filter(pk=renewal.pk).update(kept_until=date(2099, 1, 1))
    with pytest.raises(AppendOnlyError):
        renewal.save()


def test_a_hold_names_a_person_or_an_object_and_is_journalled(dpo_elise, guardian_anna):
    hold = actions.place_hold(
        actor=dpo_elise, person=guardian_anna, reason="pending_request", reference="DEM-1"
    )

    [entry] = journal("retention.hold_placed", about=guardian_anna)
    assert entry.data["reason"] == "pending_request"
    assert "DEM-1" not in str(entry.data)
    with pytest.raises(ActionError):
        actions.place_hold(actor=dpo_elise, reason="litigation")
    with pytest.raises(ActionError):
        actions.place_hold(
            actor=dpo_elise, reason="litigation", model_label="accounts.User", object_id="nope"
        )
    with pytest.raises(ActionError):
        actions.place_hold(
            actor=dpo_elise, reason="litigation", model_label="nothing.Here", object_id="x"
        )

    actions.lift_hold(hold=hold, actor=dpo_elise)
    assert LegalHold.objects.get(pk=hold.pk).lifted_by_ref == f"user:{dpo_elise.public_id}"
    with pytest.raises(Conflict):
        actions.lift_hold(hold=hold, actor=dpo_elise)


def test_a_child_s_notice_goes_to_their_guardian_with_a_one_click_link(
    family, django_capture_on_commit_callbacks
):
    anna, ben = family
    today = date(2026, 11, 5)
    User.objects.filter(pk=ben.pk).update(created_at=noon(date(2026, 3, 1)))

    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.send_expiry_notices(today=today, actor=RETENTION)

    assert sent == 1
    [message] = Message.objects.filter(about=ben)
    assert message.recipient == anna
    [email] = mail.outbox
    assert email.to == [anna.email]
    assert "Ben" in email.subject
    link = next(line for line in email.body.splitlines() if "/conservation/renouveler/" in line)
    token = link.rsplit("/conservation/renouveler/", 1)[1].strip("/")
    content = tokens.read_renewal_token(token)
    assert content is not None
    assert content.person == str(ben.public_id)
    assert content.recipient == str(anna.public_id)
    assert content.kept_until == date(2026, 11, 30)


def test_notices_are_sent_once_per_expiry_and_not_for_held_or_distant_accounts(dpo_elise):
    today = date(2026, 11, 5)
    soon = account_created(date(2026, 3, 1))
    later = account_created(date(2026, 9, 15))
    held = account_created(date(2026, 3, 1))
    actions.place_hold(actor=dpo_elise, person=held, reason="litigation")

    assert actions.send_expiry_notices(today=today, actor=RETENTION) == 1
    assert actions.send_expiry_notices(today=today + timedelta(days=1), actor=RETENTION) == 0
    assert list(ExpiryNotice.objects.values_list("person", flat=True)) == [soon.pk]
    assert later.pk != soon.pk


def test_a_pupil_old_enough_is_told_themself(pupil_lea):
    User.objects.filter(pk=pupil_lea.pk).update(created_at=noon(date(2026, 3, 1)))

    actions.send_expiry_notices(today=date(2026, 11, 20), actor=RETENTION)

    [message] = Message.objects.filter(about=pupil_lea)
    assert message.recipient == pupil_lea
    assert pupil_lea.role == Role.PUPIL


@pytest.mark.parametrize("as_query", [True, False])
def test_erasing_whoever_placed_a_hold_keeps_it_without_their_reference(
    dpo_elise, guardian_anna, as_query
):
    from charte.privacy import erasure

    hold = actions.place_hold(actor=dpo_elise, person=guardian_anna, reason="litigation")
    people = User.objects.filter(pk=dpo_elise.pk) if as_query else [dpo_elise]

    erasure.erase(people=people, actor=SEED, reason="request")

    hold.refresh_from_db()
    assert hold.placed_by_ref == "user:erased"
    assert hold.person == guardian_anna
