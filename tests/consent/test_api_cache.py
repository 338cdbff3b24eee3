"""The consent API answers from the cache, and nothing it caches outlives what it depends on.

A read costs one round trip to the cache (the service's key, the request counted against the
rate, the person's answer and the tokens it was made under together) and no query. A revoked key is refused from the moment the revocation commits, in every process; a
material change of the charter stops a cached consent to a widened purpose at once.
"""

import hashlib
import secrets
from io import StringIO

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from charte.consent.models import ApiClient
from charte.consent.queries import charter_changing, forget_state, material_changes
from charte.core import ratelimit
from charte.core.actors import person_ref
from charte.privacy import register
from tests.conftest import journal
from tests.consent import helpers
from tests.consent.helpers import TUTOR, holds, read

pytestmark = pytest.mark.django_db


def give_newsletter(client, key, person, capture):
    with capture(execute=True):
        helpers.give_newsletter(client, key, person)


def test_a_cached_read_makes_no_query(client, key, guardian_anna):
    forget_state(person_ref(guardian_anna))  # her sign-up's consents, as once committed
    assert read(client, key, guardian_anna).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        response = read(client, key, guardian_anna)

    assert response.status_code == 200
    # Neither the key, nor the person's account and consents, nor the charter.
    assert len(queries) == 0, "\n".join(q["sql"] for q in queries)


def test_a_write_reads_one_record_by_index_and_the_account_from_the_cache(
    client, key, guardian_anna
):
    """A service's choice reads the newest record of that purpose only (one row by index,
    whatever the length of their history), the text once at most; the person's account comes
    from the cache, with the service's key, once read."""
    helpers.give_newsletter(client, key, guardian_anna)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/consent/subjects/{guardian_anna.public_id}",
            {"purpose": "newsletter", "given": False},
            content_type="application/json",
            headers=helpers.auth(key),
        )

    assert response.status_code == 201, response.content
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and "audit_" not in q["sql"] and "journal" not in q["sql"]
    ]
    assert len(reads) == 1, "\n".join(reads)
    [records] = reads
    assert '"consent_consentrecord"' in records
    assert "GROUP BY" not in records
    assert "LIMIT 1" in records
    assert not any('"accounts_user"' in q["sql"] for q in queries)
    assert holds(read(client, key, guardian_anna)) is False


def test_a_write_sees_at_once_an_account_changed_since_it_was_cached(
    client, key, guardian_anna, django_capture_on_commit_callbacks
):
    """The account a write reads from the cache goes with every change to it: made staff (a
    change of role), the person is no one the API may write for; erased, no one at all."""
    from charte.accounts.actions import change_role
    from charte.accounts.models import Role
    from charte.core.actors import SEED, Operator
    from charte.privacy.erasure import erase

    def withdraw() -> int:
        return client.post(
            f"/api/consent/subjects/{guardian_anna.public_id}",
            {"purpose": "newsletter", "given": False},
            content_type="application/json",
            headers=helpers.auth(key),
        ).status_code

    helpers.give_newsletter(client, key, guardian_anna)  # her account is cached now
    with django_capture_on_commit_callbacks(execute=True):
        change_role(user=guardian_anna, role=Role.DPO, actor=SEED)
    assert withdraw() == 404

    with django_capture_on_commit_callbacks(execute=True):
        change_role(user=guardian_anna, role=Role.PARENT, actor=SEED)
    assert withdraw() == 201
    with django_capture_on_commit_callbacks(execute=True):
        erase(people=[guardian_anna], actor=Operator("dpo"), reason="request")
    assert withdraw() == 404


def test_a_revoked_key_is_refused_at_once_though_it_was_cached(
    client, key, guardian_anna, django_capture_on_commit_callbacks
):
    assert read(client, key, guardian_anna).status_code == 200  # the key is in the cache now

    with django_capture_on_commit_callbacks(execute=True):
        call_command("consent_api_key", "newsletter-tool", "--revoke", stdout=StringIO())

    assert read(client, key, guardian_anna).status_code == 401
    client_row = ApiClient.objects.get(name="newsletter-tool")
    assert client_row.revoked_at is not None
    [entry] = journal("consent.api_client_revoked")
    assert entry.data == {"client": client_row.pk}


def test_revoking_an_unknown_service_says_so_and_changes_nothing(key):
    with pytest.raises(CommandError, match="Aucun service"):
        call_command("consent_api_key", "nobody", "--revoke", stdout=StringIO())

    assert not ApiClient.objects.filter(revoked_at__isnull=False).exists()
    assert journal("consent.api_client_revoked") == []


def test_a_key_that_matches_no_service_is_refused_and_not_kept(client, key, guardian_anna):
    stranger = "ck_" + secrets.token_urlsafe(32)

    assert read(client, stranger, guardian_anna).status_code == 401
    assert read(client, stranger, guardian_anna).status_code == 401
    digest = hashlib.sha256(stranger.encode()).hexdigest()
    assert not any(digest in k for k in cache._cache)  # type: ignore[attr-defined]


