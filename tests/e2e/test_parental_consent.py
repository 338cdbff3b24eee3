"""A parent signs a 12-year-old up, consents through the emailed link, then withdraws."""

import re
import time
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from charte.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHILD_PASSWORD = "la-fusee-bleue-decolle"
PARENT_PASSWORD = "une-phrase-de-passe-solide"


def twelve_years_old() -> str:
    today = timezone.localdate()
    return date(today.year - 12, 1, 15).isoformat()


def sign_in(page, login, password):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.wait_for()


def confirmation_link(smtp_server, address, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp_server.to(address):
            found = re.search(r"(https?://\S+/compte/confirmer/\S+/)", message.get_content())
            if found:
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"No confirmation link reached {address}.")


def test_parental_consent_opens_the_account_and_withdrawal_closes_it(page, smtp_server):
    # The parent, at the child's side, fills the pupil sign-up with the child.
    page.goto("/famille/inscription-eleve/")
    page.get_by_label("Ton prénom").fill("Tom")
    page.get_by_label("Ta date de naissance").fill(twelve_years_old())
    page.get_by_label("Choisis un identifiant").fill("tom.l")
    page.locator("#id_password1").fill(CHILD_PASSWORD)
    page.locator("#id_password2").fill(CHILD_PASSWORD)
    page.get_by_label("L'adresse e-mail de ton parent").fill("paul@famille.test")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Demande envoyée à ton parent").wait_for()

    # The child cannot sign in yet.
    sign_in(page, "tom.l", CHILD_PASSWORD)
    page.get_by_role("alert").wait_for()

    # The invitation arrives by SMTP; the parent follows it and creates a parent account.
    received = smtp_server.wait_for("paul@famille.test")
    assert "tom" not in str(received["To"]).lower()
    found = re.search(r"(https?://\S+/famille/invitation/\S+/)", received.get_content())
    assert found is not None
    link = found.group(1)
    page.goto(urlsplit(link).path)
    page.get_by_role("link", name="Créer mon compte parent").click()
    page.get_by_label("Parent", exact=True).check()
    page.locator("#id_first_name").fill("Paul")
    page.locator("#id_last_name").fill("Lune")
    assert page.locator("#id_email").input_value() == "paul@famille.test"
    page.locator("#id_password").fill(PARENT_PASSWORD)
    page.get_by_label("J'ai lu la charte").check()
    page.get_by_role("button", name="Créer mon compte").click()

    # The parent's address is confirmed from the link sent there, with the password just chosen.
    page.get_by_role("heading", name="Regardez vos e-mails").wait_for()
    confirm = confirmation_link(smtp_server, "paul@famille.test")
    page.goto(urlsplit(confirm).path)
    page.get_by_label("Le mot de passe choisi à l'inscription").fill(PARENT_PASSWORD)
    page.get_by_role("button", name="Ouvrir mon compte").click()

    # Back on the invitation: read the purposes, tick one box per purpose.
    page.get_by_role("heading", name="Tom souhaite utiliser charte").wait_for()
    page.get_by_label("Je suis titulaire de l'autorité parentale sur Tom.").check()
    for box in page.locator("input[type=checkbox][required]").all():
        box.check()
    page.get_by_role("button", name="Donner mon accord et ouvrir son compte").click()
    page.get_by_role("heading", name="Ma famille").wait_for()
    assert User.objects.get(username="tom.l").is_active
    sign_out(page)

    # The child can now sign in.
    sign_in(page, "tom.l", CHILD_PASSWORD)
    page.get_by_role("heading", name="Bonjour Tom").wait_for()
    sign_out(page)

    # The parent withdraws from their own account; the child can no longer sign in.
    sign_in(page, "paul@famille.test", PARENT_PASSWORD)
    page.get_by_role("heading", name="Bonjour Paul").wait_for()
    page.goto("/famille/")
    page.get_by_role("link", name="Ses données et consentements").click()
    page.get_by_role("button", name="Retirer mon consentement pour Tom").click()
    page.get_by_text("Votre consentement est retiré").wait_for()
    sign_out(page)

    sign_in(page, "tom.l", CHILD_PASSWORD)
    page.get_by_role("alert").wait_for()
    assert not User.objects.get(username="tom.l").is_active
