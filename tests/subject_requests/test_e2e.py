"""In the browser: a parent asks for their child's data, the DPO approves, the parent downloads
the archive and reads its HTML view, which opens without any network request."""

import zipfile

import pytest

from charte.accounts import actions as accounts
from tests import conftest
from tests.factories import PASSWORD
from tests.second_factor.helpers import ensure_app, pass_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def new_context(browser, live_server, **options):
    """A browser context like the `page` fixture's: where the cookie banner exists, the visitor
    has already answered it, so that it does not cover the page."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    answered = getattr(conftest, "answered_cookie_banner", None)
    if answered is not None:
        context.add_cookies([{**answered(), "url": live_server.url}])
    return context


def sign_in(page, login, staff=None):
    if staff is not None:
        ensure_app(staff)
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if staff is not None:  # staff pass a second factor after the password
        pass_in_browser(page, staff)
    page.get_by_role("heading", name="Bonjour").wait_for()


def test_a_parent_gets_their_childs_archive_and_reads_it_offline(
    browser, live_server, guardian_anna, child_ben, dpo_elise, tmp_path
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    parent = new_context(browser, live_server, accept_downloads=True)
    anna = parent.new_page()
    anna.set_default_timeout(15_000)

    # The parent, from the privacy centre: their child's tab, then "Demander" for access.
    sign_in(anna, "anna@famille.test")
    anna.get_by_role("link", name="Ouvrir mes données").click()
    anna.get_by_role("link", name="Ben", exact=True).click()
    anna.get_by_role("heading", name="Exercer les droits de Ben").wait_for()
    anna.get_by_role("link", name="Demander : Accès aux données").click()
    anna.get_by_label("Votre mot de passe").fill(PASSWORD)
    anna.get_by_role("button", name="Envoyer la demande").click()
    anna.get_by_text("Votre demande est enregistrée").wait_for()
    request_url = anna.url

    # The DPO, from the workbench: the request, then the decision.
    staff = new_context(browser, live_server)
    elise = staff.new_page()
    elise.set_default_timeout(15_000)
    sign_in(elise, "elise@charte.test", staff=dpo_elise)
    elise.get_by_role("link", name="Demandes sur les données").first.click()
    elise.get_by_role("link", name="Accès aux données").first.click()
    elise.get_by_label("Acceptée", exact=True).check()
    elise.get_by_role("button", name="Enregistrer la décision").click()
    elise.get_by_text("C'est enregistré.").wait_for()
    staff.close()

    # The parent downloads the archive from the request's page.
    anna.goto(request_url)
    with anna.expect_download() as download_info:
        anna.get_by_role("link", name="Télécharger les données de Ben").click()
    archive = tmp_path / "archive.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "archive")
    parent.close()

    # The HTML view, opened from the disk with the network cut: nothing is fetched.
    offline = browser.new_context(offline=True)
    reader = offline.new_page()
    requests = []
    reader.on("request", lambda r: requests.append(r.url))
    reader.goto((tmp_path / "archive" / "index.html").as_uri())
    reader.get_by_role("heading", name="Données personnelles : Ben").wait_for()
    assert reader.get_by_text("ben.martin").first.is_visible()
    # Written for the parent, about the child: the child's rights, not "yours".
    assert reader.get_by_role("heading", name="Ses droits").is_visible()
    assert [url for url in requests if not url.startswith("file://")] == []
    offline.close()
