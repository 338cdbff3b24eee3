"""A closed account is told why it waits, only after its right password, and may ask again for
the email it waits on (rate-limited); a wrong password reads as for any other login."""

from html import unescape

from django.test import Client
from django.urls import reverse

from charte.accounts.models import Role
from charte.notifications.models import Message
from tests.conftest import journal
from tests.factories import PASSWORD, make_user

WRONG = "Adresse e-mail, identifiant ou mot de passe incorrect"


def sign_in(client: Client, login: str, password: str) -> str:
    response = client.post(reverse("accounts:login"), {"username": login, "password": password})
    return unescape(response.content.decode())


def test_an_unconfirmed_adult_is_told_after_the_right_password_and_may_resend(db: None) -> None:
    teacher = make_user(role=Role.TEACHER, email="mme.roux@college.test", is_active=False)
    client = Client()
    assert WRONG in sign_in(client, "mme.roux@college.test", "not-the-password")
    assert WRONG in sign_in(client, "nobody@college.test", "not-the-password")
    page = sign_in(client, "mme.roux@college.test", PASSWORD)
    assert "Votre adresse n'est pas encore confirmée" in page
    assert "m…@college.test" in page
    assert page.count("Votre adresse n'est pas encore confirmée") == 1
    before = Message.objects.filter(kind="accounts.sign_up_confirm").count()
    for _ in range(3):
        assert client.post(reverse("accounts:waiting_resend")).status_code == 302
        sign_in(client, "mme.roux@college.test", PASSWORD)
    assert Message.objects.filter(kind="accounts.sign_up_confirm").count() == before + 3
    assert len(journal("auth.sign_up_link_resent", about=teacher)) == 3
    # A fourth the same day is refused.
    assert client.post(reverse("accounts:waiting_resend")).status_code == 429
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_resending_needs_the_password_typed_first(db: None) -> None:
    make_user(role=Role.TEACHER, email="mme.roux@college.test", is_active=False)
    response = Client().post(reverse("accounts:waiting_resend"))
    assert response.status_code == 302
    assert not journal("auth.sign_up_link_resent")
