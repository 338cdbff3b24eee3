"""Persistent sign-in ("Rester connecté"): only with its consent, which ticking the box gives."""

import pytest
from django.conf import settings
from django.urls import reverse

from charte.cookies import catalogue, categories, choices
from charte.cookies.models import ConsentRecord
from tests.conftest import journal
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def session_cookie(response):
    return response.cookies[settings.SESSION_COOKIE_NAME]


def test_the_login_form_offers_the_box_and_says_what_ticking_it_means(client):
    html = client.get(LOGIN).content.decode()

    assert "Rester connecté 30 jours sur cet appareil" in html
    assert "accepter le cookie de connexion persistante" in html


def test_without_the_box_the_session_ends_with_the_browser(client, guardian_anna):
    response = client.post(LOGIN, {"username": "anna@famille.test", "password": PASSWORD})

    assert response.status_code == 302
    assert not session_cookie(response)["max-age"]
    assert not session_cookie(response)["expires"]
    assert ConsentRecord.objects.count() == 0


def test_ticking_the_box_records_the_consent_and_keeps_the_session_thirty_days(
    client, guardian_anna
):
    response = client.post(
        LOGIN, {"username": "anna@famille.test", "password": PASSWORD, "remember_me": "on"}
    )

    assert session_cookie(response)["max-age"] == catalogue.sign_in_max_age() == 30 * 86400
    record = ConsentRecord.objects.get()
    assert (record.user, record.method, record.categories) == (
        guardian_anna,
        "sign_in",
        ["sign_in"],
    )
    consent = choices.loads(response.cookies[categories.CONSENT_COOKIE].value)
    assert consent.allows("sign_in")
    assert not consent.allows("audience")
    assert len(journal("cookies.choice_recorded", about=guardian_anna)) == 1


def test_the_box_adds_to_an_earlier_choice_without_widening_it(client, guardian_anna):
    client.post(reverse("cookies:preferences"), {"action": "custom", "category": ["audience"]})

    response = client.post(
        LOGIN, {"username": "anna@famille.test", "password": PASSWORD, "remember_me": "on"}
    )

    consent = choices.loads(response.cookies[categories.CONSENT_COOKIE].value)
    assert consent.choice.categories == {"audience", "sign_in"}


def test_a_persistent_session_without_consent_is_cut_back_by_the_guard(client, guardian_anna):
    client.post(reverse("cookies:preferences"), {"action": "refuse"})
    client.force_login(guardian_anna)
    session = client.session
    session.set_expiry(30 * 86400)  # as a careless view might
    session.save()

    response = client.post(reverse("cookies:preferences"), {"action": "refuse"})

    cookie = session_cookie(response)
    assert not cookie["max-age"]
    assert not cookie["expires"]
