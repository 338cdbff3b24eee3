import re

import pytest
from django.core import mail
from django.urls import reverse

from charte.accounts.models import Session
from tests.conftest import client_for, journal
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_a_parent_signs_in_with_their_email_in_any_case(client, guardian_anna):
    response = client.post(LOGIN, {"username": "ANNA@Famille.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(guardian_anna.pk)
    [entry] = journal("auth.login", about=guardian_anna)
    assert entry.ip == "127.0.0.1"
    guardian_anna.refresh_from_db()
    assert guardian_anna.last_login is not None


def test_a_pupil_without_email_signs_in_with_the_username_given_by_their_parent(client, child_ben):
    response = client.post(LOGIN, {"username": "Ben.Martin", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(child_ben.pk)


def test_the_session_row_knows_its_user_so_it_can_be_ended_or_erased(client, guardian_anna):
    client.post(LOGIN, {"username": "anna@famille.test", "password": PASSWORD})

    assert Session.objects.filter(user=guardian_anna).count() == 1


def test_a_wrong_password_is_refused_clearly_and_journalled_without_the_typed_login(
    client, guardian_anna
):
    response = client.post(LOGIN, {"username": "anna@famille.test", "password": "pas-le-bon"})

    assert response.status_code == 200
    assert "Adresse e-mail, identifiant ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session
    [entry] = journal("auth.login_failed", about=guardian_anna)
    assert "anna" not in str(entry.data)
    assert len(entry.data["login"]) == 32


def test_a_failure_for_an_unknown_login_is_journalled_without_a_subject(client, db):
    client.post(LOGIN, {"username": "personne@nulle.part", "password": "x"})

    [entry] = journal("auth.login_failed")
    assert entry.subject_ref == ""
    assert "personne" not in str(entry.data)


def test_an_inactive_account_cannot_sign_in(client, db):
    make_user(email="pending@famille.test", is_active=False)

    response = client.post(LOGIN, {"username": "pending@famille.test", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_out_takes_a_post_and_is_journalled(guardian_anna):
    client = client_for(guardian_anna)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(journal("auth.logout", about=guardian_anna)) == 1


def test_changing_the_password_goes_through_the_action_and_the_journal(client, guardian_anna):
    client.force_login(guardian_anna)
    new = "une-phrase-tout-autre-2026"

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    guardian_anna.refresh_from_db()
    assert guardian_anna.check_password(new)
    assert guardian_anna.password.startswith("md5$") or guardian_anna.password.startswith("argon2")
    [entry] = journal("auth.password_change", about=guardian_anna)
    assert entry.ip == "127.0.0.1"


def test_a_weak_new_password_is_refused_and_nothing_changes(client, guardian_anna):
    client.force_login(guardian_anna)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "123456", "new_password2": "123456"},
    )

    assert response.status_code == 200
    guardian_anna.refresh_from_db()
    assert guardian_anna.check_password(PASSWORD)
    assert journal("auth.password_change") == []


def test_password_reset_link_names_the_account_by_public_id_and_works_once(
    client, guardian_anna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "anna@famille.test"})

    [message] = mail.outbox
    assert message.to == ["anna@famille.test"]
    found = re.search(r"http://127.0.0.1:8000(/compte/mot-de-passe/nouveau/\S+)", str(message.body))
    assert found is not None
    link = found.group(1)
    assert guardian_anna.public_id.hex in link
    assert f"/{guardian_anna.pk}/" not in link

    form_url = client.get(link).url  # Django swaps the token for a session marker
    new = "une-phrase-tout-autre-2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})

    assert response.status_code == 302
    guardian_anna.refresh_from_db()
    assert guardian_anna.check_password(new)
    assert len(journal("auth.password_reset", about=guardian_anna)) == 1
    assert "n'est plus valable" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@nulle.part"})

    assert response.status_code == 302
    assert mail.outbox == []
