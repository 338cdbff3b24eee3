"""In Chromium: a staff member sets up an authenticator app at first sign-in; another registers
a passkey with Chrome DevTools' virtual authenticator, signs out, and signs in with password and
passkey. The relying party is the live server's host, `localhost`."""

import base64
import re
from datetime import timedelta

import pytest
from django_otp.oath import hotp

from charte.audit import events
from charte.second_factor import passkeys
from charte.second_factor.models import Passkey, RecoveryCode
from tests.conftest import journal
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, login):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.get_by_role("link", name="Se connecter").first.wait_for()


def code_from_secret(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app computes from the key typed from the page."""
    import time

    key = base64.b32decode(secret.replace(" ", ""))
    return f"{hotp(key, int(time.time() // 30) + steps_ahead):06d}"


def test_a_staff_member_sets_up_an_app_at_first_sign_in_then_uses_it(page, it_jules):
    sign_in(page, "jules@charte.test")
    page.get_by_role("heading", name="Configurer votre second facteur").wait_for()
    assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml")
    secret = page.locator("code.secret").inner_text()

    page.get_by_label("Code à 6 chiffres").fill(code_from_secret(secret))
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    page.get_by_role("link", name="C'est noté, continuer").click()
    page.get_by_role("heading", name="Bonjour Jules").wait_for()
    sign_out(page)

    sign_in(page, "jules@charte.test")
    page.get_by_role("heading", name="Confirmez que c'est bien vous").wait_for()
    page.get_by_label("Code à 6 chiffres").fill(code_from_secret(secret, steps_ahead=1))
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("heading", name="Bonjour Jules").wait_for()

    assert RecoveryCode.objects.filter(code_set__user=it_jules).count() == 10
    assert [e.data["method"] for e in journal(events.SECOND_FACTOR_VERIFIED, about=it_jules)] == [
        "totp"
    ]


def test_a_passkey_registered_in_chromium_then_signs_in_with_the_password(page, cs_farid):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    sign_in(page, "farid@charte.test")
    page.get_by_role("heading", name="Configurer votre second facteur").wait_for()
    page.get_by_label("Nom de la clé (facultatif)").fill("Portable de Farid")
    page.get_by_role("button", name="Créer une clé d'accès").click()
    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    page.get_by_role("link", name="C'est noté, continuer").click()
    page.get_by_role("heading", name="Bonjour Farid").wait_for()
    sign_out(page)

    sign_in(page, "farid@charte.test")
    page.get_by_role("heading", name="Confirmez que c'est bien vous").wait_for()
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    page.get_by_role("heading", name="Bonjour Farid").wait_for()
    page.goto("/service-client/signalements/")
    page.get_by_role("heading", name="Signalements d'erreur").wait_for()

    credentials = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]}
    )["credentials"]
    [passkey] = Passkey.objects.filter(user=cs_farid)
    assert passkey.name == "Portable de Farid"
    assert len(credentials) == 1
    assert base64.b64decode(credentials[0]["credentialId"]) == bytes(passkey.credential_id)
    assert passkey.sign_count >= 1 or credentials[0]["signCount"] >= 1
    assert [e.data["method"] for e in journal(events.SECOND_FACTOR_ADDED, about=cs_farid)] == [
        "passkey"
    ]
    [verified] = journal(events.SECOND_FACTOR_VERIFIED, about=cs_farid)
    assert verified.data == {"method": "passkey"}


def test_a_passkey_from_another_authenticator_is_refused(page, cs_farid, monkeypatch):
    """The same page, another browser's authenticator with no credential of ours: refused,
    and said."""
    # Chromium refuses at once, or waits out the ceremony's time: ten seconds here, the least
    # a browser allows, so that the test does not wait out a full minute on a busy machine.
    monkeypatch.setattr(passkeys, "CEREMONY_TIMEOUT", timedelta(seconds=10))
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    Passkey.objects.create(
        user=cs_farid, name="Ailleurs", credential_id=b"elsewhere", public_key=b"key"
    )
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    sign_in(page, "farid@charte.test")
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()

    page.get_by_role("alert").get_by_text("La clé d'accès n'a pas répondu").wait_for(timeout=40_000)
    assert "verifier" in page.url
