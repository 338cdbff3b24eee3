""" "Mes appareils": where one is signed in, in plain words, and signing any of it out."""

import pytest
from django.test import Client
from django.urls import reverse

from charte.accounts.devices import describe, network_of
from charte.accounts.devices import handle as handle_of
from charte.accounts.models import Session
from charte.audit import events
from tests.conftest import journal
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
DEVICES = reverse("accounts:devices")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0"
)


def device(user_agent: str, address: str) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    client.post(LOGIN, {"username": "anna@famille.test", "password": PASSWORD})
    return client


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (FIREFOX_WINDOWS, "Firefox sur Windows"),
        (SAFARI_IPHONE, "Safari sur iPhone"),
        (EDGE, "Edge sur Windows"),
        ("curl/8.0", "Navigateur inconnu"),
    ],
)
def test_a_browser_is_named_in_plain_words(user_agent, words):
    assert describe(user_agent) == words


def test_an_address_is_kept_as_its_network_only():
    assert network_of("203.0.113.57") == "203.0.113.x"
    assert network_of("2001:db8:1234:5678::1") == "2001:db8:1234:…"
    assert network_of("not an address") == ""


def test_a_parent_sees_her_devices_and_signs_one_out(guardian_anna):
    laptop = device(FIREFOX_WINDOWS, "203.0.113.57")
    phone = device(SAFARI_IPHONE, "198.51.100.20")

    page = laptop.get(DEVICES).content.decode()

    assert "Firefox sur Windows" in page
    assert "cet appareil" in page
    assert "Safari sur iPhone" in page
    assert "198.51.100.x" in page
    assert "198.51.100.20" not in page
    assert str(phone.session.session_key) not in page  # a session is never named by its key
    handle = page.split('action="/compte/appareils/')[1].split("/")[0]

    response = laptop.post(reverse("accounts:end_session", kwargs={"handle": handle}))

    assert response["Location"] == DEVICES
    assert "_auth_user_id" not in phone.session
    assert phone.get(DEVICES)["Location"].startswith(LOGIN)
    assert laptop.get(DEVICES).status_code == 200
    [entry] = journal(events.SESSION_ENDED, about=guardian_anna)
    assert entry.data == {"device": "Safari sur iPhone"}
    assert entry.ip == "203.0.113.57"


def test_signing_out_every_other_device(guardian_anna):
    here = device(FIREFOX_WINDOWS, "203.0.113.57")
    others = [device(SAFARI_IPHONE, "198.51.100.20"), device(EDGE, "192.0.2.4")]

    response = here.post(reverse("accounts:end_other_sessions"), follow=True)

    assert "2 autres appareils sont déconnectés" in response.content.decode()
    assert Session.objects.filter(user=guardian_anna).count() == 1
    assert all("_auth_user_id" not in other.session for other in others)
    [entry] = journal(events.SESSIONS_ENDED, about=guardian_anna)
    assert entry.data == {"reason": "signed_out_elsewhere", "count": 2, "kept_current": True}


def test_nobody_can_sign_out_someone_elses_session(guardian_anna, teacher_chloe):
    anna = device(FIREFOX_WINDOWS, "203.0.113.57")
    chloe = Client()
    chloe.post(LOGIN, {"username": "chloe@college.test", "password": PASSWORD})

    response = chloe.post(
        reverse("accounts:end_session", kwargs={"handle": handle_of(str(anna.session.session_key))})
    )

    assert response.status_code == 404
    assert anna.get(DEVICES).status_code == 200
    assert journal(events.SESSION_ENDED) == []
