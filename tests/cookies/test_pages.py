"""The charter page, the banner and the cookies page list the same categories and trackers."""

import re

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.cookies import categories, queries
from charte.core import navigation
from charte.privacy import register
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def trackers_named(html: str) -> set[str]:
    return set(re.findall(r"<code>([^<]+)</code>", html))


def test_the_charter_lists_every_tracker_of_the_register_and_every_category(client):
    html = client.get(reverse("privacy:charter")).content.decode()

    section = html[html.index('<section id="cookies">') :]
    declared = {t.name for c in categories.COOKIE_CATEGORIES for t in c.trackers}
    assert trackers_named(section) == declared
    for c in categories.COOKIE_CATEGORIES:
        assert str(register.PURPOSE_BY_CODE[c.purpose].name).replace("'", "&#x27;") in section
    assert 'href="#cookies"' in html


def test_the_banner_and_the_charter_name_the_same_trackers(client):
    banner = client.get("/").content.decode()
    charter = client.get(reverse("privacy:charter")).content.decode()

    dialog = banner[banner.index('<dialog id="cc"') : banner.index("</dialog>")]
    assert trackers_named(dialog) == trackers_named(charter[charter.index('id="cookies"') :])


def test_every_page_offers_the_cookies_link_in_its_footer(client, guardian_anna):
    for c in (client, client_for(guardian_anna)):
        html = c.get("/").content.decode()
        footer = html[html.index("<footer") :]
        assert f'href="{reverse("cookies:preferences")}"' in footer


def test_the_cookies_page_shows_no_dialog_but_the_same_switches(client):
    html = client.get(reverse("cookies:preferences")).content.decode()

    assert '<dialog id="cc"' not in html
    assert 'id="cc-state"' in html  # the script still gets its state there
    for c in categories.COOKIE_CATEGORIES:
        if not c.exempt:
            assert f'name="category" value="{c.code}"' in html


def test_the_privacy_centre_section_shows_a_person_s_choices_and_history(guardian_anna):
    client = client_for(guardian_anna)
    client.post(reverse("cookies:preferences"), {"action": "accept"})
    client.post(reverse("cookies:preferences"), {"action": "custom", "category": ["audience"]})
    [section] = [
        s for s in navigation.privacy_sections() if s.template == "cookies/privacy_section.html"
    ]
    context = section.context(guardian_anna, guardian_anna)
    assert context is not None
    assert [r.action for r in context["history"]] == ["custom", "accept"]

    # As the privacy centre shows it: the choices made, and the way to change them.
    html = client.get(reverse("accounts:privacy_centre")).content.decode()
    html = html[html.index('id="mes-cookies"') :]
    html = html[: html.index("</section>")]
    assert "Vos choix sur les cookies" in html
    assert "Tout accepté" in html
    assert "Catégories acceptées : La mesure d&#x27;audience." in html
    assert reverse("cookies:preferences") in html
    assert "Aucun choix sur les cookies" not in html


def test_a_guardian_sees_their_child_s_choices_without_the_change_link(guardian_anna, child_ben):
    client_for(child_ben).post(reverse("cookies:preferences"), {"action": "refuse"})

    context = queries.privacy_section(guardian_anna, child_ben)

    assert [r.user for r in context["history"]] == [child_ben]
    assert context["is_self"] is False


def test_a_person_without_any_choice_is_told_so():
    person = make_user(role=Role.TEACHER)

    context = queries.privacy_section(person, person)

    assert context["current"] is None
    assert context["history"] == []
