"""A role beside a person's name reads naturally for anyone: no word that takes a gender."""

import pytest
from django.urls import reverse
from django.utils import translation

from charte.accounts.models import Role, User
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# Nouns whose French form says a gender (and their feminine forms).
GENDERED = ("Enseignant", "Délégué", "Professeur", "Directeur", "Directrice")


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DPO, Role.PARENT, Role.PUPIL])
def test_the_header_badge_needs_no_gender(role, settings):
    person = make_user(role=role, first_name="Élise")
    page = client_for(person).get(reverse("accounts:devices")).content.decode()

    badge = page.split('site-account__who">', 1)[1].split("</span></span>", 1)[0]
    assert badge.startswith("Élise")
    assert person.role_badge in badge
    assert not any(word in badge for word in GENDERED), badge


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_role_badge_reads_without_gender(language):
    with translation.override(language):
        badges = {role: User(role=role).role_badge for role in Role}
    assert not [b for b in badges.values() if any(word in b for word in GENDERED)], badges
    assert badges[Role.TEACHER] != str(Role.TEACHER.label)  # the name that takes a gender
