"""Audience measurement in Debian's Chromium: page views are kept only with consent and
without Global Privacy Control, and the endpoint refuses a beacon forged without them."""

import uuid

import pytest

from charte.audience.models import PageView
from charte.cookies.models import ConsentRecord

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        beacons: list[str] = []
        page.on("request", lambda r: beacons.append(r.url) if "/mesure/" in r.url else None)
        return page, beacons

    yield make
    for context in contexts:
        context.close()


def forge(page) -> int:
    """A beacon sent by hand with the browser's own cookies, as a script of the page could."""
    response = page.request.post(
        "/mesure/",
        data={"visitor": str(uuid.uuid4()), "path": "/forge/", "load_ms": 5},
        headers={"Origin": "/".join(page.url.split("/")[:3])},
    )
    return response.status


def sent(page) -> str:
    page.locator("html[data-audience-sent]").wait_for(state="attached")
    return page.evaluate("document.documentElement.dataset.audienceSent")


def test_with_consent_each_page_seen_is_kept_without_the_last_octet(open_page):
    page, beacons = open_page()
    page.goto("/")
    page.get_by_role("button", name="Tout accepter").click()
    page.locator("html[data-audience='on']").wait_for(state="attached")
    assert sent(page) == "204"
    page.goto("/charte/")
    assert sent(page) == "204"

    views = list(PageView.objects.order_by("at"))
    assert [v.path for v in views] == ["/", "/charte/"]
    assert len(beacons) == 2
    record = ConsentRecord.objects.get()
    assert {v.consent_record for v in views} == {record.public_id}
    assert {v.address for v in views} == {"127.0.0.0"}
    assert len({v.visitor for v in views}) == 1
    assert all(v.user_id is None for v in views)


def test_without_consent_nothing_is_sent_and_a_forged_beacon_is_refused(open_page):
    page, beacons = open_page()
    page.goto("/")
    page.get_by_role("button", name="Continuer sans accepter").click()
    page.locator("#cc").wait_for(state="hidden")
    page.goto("/charte/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)

    assert beacons == []
    assert page.evaluate("document.documentElement.dataset.audience") is None
    assert forge(page) == 403
    assert not PageView.objects.exists()


def test_with_gpc_in_the_header_nothing_is_sent_even_after_accepting(open_page):
    page, beacons = open_page(extra_http_headers={"Sec-GPC": "1"})
    page.goto("/")
    page.get_by_role("button", name="Tout accepter").click()
    page.locator("#cc").wait_for(state="hidden")
    page.goto("/charte/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)

    assert "audience" in ConsentRecord.objects.get().categories  # accepted, yet GPC wins
    assert beacons == []
    assert page.evaluate("document.documentElement.dataset.audience") is None
    assert forge(page) == 403
    assert not PageView.objects.exists()
