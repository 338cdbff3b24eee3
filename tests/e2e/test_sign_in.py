import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_parent_signs_in_and_out_in_the_browser(page, guardian_anna):
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse e-mail ou identifiant").fill("anna@famille.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("heading", name="Bonjour Anna").wait_for()
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.wait_for()


def test_a_wrong_password_is_explained_in_the_browser(page, guardian_anna):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill("anna@famille.test")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("alert").get_by_text("mot de passe incorrect").wait_for()
