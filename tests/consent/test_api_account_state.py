"""The consent API reads a person's account from the cache: every change to the account replaces
it at once, whichever way the change is written.

A cached read makes no query at all: the account's state (does it exist, is it open, which role)
is kept with the person's consents, under the person's token. Each test caches Anna's answer
(her newsletter consent holds), changes her account by one route, and reads again: a closed
account's consent no longer holds, an erased or staff account is not found, from the moment
the change commits. A change rolled back changes nothing.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.consent import actions as consent
from charte.consent.models import ConsentRecord
from charte.core.actors import SEED, Operator, person_ref
from charte.privacy import erasure
from charte.subject_requests.models import Relation, SubjectRequest
from tests.conftest import journal
from tests.consent.helpers import give_newsletter, holds, read
from tests.subject_requests.helpers import file_online, verify_and_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna_cached(client, key, guardian_anna, django_capture_on_commit_callbacks):
    """Anna gave the newsletter through the API; her answer is in the cache."""
    with django_capture_on_commit_callbacks(execute=True):
        give_newsletter(client, key, guardian_anna)
    assert holds(read(client, key, guardian_anna)) is True
    with CaptureQueriesContext(connection) as queries:
        assert holds(read(client, key, guardian_anna)) is True
    assert len(queries) == 0, "\n".join(q["sql"] for q in queries)  # from the cache alone
    return guardian_anna


def test_a_cached_read_makes_no_query_and_answers_as_the_database(client, key, anna_cached):
    with CaptureQueriesContext(connection) as queries:
        cached = read(client, key, anna_cached).json()
    assert len(queries) == 0, "\n".join(q["sql"] for q in queries)

    cache.clear()
    assert read(client, key, anna_cached).json() == cached
    newsletter = next(c for c in cached["consents"] if c["purpose"] == "newsletter")
    record = ConsentRecord.objects.filter(
        subject_ref=person_ref(anna_cached), purpose="newsletter"
    ).latest("id")
    assert (record.act, record.channel) == ("given", "api")
    assert (newsletter["act"], newsletter["channel"]) == (record.act, record.channel)


def test_an_account_closed_by_its_action_stops_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accounts.set_active(person=anna_cached, active=False, actor=SEED, reason="test")

    assert holds(read(client, key, anna_cached)) is False
    assert User.objects.get(pk=anna_cached.pk).is_active is False
    [entry] = journal("account.deactivated")
    assert entry.data == {"reason": "test"}


def test_an_account_closed_by_a_queryset_update_stops_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = User.objects.filter(email=anna_cached.email).update(is_active=False)

    assert done == 1
    assert holds(read(client, key, anna_cached)) is False


def test_an_account_closed_by_a_bulk_update_stops_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    anna_cached.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.bulk_update([anna_cached], ["is_active"])

    assert holds(read(client, key, anna_cached)) is False


def test_a_recorded_death_stops_the_consents_at_once(
    client, key, anna_cached, cs_farid, dpo_elise, django_capture_on_commit_callbacks
):
    """The death notice closes the account with a queryset update (`after_death`), not save()."""
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            client,
            relation=Relation.HEIR,
            name="Paule Martin",
            email="paule@famille.test",
            asks=[],
        )
        verify_and_approve(cs_farid, dpo_elise, SubjectRequest.objects.get(kind="death_notice"))

    anna = User.objects.get(pk=anna_cached.pk)
    assert (anna.is_active, anna.deceased_at is not None) == (False, True)
    assert holds(read(client, key, anna)) is False


def test_an_erased_account_is_not_found_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    """Through the erasure engine, which deletes accounts with a plain DELETE."""
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(people=[anna_cached], actor=Operator("dpo"), reason="request")

    assert not User.objects.filter(pk=anna_cached.pk).exists()
    assert read(client, key, anna_cached).status_code == 404


def test_an_account_deleted_one_way_or_another_is_not_found_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consent.erase_account(person=anna_cached, actor=SEED, reason="test")
    assert read(client, key, anna_cached).status_code == 404


def test_a_queryset_delete_is_not_found_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=anna_cached.pk).delete()
    assert read(client, key, anna_cached).status_code == 404


def test_an_account_made_staff_is_not_found_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accounts.change_role(user=anna_cached, role=Role.MARKETING, actor=SEED)

    assert read(client, key, anna_cached).status_code == 404
    assert User.objects.get(pk=anna_cached.pk).is_staff is True


def test_another_role_answers_with_its_own_purposes_at_once(
    client, key, anna_cached, django_capture_on_commit_callbacks
):
    before = {c["purpose"] for c in read(client, key, anna_cached).json()["consents"]}
    with django_capture_on_commit_callbacks(execute=True):
        accounts.change_role(user=anna_cached, role=Role.TEACHER, actor=SEED)

    after = {c["purpose"] for c in read(client, key, anna_cached).json()["consents"]}
    assert "family_progress" in before
    assert "family_progress" not in after


@pytest.mark.django_db(transaction=True)
def test_a_closing_rolled_back_changes_nothing(client, guardian_anna):
    cache.clear()
    out = StringIO()
    call_command("consent_api_key", "newsletter-tool", stdout=out)
    key = out.getvalue().split()[-1]
    for _ in range(2):  # the first read makes the tokens, the second keeps the answer
        assert holds(read(client, key, guardian_anna), "account") is True

    with transaction.atomic():
        User.objects.filter(pk=guardian_anna.pk).update(is_active=False)
        transaction.set_rollback(True)

    with CaptureQueriesContext(connection) as queries:
        assert holds(read(client, key, guardian_anna), "account") is True
    assert len(queries) == 0, "\n".join(q["sql"] for q in queries)
    with transaction.atomic():
        User.objects.filter(pk=guardian_anna.pk).update(is_active=False)
    assert holds(read(client, key, guardian_anna), "account") is False
