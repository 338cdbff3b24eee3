import pytest
from django.urls import reverse

from charte.accounts import actions
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CENTRE = reverse("accounts:privacy_centre")


def person_url(person):
    return reverse("accounts:privacy_centre_person", args=[person.public_id])


def test_visitors_are_asked_to_sign_in(client):
    response = client.get(CENTRE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_person_sees_what_we_hold_about_them_with_why_and_how_long(guardian_anna):
    response = client_for(guardian_anna).get(CENTRE)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Ce que nous gardons" in text
    assert "Comptes" in text  # their account
    assert "Entrées du journal" in text  # the journal's record of their account's creation
    assert "L&#x27;année scolaire + 3 mois" in text


def test_a_guardian_sees_their_childs_data_and_can_switch_between_them(guardian_anna, child_ben):
    actions.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    client = client_for(guardian_anna)

    response = client.get(person_url(child_ben))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Les données de Ben" in text
    assert "Liens de responsabilité légale" in text
    assert person_url(child_ben) in client.get(CENTRE).content.decode()


@pytest.mark.parametrize("who", ["other_parent", "pending_guardian", "the_child"])
def test_nobody_else_sees_a_persons_data_and_they_cannot_tell_it_exists(
    who, guardian_anna, child_ben, staff_david
):
    actions.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    pending = make_user()
    actions.propose_guardianship(child=child_ben, guardian=pending, actor=staff_david)
    viewer, target = {
        "other_parent": (make_user(), child_ben),
        "pending_guardian": (pending, child_ben),
        "the_child": (child_ben, guardian_anna),
    }[who]
    client = client_for(viewer)

    forbidden = client.get(person_url(target))
    missing = client.get(
        reverse("accounts:privacy_centre_person", args=["00000000-0000-4000-8000-000000000000"])
    )

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content.decode().count("Page introuvable") == missing.content.decode().count(
        "Page introuvable"
    )
