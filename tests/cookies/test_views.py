"""Making and changing a choice over HTTP, as the banner (JSON) and the no-script page do."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from charte.cookies import catalogue, categories, choices
from charte.cookies.choices import Choice, Consent
from charte.cookies.models import ConsentRecord, ProofChangedError
from charte.privacy.registry import registry
from tests.conftest import client_for, journal

pytestmark = pytest.mark.django_db

URL = reverse("cookies:preferences")
JSON = {"HTTP_ACCEPT": "application/json"}
EXEMPT = {t.name for c in categories.COOKIE_CATEGORIES if c.exempt for t in c.trackers}


def set_cookies(response) -> dict[str, str]:
    """Cookies the response sets (deletions left out), by name."""
    return {
        name: m.value
        for name, m in response.cookies.items()
        if str(m["max-age"]) != "0" and "1970" not in str(m["expires"])
    }


def consent_in(response) -> Consent:
    return choices.loads(response.cookies[categories.CONSENT_COOKIE].value)


def test_a_first_visit_sets_only_exempt_cookies_and_shows_the_banner(client):
    response = client.get("/")

    html = response.content.decode()
    assert set(set_cookies(response)) <= EXEMPT
    assert '<dialog id="cc" class="cc" aria-labelledby="cc-title" open>' in html
    assert 'type="text/plain" data-category="audience"' in html
    for label in ("Tout accepter", "Continuer sans accepter", "Personnaliser"):
        assert label in html


def test_refusing_records_the_proof_sets_no_tracker_and_hides_the_banner(client):
    response = client.post(URL, {"action": "refuse"}, HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 300)

    assert response.status_code == 302
    assert set(set_cookies(response)) - {"messages"} == {categories.CONSENT_COOKIE}
    record = ConsentRecord.objects.get()
    assert (record.action, record.method, record.categories) == ("refuse", "page", [])
    assert record.user is None
    assert len(record.user_agent) == 120
    assert record.texts_hash == catalogue.texts_hash("fr")
    assert len(record.texts_hash) == 64
    assert record.code_version == catalogue.code_version()
    assert consent_in(response).record_id == record.public_id
    [entry] = journal("cookies.choice_recorded")
    assert entry.actor_ref == "system:anonymous"
    assert entry.data["categories"] == []
    assert "open>" not in client.get("/").content.decode()


def test_accepting_all_through_the_banner_answers_the_new_state_and_the_tc_string(client):
    response = client.post(URL, {"action": "accept"}, **JSON)

    state = response.json()
    assert response.status_code == 200
    assert state["given"] is True
    wanted = {c.code for c in categories.COOKIE_CATEGORIES if not c.exempt}
    assert set(state["choice"]["categories"]) == wanted
    assert state["tcf"]["purpose"]["consents"] == {str(i): i != 11 for i in range(1, 12)}
    record = ConsentRecord.objects.get()
    assert record.method == "banner"
    assert response.cookies[categories.TCF_COOKIE].value == record.tc_string
    assert state["tcf"]["tcString"] == record.tc_string


def test_a_custom_choice_keeps_only_what_was_ticked(client):
    response = client.post(
        URL, {"action": "custom", "category": ["audience"], "purpose": ["8", "9"]}, **JSON
    )

    consent = consent_in(response)
    assert consent.choice.categories == {"audience", "journey"}
    assert consent.choice.purposes == {8, 9}
    assert consent.choice.features == set()
    assert consent.allows("audience")
    assert not consent.allows("advertising")


def test_a_category_switch_without_its_purposes_stands_for_all_of_them(client):
    response = client.post(URL, {"action": "custom", "category": ["advertising"]}, **JSON)

    assert consent_in(response).choice.purposes == {2, 3, 4, 7}


def test_changing_one_s_mind_keeps_the_browser_id_and_the_whole_history(client):
    client.post(URL, {"action": "accept"}, **JSON)
    first = ConsentRecord.objects.get()

    response = client.post(URL, {"action": "refuse"}, **JSON)

    records = list(ConsentRecord.objects.order_by("at", "id"))
    assert [r.action for r in records] == ["accept", "refuse"]
    assert {r.consent_id for r in records} == {first.consent_id}
    assert response.cookies[categories.TCF_COOKIE]["max-age"] == 0  # consent withdrawn: it goes
    page = client.get(URL).content.decode()
    assert "Tout accepté" in page
    assert "Tout refusé" in page


def test_global_privacy_control_keeps_advertising_and_social_networks_out_of_accept_all(client):
    page = client.get("/", HTTP_SEC_GPC="1").content.decode()
    response = client.post(URL, {"action": "accept"}, HTTP_SEC_GPC="1", **JSON)

    assert "signal GPC" in page
    assert "data-cc-gpc>" in page
    consent = consent_in(response)
    assert not consent.allows("advertising")
    assert not consent.allows("social")
    assert consent.allows("audience")
    assert consent.choice.purposes == {1, 5, 6, 8, 9, 10}
    assert ConsentRecord.objects.get().gpc is True


def test_under_gpc_a_person_may_still_turn_advertising_on_themselves(client):
    response = client.post(
        URL, {"action": "custom", "category": ["advertising"]}, HTTP_SEC_GPC="1", **JSON
    )

    assert consent_in(response).allows("advertising")


def test_a_choice_expires_after_six_months_and_the_banner_returns(client):
    response = client.post(URL, {"action": "refuse"})
    consent = consent_in(response)
    assert consent.given

    old = Consent(
        consent_id=consent.consent_id,
        record_id=consent.record_id,
        at=choices.add_months(timezone.now(), -6) - timedelta(minutes=1),
        fingerprint=consent.fingerprint,
        choice=Choice(),
    )
    client.cookies[categories.CONSENT_COOKIE] = choices.dumps(old)

    assert not old.given
    assert "open>" in client.get("/").content.decode()
    five_months = Consent(**{**old.__dict__, "at": timezone.now() - timedelta(days=150)})
    client.cookies[categories.CONSENT_COOKIE] = choices.dumps(five_months)
    assert "open>" not in client.get("/").content.decode()


def test_the_consent_cookie_lives_no_longer_than_the_choice(client):
    response = client.post(URL, {"action": "refuse"})

    max_age = response.cookies[categories.CONSENT_COOKIE]["max-age"]
    assert 180 * 86400 <= max_age <= 184 * 86400
    assert response.cookies[categories.CONSENT_COOKIE]["httponly"]


def test_a_change_in_what_we_ask_about_asks_again(client, monkeypatch):
    client.post(URL, {"action": "accept"})
    monkeypatch.setattr(catalogue, "fingerprint", lambda: "something-else")

    assert "open>" in client.get("/").content.decode()


def test_a_forged_consent_cookie_counts_as_no_choice(client):
    forged = json.dumps({"c": ["advertising"]})
    client.cookies[categories.CONSENT_COOKIE] = forged

    assert "open>" in client.get("/").content.decode()
    assert choices.loads(forged) == choices.NO_CONSENT


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "everything"}, {"action": "custom", "category": ["nope"]}, {"action": "grant"}],
)
def test_bad_input_is_explained_and_changes_nothing(client, data):
    page = client.post(URL, data)
    api = client.post(URL, data, **JSON)

    assert page.status_code == 400
    assert "alert--error" in page.content.decode()
    assert api.status_code == 400
    assert "errors" in api.json()
    assert ConsentRecord.objects.count() == 0
    assert categories.CONSENT_COOKIE not in set_cookies(page)


def test_the_page_without_javascript_returns_where_the_person_was(client):
    response = client.post(URL, {"action": "refuse", "next": "/charte/"})
    elsewhere = client.post(URL, {"action": "refuse", "next": "https://ailleurs.example/"})

    assert response.url == "/charte/"
    assert elsewhere.url == URL


def test_a_choice_made_signed_in_is_linked_to_the_account_and_shown_in_its_history(
    guardian_anna,
):
    client = client_for(guardian_anna)

    client.post(URL, {"action": "custom", "category": ["audience"]})

    record = ConsentRecord.objects.get()
    assert record.user == guardian_anna
    [entry] = journal("cookies.choice_recorded", about=guardian_anna)
    assert entry.data == {
        "record": str(record.public_id),
        "action": "custom",
        "method": "page",
        "categories": ["audience"],
        "gpc": False,
    }
    page = client.get(URL).content.decode()
    assert "Vos choix sur les cookies" in page
    assert "La mesure d&#x27;audience" in page


def test_the_registry_reaches_the_person_from_their_records(guardian_anna, teacher_chloe):
    client_for(guardian_anna).post(URL, {"action": "accept"})
    client_for(teacher_chloe).post(URL, {"action": "refuse"})
    Client().post(URL, {"action": "refuse"})
    declaration = registry.declaration_for(ConsentRecord)
    assert declaration is not None

    mine = ConsentRecord.objects.filter(declaration.subject_filter(guardian_anna))

    assert [r.action for r in mine] == ["accept"]
    assert "consent_proof" in declaration.purposes


def test_a_grant_adds_one_category_to_the_current_choice(client):
    client.post(URL, {"action": "custom", "category": ["audience"]})

    response = client.post(URL, {"action": "grant", "category": ["social"]}, **JSON)

    assert consent_in(response).choice.categories == {"audience", "social"}
    assert ConsentRecord.objects.latest_first()[0].method == "embed"


def test_the_banner_speaks_english_to_an_english_reader_and_proves_which_texts(client):
    client.cookies["django_language"] = "en"

    html = client.get("/").content.decode()
    client.post(URL, {"action": "refuse"})

    for label in ("Accept all", "Continue without accepting", "Customise", "Cookies: you decide"):
        assert label in html
    record = ConsentRecord.objects.get()
    assert record.language == "en"
    assert record.texts_hash == catalogue.texts_hash("en") != catalogue.texts_hash("fr")


def test_a_recorded_choice_cannot_be_edited_afterwards(client):
    client.post(URL, {"action": "refuse"})
    record = ConsentRecord.objects.get()

    record.categories = ["advertising"]
    with pytest.raises(ProofChangedError):
        record.save()

    assert ConsentRecord.objects.get().categories == []