def test_a_material_change_stops_a_cached_consent_at_once(
    client, key, guardian_anna, monkeypatch, django_capture_on_commit_callbacks
):
    call_command("charter", "publish", stdout=StringIO())  # the version in force
    give_newsletter(client, key, guardian_anna, django_capture_on_commit_callbacks)
    assert holds(read(client, key, guardian_anna), "newsletter") is True  # cached now

    # The newsletter gets a new recipient: a material change that widens it.
    monkeypatch.setattr(register, "RECIPIENTS", (*register.RECIPIENTS, TUTOR))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("charter", "publish", stdout=StringIO())

    assert holds(read(client, key, guardian_anna), "newsletter") is False


def test_a_consent_points_at_the_version_published_just_before(
    client, key, guardian_anna, monkeypatch, django_capture_on_commit_callbacks
):
    call_command("charter", "publish", stdout=StringIO())
    assert read(client, key, guardian_anna).status_code == 200  # the version cached
    monkeypatch.setattr(register, "RECIPIENTS", (*register.RECIPIENTS, TUTOR))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("charter", "publish", stdout=StringIO())

    give_newsletter(client, key, guardian_anna, django_capture_on_commit_callbacks)

    [newsletter] = [
        c
        for c in read(client, key, guardian_anna).json()["consents"]
        if c["purpose"] == "newsletter"
    ]
    assert newsletter["charter_version"] == 2
    assert newsletter["holds"] is True


# The same guarantees on Redis, as in production: the key, the count and the answers travel in
# one pipeline there.


@pytest.fixture
def redis_cache(settings):
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.fail("Redis does not answer on 127.0.0.1:6379: start it (production runs on it).")
    settings.CACHES = {
        "default": {
            "BACKEND": "charte.core.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        }
    }
    yield
    redis.Redis.from_url(url).delete(
        *redis.Redis.from_url(url).keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*") or ["-"]
    )


def test_on_redis_the_rate_counts_and_a_revocation_holds_at_once(
    redis_cache, client, key, guardian_anna, settings, django_capture_on_commit_callbacks
):
    settings.CHARTE_CONSENT_API_RATE = "3/m"

    codes = [read(client, key, guardian_anna).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    settings.CHARTE_CONSENT_API_RATE = "100/m"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("consent_api_key", "newsletter-tool", "--revoke", stdout=StringIO())
    assert read(client, key, guardian_anna).status_code == 401


def test_on_redis_a_write_is_read_back_at_once(
    redis_cache, client, key, guardian_anna, django_capture_on_commit_callbacks
):
    assert holds(read(client, key, guardian_anna), "newsletter") is False  # cached now

    give_newsletter(client, key, guardian_anna, django_capture_on_commit_callbacks)

    assert holds(read(client, key, guardian_anna), "newsletter") is True


def test_on_redis_a_rate_limit_is_one_counter_with_its_expiry(redis_cache):
    refusals = [ratelimit.hit("test", key="someone", rate="2/m") is not None for _ in range(3)]

    assert refusals == [False, False, True]
    refusal, found = ratelimit.hit_and_read("test", key="someone", rate="2/m", read=["absent"])
    assert refusal is not None
    assert 1 <= refusal.retry_after <= 60
    assert found == {}


@pytest.mark.django_db(transaction=True)
def test_after_a_publication_rolled_back_the_next_transaction_reads_the_cache_again():
    """A rolled-back transaction runs no callback: what it marked as being written is forgotten
    with it, not carried into the next transaction of the same connection (as with
    ATOMIC_REQUESTS, where every request is one)."""
    cache.clear()
    with transaction.atomic():
        charter_changing()  # a version being published...
        transaction.set_rollback(True)  # ...that is not

    with transaction.atomic():
        material_changes()  # read once, and cached
        with CaptureQueriesContext(connection) as queries:
            material_changes()

    assert len(queries) == 0, "\n".join(q["sql"] for q in queries)


def test_on_redis_a_closed_account_and_an_erased_one_are_answered_at_once(
    redis_cache, client, key, guardian_anna, django_capture_on_commit_callbacks
):
    from charte.accounts.actions import set_active
    from charte.core.actors import SEED, Operator
    from charte.privacy.erasure import erase

    for _ in range(2):  # cached now
        assert holds(read(client, key, guardian_anna), "account") is True

    with django_capture_on_commit_callbacks(execute=True):
        set_active(person=guardian_anna, active=False, actor=SEED, reason="test")
    assert holds(read(client, key, guardian_anna), "account") is False

    with django_capture_on_commit_callbacks(execute=True):
        erase(people=[guardian_anna], actor=Operator("dpo"), reason="request")
    assert read(client, key, guardian_anna).status_code == 404
