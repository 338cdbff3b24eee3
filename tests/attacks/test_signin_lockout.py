"""An attacker who wants to lock everyone out of sign-in, or to guess a password through re-entry.

Behind the reverse proxy every request used to come from the proxy's address, so about thirty
wrong passwords from anyone locked the whole site out for a quarter of an hour, and an account
could be locked by anyone who knew its login. Now failures only slow tries down (each failure
doubles the wait), per account for strangers, per device that signed in before, and per
address, read through the trusted proxy; every password typed again counts as a sign-in.
"""

import time
from typing import Any

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from charte.accounts import trusted_devices as devices
from charte.accounts.trusted_devices import DEVICE_COOKIE
from charte.audit import events
from charte.audit.watch import POLICY
from tests.audit.conftest import Clock
from tests.conftest import client_for, journal
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PASSWORD_CHANGE = reverse("accounts:password_change")
PROXY = "10.0.0.2"
ATTACKER = "198.51.100.66"
HOME = "203.0.113.10"


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.CHARTE_TRUSTED_PROXIES = [PROXY]


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    """Time stands still, so that no wait runs out while a slow machine plays the attack."""
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def through_proxy(client_address: str) -> dict[str, Any]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def sign_in(client: Client, login: str, password: str, address: str):
    return client.post(LOGIN, {"username": login, "password": password}, **through_proxy(address))


def signed_in_before(login: str, address: str = HOME) -> Client:
    """A browser that signed in to this account once, then signed out: it keeps its cookie."""
    device = Client()
    assert sign_in(device, login, PASSWORD, address).status_code == 302
    device.post(reverse("accounts:logout"), **through_proxy(address))
    return device


def test_behind_the_proxy_a_thousand_wrong_passwords_from_one_client_stop_nobody_else(
    guardian_anna, pupil_lea
):
    annas_laptop = signed_in_before("anna@famille.test")
    attacker = Client()
    cpu = time.process_time()

    for n in range(1000):  # Anna's account, and guesses sprayed over many logins
        login = "anna@famille.test" if n % 2 else f"victime{n}@exemple.test"
        assert sign_in(attacker, login, f"devine-{n}", ATTACKER).status_code in {200, 429}

    cpu = time.process_time() - cpu
    someone_else = sign_in(Client(), "lea@eleve.test", PASSWORD, "192.0.2.7")
    anna_at_home = sign_in(annas_laptop, "anna@famille.test", PASSWORD, HOME)
    stranger_for_anna = sign_in(Client(), "anna@famille.test", PASSWORD, "192.0.2.8")

    assert someone_else.status_code == 302
    assert anna_at_home.status_code == 302
    # Anna's account is slowed down for devices it does not know, with a clear message.
    assert stranger_for_anna.status_code == 429
    assert "Sur un appareil où vous vous êtes déjà connecté" in (stranger_for_anna.content.decode())
    # The attacker's password checks were few: most tries were refused while they had to wait.
    checked = journal(events.LOGIN_FAILED)
    assert len(checked) < 50
    assert {entry.ip for entry in checked} == {ATTACKER}
    scopes = {entry.data["scope"] for entry in journal(events.LOCKOUT)}
    assert scopes == {"account", "address"}
    # Refused tries are cheap to answer (one query, a light page): the flood costs little CPU.
    assert cpu < 20, f"1,000 tries took {cpu:.1f} s of CPU"


def test_a_device_that_signed_in_before_gets_in_even_from_the_attacker_s_own_address(
    guardian_anna,
):
    """A school: the attacker and Anna's tablet are behind the same address."""
    school = "192.0.2.200"
    annas_tablet = signed_in_before("anna@famille.test", school)
    attacker = Client()
    for n in range(POLICY.address_logins + 10):
        sign_in(attacker, "anna@famille.test", "devine", school)
        sign_in(attacker, f"eleve.{n}", "devine", school)

    assert sign_in(Client(), "anna@famille.test", PASSWORD, school).status_code == 429
    assert sign_in(annas_tablet, "anna@famille.test", PASSWORD, school).status_code == 302


def test_a_device_s_own_failures_slow_that_device_and_not_the_others(guardian_anna):
    shared_computer = signed_in_before("anna@famille.test")
    for _ in range(POLICY.account_failures):
        sign_in(shared_computer, "anna@famille.test", "devine", HOME)

    slowed = sign_in(shared_computer, "anna@famille.test", PASSWORD, HOME)
    elsewhere = sign_in(Client(), "anna@famille.test", PASSWORD, "192.0.2.9")

    assert slowed.status_code == 429
    assert "ont échoué sur cet appareil pour ce compte" in slowed.content.decode()
    assert elsewhere.status_code == 302
    [lockout] = journal(events.LOCKOUT)
    assert lockout.data["scope"] == "device"
    assert lockout.data["device"] == journal(events.LOGIN_FAILED)[0].data["device"]


def test_the_device_cookie_is_signed_names_its_account_and_is_declared(guardian_anna, pupil_lea):
    device = Client()
    response = sign_in(device, "anna@famille.test", PASSWORD, HOME)
    cookie = response.cookies[DEVICE_COOKIE]

    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    [[account, nonce, _day]] = signing.loads(cookie.value, salt=devices.SALT)
    assert account == guardian_anna.public_id.hex
    [login] = journal(events.LOGIN)
    assert login.data == {"new_device": devices.digest(nonce)}
    assert nonce not in str(login.data)

    # Signing in again from it: a known device, the same name in the journal.
    device.post(reverse("accounts:logout"), **through_proxy(HOME))
    sign_in(device, "anna@famille.test", PASSWORD, HOME)
    assert journal(events.LOGIN)[-1].data == {"device": devices.digest(nonce)}

    # The same computer, used by Léa too: it now knows both accounts.
    device.post(reverse("accounts:logout"), **through_proxy(HOME))
    sign_in(device, "lea@eleve.test", PASSWORD, HOME)
    accounts = [
        item[0] for item in signing.loads(device.cookies[DEVICE_COOKIE].value, salt=devices.SALT)
    ]
    assert accounts == [pupil_lea.public_id.hex, guardian_anna.public_id.hex]


