import re

import pytest
from django.core import mail

from charte.accounts.models import User
from charte.consent.models import ConsentRecord, ConsentText
from charte.consent.purposes import text_body
from charte.core.actors import person_ref
from tests.conftest import journal
from tests.consent.helpers import SIGN_UP_URL, form_data

pytestmark = pytest.mark.django_db

URL = SIGN_UP_URL


def test_the_form_ticks_nothing_marks_mandatory_fields_and_says_what_each_is_for(client, db):
    page = client.get(URL).content.decode()

    assert re.findall(r'<input type="checkbox"[^>]*checked', page) == []
    assert re.findall(r'type="radio"[^>]*checked', page) == []
    assert page.count('class="required"') >= 5  # role, names, email, password, the charter
    assert "Pour vous connecter, retrouver votre mot de passe" in page
    assert "Facultatif : Les offres de nos partenaires" in page
    assert "Destinataires : " in page


def test_signing_up_records_each_choice_with_its_text_and_waits_for_the_address(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(client, consent_newsletter="on"))

    assert response.status_code == 200
    assert "Regardez vos e-mails" in response.content.decode()
    user = User.objects.get(email="claire@famille.test")
    assert user.is_active is False  # opened by the link sent to the address
    assert "_auth_user_id" not in client.session
    records = {r.purpose: r for r in ConsentRecord.objects.filter(subject_ref=person_ref(user))}
    assert records["account"].act == "given"
    assert records["account"].channel == "signup"
    assert records["account"].text is not None
    assert records["account"].text.sha256 == ConsentText.digest(text_body("account", "fr"))
    assert records["newsletter"].act == "given"
    assert records["partner_offers"].act == "refused"
    assert records["account"].on_behalf is False
    given = journal("consent.given", about=user)
    assert "newsletter" in {e.data["purpose"] for e in given}
    assert all(e.ip == "127.0.0.1" for e in given)
    [email] = mail.outbox
    assert email.to == ["claire@famille.test"]


def test_without_the_charter_box_nothing_is_created(client, db):
    response = client.post(URL, form_data(client, consent_required=None))

    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not User.objects.filter(email="claire@famille.test").exists()
    assert journal("consent.given") == []


def test_a_text_changed_since_it_was_shown_is_read_again(client, db):
    data = form_data(client)
    data["text_account"] = "0" * 64

    response = client.post(URL, data)

    assert response.status_code == 200
    assert "relisez-le" in response.content.decode()
    assert not User.objects.filter(email="claire@famille.test").exists()


def test_a_sign_up_with_an_error_keeps_what_was_typed_but_the_password(client, db):
    data = form_data(client, password="1234", consent_newsletter="on", phone="0601020304")

    response = client.post(SIGN_UP_URL, data)

    assert response.status_code == 200
    assert not User.objects.filter(email="claire@famille.test").exists()
    page = response.content.decode()
    for name, value in (("first_name", "Claire"), ("email", "claire@famille.test")):
        assert re.search(
            rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', page
        )
    boxes = dict(re.findall(r'<input type="checkbox" name="(consent_\w+)"([^>]*)>', page))
    assert "checked" in boxes["consent_required"]
    assert "checked" in boxes["consent_newsletter"]
    assert re.search(r'value="parent"[^>]*checked|checked[^>]*value="parent"', page)
    assert 'value="1234"' not in page
