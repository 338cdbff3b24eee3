"""The cookie banner in Debian's Chromium, under our real Content Security Policy.

Each test watches the console: a script or style blocked by the policy fails it.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from charte.cookies import categories, choices
from charte.cookies.models import ConsentRecord
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
EXEMPT = {t.name for c in categories.COOKIE_CATEGORIES if c.exempt for t in c.trackers}
AUDIENCE = {"ch_aud_id", "ch_aud_ses"}


@pytest.fixture
def open_page(browser, live_server):
    contexts, problems = [], []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == []


def names(page) -> set[str]:
    return {c["name"] for c in page.context.cookies()}


def tc_data(page) -> dict:
    return page.evaluate("() => new Promise(r => window.__tcfapi('getTCData', 2, (d, ok) => r(d)))")


def banner(page):
    return page.get_by_role("dialog", name="Les cookies : c'est vous qui choisissez")


def test_a_first_visit_shows_the_banner_and_sets_no_cookie_needing_consent(open_page):
    page = open_page()
    page.goto("/")

    banner(page).wait_for()
    assert page.evaluate("document.getElementById('cc').matches(':modal')")
    assert names(page) <= EXEMPT
    assert "csrftoken" in names(page)
    assert page.evaluate("document.documentElement.dataset.audience") is None
    ping = page.evaluate("() => new Promise(r => window.__tcfapi('ping', 2, r))")
    assert ping["cmpLoaded"]
    assert ping["displayStatus"] == "visible"
    assert ping["apiVersion"] == "2.3"
    data = tc_data(page)
    assert data["eventStatus"] == "cmpuishown"
    assert data["tcString"] == ""


def test_refusing_sets_nothing_and_is_remembered_across_visits(open_page):
    page = open_page()
    page.goto("/")
    page.get_by_role("button", name="Continuer sans accepter").click()

    banner(page).wait_for(state="hidden")
    assert names(page) <= EXEMPT
    assert categories.TCF_COOKIE not in names(page)
    page.goto("/charte/")
    page.goto("/")
    assert not banner(page).is_visible()
    assert names(page) <= EXEMPT
    assert ConsentRecord.objects.get().action == "refuse"


def test_accepting_sets_the_trackers_and_tells_the_vendors(open_page):
    page = open_page()
    page.goto("/")
    page.evaluate(
        "window.__events = []; "
        "window.__tcfapi('addEventListener', 2, (d) => window.__events.push(d.eventStatus))"
    )

    page.get_by_role("button", name="Tout accepter").click()

    page.locator("html[data-audience='on']").wait_for(state="attached")
    assert AUDIENCE | {categories.CONSENT_COOKIE, categories.TCF_COOKIE} <= names(page)
    assert page.evaluate("window.__events") == ["cmpuishown", "useractioncomplete"]
    data = tc_data(page)
    assert data["eventStatus"] == "tcloaded" or data["eventStatus"] == "useractioncomplete"
    assert data["purpose"]["consents"]["1"]
    assert data["specialFeatureOptins"]["2"]
    cookie = next(c for c in page.context.cookies() if c["name"] == categories.TCF_COOKIE)
    assert data["tcString"] == cookie["value"] == ConsentRecord.objects.get().tc_string


def test_customising_sets_only_what_was_chosen(open_page):
    page = open_page()
    page.goto("/")
    page.get_by_role("link", name="Personnaliser").click()
    page.get_by_role("switch", name="Mesurer si les contenus marchent").check()

    assert page.get_by_role("switch", name="L'optimisation du parcours").is_checked()
    page.get_by_role("button", name="Enregistrer mes choix").click()

    banner(page).wait_for(state="hidden")
    assert not AUDIENCE & names(page)
    assert categories.TCF_COOKIE in names(page)
    consents = tc_data(page)["purpose"]["consents"]
    assert [p for p, on in consents.items() if on] == ["8"]
    record = ConsentRecord.objects.get()
    assert (record.action, record.categories, record.iab_purposes) == ("custom", ["journey"], [8])


def test_reopening_from_the_footer_and_withdrawing_removes_the_trackers(open_page):
    page = open_page()
    page.goto("/charte/")
    page.get_by_role("button", name="Tout accepter").click()
    page.locator("html[data-audience='on']").wait_for(state="attached")

    link = page.get_by_role("contentinfo").get_by_role("link", name="Cookies")
    link.click()
    panel = page.get_by_role("dialog")
    panel.get_by_role("heading", name="Vos choix, un par un").wait_for()
    audience = panel.get_by_role("switch", name="La mesure d'audience")
    assert audience.is_checked()
    audience.uncheck()
    with page.expect_navigation():  # a withdrawn script cannot be unloaded: the page reloads
        panel.get_by_role("button", name="Enregistrer mes choix").click()

    assert not AUDIENCE & names(page)
    assert page.evaluate("document.documentElement.dataset.audience") is None
    assert [r.action for r in ConsentRecord.objects.order_by("at")] == ["accept", "custom"]


def test_global_privacy_control_refuses_advertising_and_the_panel_says_so(open_page):
    page = open_page(extra_http_headers={"Sec-GPC": "1"})
    page.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page.goto("/")
    assert page.get_by_text("signal GPC").first.is_visible()

    page.get_by_role("button", name="Tout accepter").click()

    banner(page).wait_for(state="hidden")
    data = tc_data(page)
    assert not any(data["purpose"]["consents"][p] for p in ("2", "3", "4", "7"))
    assert data["purpose"]["consents"]["1"]
    record = ConsentRecord.objects.get()
    assert record.gpc
    assert "advertising" not in record.categories
    assert "social" not in record.categories
    assert "audience" in record.categories


def test_six_months_later_the_banner_asks_again(open_page, live_server):
    page = open_page()
    page.goto("/")
    page.get_by_role("button", name="Continuer sans accepter").click()
    banner(page).wait_for(state="hidden")
    consent = choices.loads(
        next(c["value"] for c in page.context.cookies() if c["name"] == categories.CONSENT_COOKIE)
    )
    six_months_ago = choices.add_months(timezone.now(), -6) - timedelta(minutes=1)
    old = choices.Consent(**{**consent.__dict__, "at": six_months_ago})
    page.context.add_cookies(
        [{"name": categories.CONSENT_COOKIE, "value": choices.dumps(old), "url": live_server.url}]
    )

    page.goto("/")

    banner(page).wait_for()


def test_keyboard_only_focus_stays_in_the_dialog_and_comes_back(open_page):
    page = open_page()
    page.goto("/")
    banner(page).wait_for()
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('cc').contains(document.activeElement)")
    page.keyboard.press("Escape")  # the first visit needs an answer, any of the three
    assert banner(page).is_visible()
    page.get_by_role("button", name="Continuer sans accepter").focus()
    page.keyboard.press("Enter")
    banner(page).wait_for(state="hidden")

    link = page.get_by_role("contentinfo").get_by_role("link", name="Cookies")
    link.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Vos choix, un par un").wait_for()
    assert page.evaluate("document.activeElement.id") == "cc-panel-title"
    page.keyboard.press("Escape")

    page.get_by_role("dialog").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "Cookies"


def test_without_javascript_the_same_choices_are_made_by_forms(open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/charte/")
    page.get_by_role("button", name="Continuer sans accepter").click()

    page.wait_for_url("**/charte/")
    assert not page.locator("dialog[open]").count()
    page.goto("/cookies/")
    page.get_by_role("switch", name="La mesure d'audience").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    page.get_by_text("Votre choix est enregistré").wait_for()
    assert [r.method for r in ConsentRecord.objects.order_by("at")] == ["page", "page"]
    assert ConsentRecord.objects.latest_first()[0].categories == ["audience"]
    assert not AUDIENCE & names(page)  # no script runs without JavaScript


@pytest.mark.urls("tests.e2e.cookies_urls")
def test_an_embed_is_a_placeholder_until_its_button_is_pressed(open_page):
    page = open_page()
    page.goto("/essai/video/")
    page.get_by_role("button", name="Continuer sans accepter").click()
    assert page.locator("iframe.cc-frame").count() == 0

    page.get_by_role("button", name="Afficher « La démocratie en 3 minutes »").click()

    page.locator("iframe.cc-frame[title='La démocratie en 3 minutes']").wait_for()
    record = ConsentRecord.objects.latest_first()[0]
    assert (record.action, record.method, record.categories) == ("grant", "embed", ["social"])


def axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_axe_finds_no_violation_on_the_banner_the_panel_and_the_privacy_section(
    open_page, guardian_anna
):
    # axe is injected as an inline script, which our policy rightly refuses: this context only
    # lets it in. Every other test runs under the real policy.
    page = open_page(bypass_csp=True)
    page.goto("/")
    banner(page).wait_for()
    assert axe(page) == []

    page.get_by_role("link", name="Personnaliser").click()
    page.get_by_role("heading", name="Vos choix, un par un").wait_for()
    assert axe(page) == []

    page.get_by_role("button", name="Tout refuser").click()
    page.get_by_role("dialog").wait_for(state="hidden")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill("anna@famille.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Rester connecté 30 jours sur cet appareil").check()
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Anna").wait_for()
    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert session["expires"] > timezone.now().timestamp() + 29 * 86400

    page.goto("/cookies/")
    page.get_by_role("heading", name="Vos choix sur les cookies").wait_for()
    assert axe(page) == []
    assert json.loads(json.dumps(ConsentRecord.objects.filter(user=guardian_anna).count())) == 1


@pytest.mark.urls("tests.e2e.cookies_urls")
def test_an_inline_gated_script_runs_with_its_nonce_once_its_category_is_accepted(open_page):
    page = open_page()
    page.goto("/essai/video/")
    page.get_by_role("link", name="Personnaliser").click()
    page.get_by_role("switch", name="La mesure d'audience").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    banner(page).wait_for(state="hidden")
    page.locator("html[data-audience='on']").wait_for(state="attached")
    assert page.evaluate("document.documentElement.dataset.performance") is None

    page.get_by_role("contentinfo").get_by_role("link", name="Cookies").click()
    page.get_by_role("switch", name="La performance").check()
    page.get_by_role("dialog").get_by_role("button", name="Enregistrer mes choix").click()

    page.locator("html[data-performance='on']").wait_for(state="attached")


def test_a_vendor_s_listener_can_be_removed(open_page):
    page = open_page()
    page.goto("/")
    removed = page.evaluate(
        """() => new Promise(done => {
            window.__tcfapi('addEventListener', 2, (data) => {
                window.__tcfapi('removeEventListener', 2, done, data.listenerId);
            });
        })"""
    )
    calls = page.evaluate(
        "() => new Promise(r => window.__tcfapi('removeEventListener', 2, r, 999))"
    )

    assert removed is True
    assert calls is False