def test_a_forged_or_borrowed_device_cookie_does_not_exempt_a_stranger(guardian_anna, pupil_lea):
    leas_phone = signed_in_before("lea@eleve.test")
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = signing.dumps(
        [[guardian_anna.public_id.hex, "devine", 99999]], salt="another-salt"
    )
    for _ in range(POLICY.account_failures):
        sign_in(Client(), "anna@famille.test", "devine", ATTACKER)

    assert sign_in(forged, "anna@famille.test", PASSWORD, HOME).status_code == 429
    assert sign_in(leas_phone, "anna@famille.test", PASSWORD, HOME).status_code == 429


def test_a_forged_forwarded_for_from_an_untrusted_address_does_not_change_the_address(
    guardian_anna,
):
    Client().post(
        LOGIN,
        {"username": "anna@famille.test", "password": "devine"},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    sign_in(Client(), "anna@famille.test", "devine", "192.0.2.2")

    forged, proxied = journal(events.LOGIN_FAILED)
    assert forged.ip == "203.0.113.66"
    assert proxied.ip == "192.0.2.2"


def test_forged_forwarded_for_headers_do_not_escape_the_address_s_count(db):
    for n in range(POLICY.address_logins):
        Client().post(
            LOGIN,
            {"username": f"victime{n}@exemple.test", "password": "devine"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = Client().post(
        LOGIN,
        {"username": "encore@exemple.test", "password": "devine"},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="192.0.2.250",
    )

    assert response.status_code == 429
    assert {e.ip for e in journal(events.LOGIN_FAILED)} == {ATTACKER}


# Password re-entry ----------------------------------------------------------------------------


def change_password(client: Client, old: str, address: str = HOME):
    new = "une-toute-nouvelle-phrase"
    return client.post(
        PASSWORD_CHANGE,
        {"old_password": old, "new_password1": new, "new_password2": new},
        **through_proxy(address),
    )


def test_each_password_typed_again_is_journalled(guardian_anna):
    device = signed_in_before("anna@famille.test")
    sign_in(device, "anna@famille.test", PASSWORD, HOME)

    wrong = change_password(device, "devine")
    right = change_password(device, PASSWORD)

    assert wrong.status_code == 200
    assert "Ce n&#x27;est pas le bon mot de passe" in wrong.content.decode()
    assert right.status_code == 302
    [failed] = journal(events.REENTRY_FAILED, about=guardian_anna)
    [passed] = journal(events.REENTRY, about=guardian_anna)
    assert failed.data["purpose"] == passed.data["purpose"] == "password_change"
    assert failed.data["device"] == passed.data["device"]
    assert failed.ip == HOME
    assert "devine" not in str(failed.data)


def test_a_stolen_session_guessing_the_password_is_slowed_like_a_sign_in(guardian_anna):
    annas_laptop = signed_in_before("anna@famille.test")
    thief = client_for(guardian_anna)  # the session only: no device cookie of Anna's
    for _ in range(POLICY.account_failures):
        assert change_password(thief, "devine", ATTACKER).status_code == 200

    refused = change_password(thief, PASSWORD, ATTACKER)  # even the right one must wait

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Trop de mots de passe erronés pour ce compte" in refused.content.decode()
    guardian_anna.refresh_from_db()
    assert guardian_anna.check_password(PASSWORD)  # nothing changed
    assert len(journal(events.REENTRY_FAILED, about=guardian_anna)) == POLICY.account_failures
    assert len(journal(events.LOGIN_BLOCKED, about=guardian_anna)) == 1
    # The thief's guesses count as sign-in failures: strangers now wait, Anna does not.
    assert sign_in(Client(), "anna@famille.test", PASSWORD, "192.0.2.3").status_code == 429
    assert sign_in(annas_laptop, "anna@famille.test", PASSWORD, HOME).status_code == 302


def test_re_entry_failures_on_the_owner_s_device_slow_its_sign_in_too(guardian_anna):
    device = signed_in_before("anna@famille.test")
    sign_in(device, "anna@famille.test", PASSWORD, HOME)
    for _ in range(POLICY.account_failures):
        change_password(device, "devine")
    device.post(reverse("accounts:logout"), **through_proxy(HOME))

    response = sign_in(device, "anna@famille.test", PASSWORD, HOME)

    assert response.status_code == 429
    assert "sur cet appareil" in response.content.decode()


def test_the_password_asked_before_a_request_about_one_s_data_is_counted(guardian_anna):
    anna = client_for(guardian_anna)
    url = reverse("subject_requests:new", args=[guardian_anna.public_id, "access"])

    response = anna.post(url, {"details": "", "password": "devine"}, **through_proxy(HOME))

    assert response.status_code == 200
    [failed] = journal(events.REENTRY_FAILED, about=guardian_anna)
    assert failed.data["purpose"] == "subject_request"
    assert failed.ip == HOME


def test_the_journal_keeps_no_device_cookie(guardian_anna):
    device = signed_in_before("anna@famille.test")
    raw = device.cookies[DEVICE_COOKIE].value

    assert all(raw not in str(entry.data) for entry in journal())
    assert settings.SECRET_KEY not in str([e.data for e in journal()])
