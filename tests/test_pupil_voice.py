"""Pupils are spoken to in "tu", everywhere a pupil reads: every page a pupil opens is read,
its main content and its menu, and any "vous", "votre" or "vos" addressed to them fails.

The footer's links, common to every reader, are not read. The privacy centre is not read yet:
the register's purposes it lists are written once, in "vous", for every reader.
"""

import re

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.assignments import actions as assignment_actions
from charte.assignments.models import Assignment
from tests.conftest import birthday, client_for
from tests.consent.helpers import adopt
from tests.factories import make_user
from tests.learning import attempt, catalogue, chloe_class, enrol, give_work, school

__all__ = ["catalogue", "chloe_class", "school"]

pytestmark = pytest.mark.django_db

ADULT_VOICE = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


def addressed_to_the_reader(html: str) -> list[str]:
    """The sentences of the page (its menu and main content) that say "vous"."""
    body = html.split("<footer", 1)[0]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", body)
    return [line.strip() for line in text.splitlines() if ADULT_VOICE.search(line)]


@pytest.fixture
def pupil_pages(catalogue, chloe_class, teacher_chloe, guardian_anna):
    for age, name in ((12, "Ben"), (16, "Léa")):
        pupil = make_user(role=Role.PUPIL, first_name=name, birth_date=birthday(age))
        if age < 15:
            adopt(guardian=guardian_anna, child=pupil)
        enrol(pupil, chloe_class)
    made = attempt(pupil, "republique-symboles", right=2)
    work = give_work(teacher_chloe, chloe_class, expects_production=True, title="Exposé")
    production = assignment_actions.hand_in(
        assignment=work, pupil=pupil, text="Mon exposé", files=[], actor=pupil
    )
    urls = [
        reverse("home"),
        reverse("assignments:mine"),
        reverse("assignments:detail", args=[work.public_id]),
        reverse("assignments:production", args=[production.public_id]),
        reverse("results:mine"),
        reverse("results:levels_help"),
        reverse("results:exercise", args=["republique-valeurs"]),
        reverse("results:attempt", args=[made.public_id]),
        reverse("content:catalogue"),
        reverse("content:lesson", args=["symboles-et-valeurs"]),
        reverse("coach:next"),
        reverse("resources:list"),
        reverse("resources:create"),
        reverse("accounts:devices"),
        reverse("accounts:password_change"),
    ]
    assert Assignment.objects.count() == 1
    return pupil, urls


def test_no_pupil_page_says_vous(pupil_pages):
    pupil, urls = pupil_pages
    client = client_for(pupil)
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        lines = addressed_to_the_reader(response.content.decode())
        if lines:
            found[url] = lines
    assert not found, "\n".join(f"{url}: {line}" for url, lines in found.items() for line in lines)


def test_the_check_finds_vous_where_it_is():
    assert addressed_to_the_reader("<main><p>Vos données</p><p>Tes résultats</p></main>") == [
        "Vos données"
    ]
