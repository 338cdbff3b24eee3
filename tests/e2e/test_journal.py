import pytest

from charte.audit.watch import POLICY
from tests.factories import PASSWORD
from tests.second_factor.helpers import give_app, pass_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, login: str, password: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_a_slowed_account_is_told_until_when_and_it_finds_it_in_the_journal(
    page, guardian_anna, it_jules
):
    for _ in range(POLICY.account_failures):
        sign_in(page, "anna@famille.test", "pas-le-bon")
    sign_in(page, "anna@famille.test", PASSWORD)
    page.get_by_role("alert").get_by_text("ne sera vérifié à nouveau que dans 1 minute").wait_for()

    give_app(it_jules)  # staff pass a second factor after the password
    sign_in(page, "jules@charte.test", PASSWORD)
    pass_in_browser(page, it_jules)
    page.get_by_role("link", name="Journal", exact=True).click()
    page.get_by_label("Personne concernée").fill("anna@famille.test")
    page.get_by_role("button", name="Rechercher").click()

    page.get_by_role("heading", name="entrées trouvées").wait_for()
    page.get_by_role("cell", name="Connexion ralentie après des échecs répétés").wait_for()
