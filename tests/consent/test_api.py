import pytest

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.audit.models import Entry
from charte.consent.models import ApiClient, ConsentRecord
from charte.consent.queries import consent_holds, forget_state
from charte.core.actors import SEED, person_ref
from charte.privacy import register
from tests.consent.helpers import TUTOR, adopt, auth, text_digest

pytestmark = pytest.mark.django_db


def post_choice(client, key, url, choice):
    """A service's choice for a person, posted to the API as JSON with its key."""
    return client.post(url, choice, content_type="application/json", headers=auth(key))


def test_the_key_is_stored_only_as_a_digest(key):
    client = ApiClient.objects.get(name="newsletter-tool")
    assert key not in (client.key_sha256, client.key_prefix)
    assert len(client.key_sha256) == 64


def test_without_a_valid_key_nothing_is_read(client, guardian_anna):
    url = f"/api/consent/subjects/{guardian_anna.public_id}"

    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("ck_wrong")).status_code == 401


def test_a_service_reads_and_records_a_consent_with_the_text_shown(client, key, guardian_anna):
    url = f"/api/consent/subjects/{guardian_anna.public_id}"
    digest = text_digest(client, key, "newsletter")

    response = post_choice(
        client, key, url, {"purpose": "newsletter", "given": True, "text_sha256": digest}
    )

    assert response.status_code == 201
    assert consent_holds(guardian_anna, "newsletter") is True
    record = ConsentRecord.objects.get(subject_ref=person_ref(guardian_anna), purpose="newsletter")
    assert record.text is not None
    assert (record.channel, record.actor_ref, record.text.sha256) == (
        "api",
        "system:api:newsletter-tool",
        digest,
    )
    state = {c["purpose"]: c for c in client.get(url, headers=auth(key)).json()["consents"]}
    assert state["newsletter"]["holds"] is True
    assert state["account"]["holds"] is True
    assert state["partner_offers"]["holds"] is False


def test_a_consent_without_the_text_shown_or_for_the_account_itself_is_refused(
    client, key, guardian_anna
):
    url = f"/api/consent/subjects/{guardian_anna.public_id}"
    wrong_text = post_choice(
        client, key, url, {"purpose": "newsletter", "given": True, "text_sha256": "0" * 64}
    )
    account = post_choice(client, key, url, {"purpose": "account", "given": False})

    assert (wrong_text.status_code, account.status_code) == (400, 400)
    assert consent_holds(guardian_anna, "newsletter") is False
    assert consent_holds(guardian_anna, "account") is True


def test_a_text_that_the_register_changed_must_be_read_again(
    client, key, guardian_anna, monkeypatch
):
    """The texts are made once per process, for the register they were made from: a new
    recipient of the newsletter changes its text at once, and a consent to the old one is
    refused."""
    url = f"/api/consent/subjects/{guardian_anna.public_id}"
    before = text_digest(client, key, "newsletter")
    monkeypatch.setattr(register, "RECIPIENTS", (*register.RECIPIENTS, TUTOR))
    after = text_digest(client, key, "newsletter")

    stale = post_choice(
        client, key, url, {"purpose": "newsletter", "given": True, "text_sha256": before}
    )
    assert stale.status_code == 400
    assert "vient de changer" in stale.json()["detail"]
    assert consent_holds(guardian_anna, "newsletter") is False

    fresh = post_choice(
        client, key, url, {"purpose": "newsletter", "given": True, "text_sha256": after}
    )
    assert fresh.status_code == 201
    record = ConsentRecord.objects.get(subject_ref=person_ref(guardian_anna), purpose="newsletter")
    assert record.text is not None
    assert "Un partenaire de soutien scolaire" in record.text.body
    assert after != before


def test_nobody_consents_for_a_child_through_the_api(client, key, guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)

    response = post_choice(
        client,
        key,
        f"/api/consent/subjects/{child_ben.public_id}",
        {"purpose": "coach", "given": False},
    )

    assert response.status_code == 400
    assert consent_holds(child_ben, "account") is True


def test_an_unknown_person_is_not_found(client, key):
    response = client.get(
        "/api/consent/subjects/00000000-0000-4000-8000-000000000000", headers=auth(key)
    )
    assert response.status_code == 404


def test_a_service_cannot_record_a_consent_for_staff_or_for_nobody(client, key, guardian_anna):
    """A staff member is not a subject of the API (their consents are not a service's to
    change), nor is an identifier that names nobody: 404, and nothing recorded or journalled."""
    accounts.change_role(user=guardian_anna, role=Role.MARKETING, actor=SEED)
    assert User.objects.get(pk=guardian_anna.pk).is_staff is True
    before = ConsentRecord.objects.count()
    entries = Entry.objects.count()

    for subject in (guardian_anna.public_id, "00000000-0000-4000-8000-000000000000"):
        response = post_choice(
            client,
            key,
            f"/api/consent/subjects/{subject}",
            {"purpose": "newsletter", "given": False},
        )
        assert response.status_code == 404, subject

    assert ConsentRecord.objects.count() == before
    assert Entry.objects.count() == entries


def test_each_service_is_rate_limited(client, key, guardian_anna, settings):
    settings.CHARTE_CONSENT_API_RATE = "3/m"
    url = f"/api/consent/subjects/{guardian_anna.public_id}"

    codes = [client.get(url, headers=auth(key)).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_the_api_is_documented_with_its_authentication(client, db):
    document = client.get("/api/openapi.json").json()

    assert "/api/consent/subjects/{public_id}" in document["paths"]
    operation = document["paths"]["/api/consent/subjects/{public_id}"]["post"]
    assert operation["security"] == [{"ServiceKey": []}]
    assert document["components"]["securitySchemes"]["ServiceKey"]["scheme"] == "bearer"


def test_a_read_is_served_from_the_cache_and_every_write_replaces_it(
    client, key, guardian_anna, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The answer comes from the cache, and a write is read back at once by every process."""
    url = f"/api/consent/subjects/{guardian_anna.public_id}"
    digest = text_digest(client, key, "newsletter")

    def newsletter() -> bool:
        consents = client.get(url, headers=auth(key)).json()["consents"]
        return next(c["holds"] for c in consents if c["purpose"] == "newsletter")

    forget_state(person_ref(guardian_anna))  # her sign-up's consents, as once committed
    assert newsletter() is False
    with django_assert_max_num_queries(2):  # the service's key and the person, not consents
        assert newsletter() is False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_choice(
            client, key, url, {"purpose": "newsletter", "given": True, "text_sha256": digest}
        )
    assert response.status_code == 201
    assert len(callbacks) >= 1
    assert newsletter() is True
    # Another process that cached the old state keeps nothing: the version it used is gone.
    with django_capture_on_commit_callbacks(execute=True):
        post_choice(client, key, url, {"purpose": "newsletter", "given": False})
    assert newsletter() is False
    assert consent_holds(guardian_anna, "newsletter") is False


def test_a_write_that_rolls_back_leaves_the_cached_answer_right(guardian_anna):
    from django.db import transaction

    from charte.consent.actions import record_choices
    from charte.consent.queries import consent_state

    assert "newsletter" not in consent_state(guardian_anna)
    try:
        with transaction.atomic():
            record_choices(
                person=guardian_anna,
                choices={"newsletter": True},
                actor=guardian_anna,
                channel="privacy_centre",
            )
            assert consent_state(guardian_anna)["newsletter"].act == "given"
            raise RuntimeError
    except RuntimeError:
        pass

    assert "newsletter" not in consent_state(guardian_anna)
