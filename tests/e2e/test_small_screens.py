"""Every page of every role on a phone: never wider than the screen, and nothing axe calls serious.

The pages are those of the access matrix (tests/test_access_matrix.py), opened by each role that
may see them, with the matrix's own world of objects, in Chromium at 390 x 844 (a common phone).
A page is wider than the screen when the document scrolls sideways (`scrollWidth > innerWidth`):
a table, a code or a header that does not fit. axe-core checks each route once in the whole walk,
for the first role of its half that opens it; only "serious" and "critical" findings fail. The menu's own behaviour is tested apart: on
a phone it opens from its button and closes with Escape, on a wide screen it is always there.
"""

import zlib
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction
from playwright.sync_api import Error as PlaywrightError

from charte.accounts.models import Role
from tests.conftest import answered_cookie_banner, client_for
from tests.matrix import MATRIX, VISITOR, url_of
from tests.world import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What is wider than the screen, named so that a failure says where to look.
CULPRITS = """() => {
  const over = e => e.checkVisibility() && e.getBoundingClientRect().right > window.innerWidth + 1
    && getComputedStyle(e).position !== 'fixed';
  return [...document.querySelectorAll('main *, header *')]
    .filter(e => over(e) && ![...e.children].some(over))
    .slice(0, 4)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
      + ' "' + e.textContent.trim().slice(0, 30) + '"');
}"""


def pages_for(role: str) -> list[str]:
    """The routes the matrix opens with 200 for this role."""
    names = []
    for name, entry in sorted(MATRIX.items()):
        if role == VISITOR:
            status = entry.visitor
        elif role in entry.statuses:
            status = entry.statuses[role]
        else:
            status = 200 if role in entry.roles and 200 in entry.ok else 0
        if status == 200:
            names.append(name)
    return names


def serious(violations: list[dict]) -> list[tuple[str, list]]:
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def axe_checks(half: int, roles: list[str]) -> set[str]:
    """The routes that this half of the walk checks with axe: each route once in the whole walk,
    by the half its name falls to, or by the only half whose roles open it."""
    mine: set[str] = set()
    theirs: set[str] = set()
    for n, role in enumerate(roles):
        (mine if n % 2 == half else theirs).update(pages_for(role))
    return {name for name in mine if zlib.crc32(name.encode()) % 2 == half or name not in theirs}


# Two halves of the roles, so that the suite's two workers share the walk.
@pytest.mark.parametrize("half", [0, 1])
def test_every_page_of_every_role_fits_a_phone(half, browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"
    with transaction.atomic():  # as in the matrix: the world's own jobs have been done by hand
        world = World.build()
    too_wide: list[str] = []
    findings: list[str] = []
    broken: list[str] = []
    checked_by_axe: set[str] = set()
    opened = 0
    roles = [VISITOR, *sorted(world.people)]
    to_check = axe_checks(half, roles)

    for role in roles[half::2]:
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport=PHONE, bypass_csp=True
        )
        cookies = [{**answered_cookie_banner(), "url": live_server.url}]
        if role != VISITOR:
            session = client_for(world.people[role]).cookies[settings.SESSION_COOKIE_NAME]
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.value,
                    "url": live_server.url,
                }
            )
        context.add_cookies(cookies)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for name in pages_for(role):
            url = url_of(name, world)
            if url.startswith("/api/"):
                continue
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                if "Download is starting" in error.message:
                    continue  # a file (an export, an archive), not a page
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status >= 400:
                broken.append(f"{role} {url}: {response.status}")
                continue
            opened += 1
            if urlparse(page.url).path != url.split("?")[0]:
                continue  # sent on elsewhere: that page is checked under its own name
            scroll, inner = page.evaluate(WIDTH)
            if scroll > inner:
                too_wide.append(f"{role} {url}: {scroll}px {page.evaluate(CULPRITS)}")
            if name in to_check and name not in checked_by_axe:
                checked_by_axe.add(name)
                page.add_script_tag(path=str(AXE))
                result = page.evaluate(
                    "() => axe.run(document, {resultTypes: ['violations'], runOnly: "
                    "{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                )
                if found := serious(result["violations"]):
                    findings.append(f"{role} {url}: {found}")
        context.close()

    assert opened > 50, f"only {opened} pages were opened: the matrix was not followed"
    assert broken == [], "pages that did not open:\n" + "\n".join(broken)
    assert too_wide == [], "pages wider than a 390 px phone:\n" + "\n".join(too_wide)
    assert findings == [], "serious accessibility findings:\n" + "\n".join(findings)


def test_on_a_phone_the_menu_opens_from_its_button_and_closes_with_escape(
    page, live_server, teacher_chloe
):
    session = client_for(teacher_chloe).cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": live_server.url}]
    )
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu = page.locator("details.site-menu")
    logout = page.get_by_role("button", name="Se déconnecter")
    assert not logout.is_visible()
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] < PHONE["height"] / 8

    page.get_by_text("Menu", exact=True).click()
    logout.wait_for()
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert not logout.is_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    logout.wait_for()
    assert not page.get_by_text("Menu", exact=True).is_visible()


def test_the_two_halves_of_the_walk_check_each_route_once_with_axe():
    roles = [VISITOR, *sorted(role.value for role in Role)]
    first, second = axe_checks(0, roles), axe_checks(1, roles)

    assert first.isdisjoint(second)
    assert first | second == {name for role in roles for name in pages_for(role)}
    assert min(len(first), len(second)) > 20
