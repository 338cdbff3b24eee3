import pytest
from django.test import Client
from django.urls import reverse

from charte.accounts.models import Role
from tests.conftest import client_for
from tests.factories import make_user
from tests.helpers import external_urls

pytestmark = pytest.mark.django_db


def test_the_welcome_page_invites_to_sign_in_and_to_read_the_charter(client):
    response = client.get(reverse("home"))

    text = response.content.decode()
    assert response.status_code == 200
    assert reverse("accounts:login") in text
    assert reverse("privacy:charter") in text


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_home_page_with_the_charter_in_its_footer(role):
    user = make_user(role=role)

    response = client_for(user).get(reverse("home"))

    assert response.status_code == 200
    assert f'href="{reverse("privacy:charter")}"' in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/compte/connexion/", "/charte/", "/compte/mot-de-passe/oublie/"]
)
def test_pages_load_nothing_from_another_site_and_say_so_in_their_policy(client, url):
    response = client.get(url)

    assert external_urls(response.content.decode()) == []
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_a_missing_page_answers_in_plain_words(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.urls("tests.core.urls_failing")
def test_a_server_error_shows_no_stack_trace():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    text = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue de notre côté" in text
    assert "Traceback" not in text
    assert "secret internal detail" not in text


def test_a_form_posted_without_its_csrf_token_is_refused_kindly(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_the_language_can_be_switched_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert "Sign in" in response.content.decode()
