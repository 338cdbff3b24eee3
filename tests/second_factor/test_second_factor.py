"""Setting up, using, losing and resetting a second factor, through the pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from charte.audit import events
from charte.notifications.models import Message
from charte.second_factor import actions
from charte.second_factor.models import RecoveryCode
from tests.conftest import client_for, journal
from tests.factories import PASSWORD
from tests.second_factor.helpers import SETUP, VERIFY, code_for, give_app, sign_in

pytestmark = pytest.mark.django_db

SETTINGS = reverse("second_factor:settings")
CONFIRM_PASSWORD = reverse("second_factor:confirm_password")


def test_a_staff_member_sets_up_an_app_at_first_sign_in(it_jules):
    client = Client()
    signed_in = sign_in(client, it_jules)
    page = client.get(signed_in["Location"])
    device = TOTPDevice.objects.get(user=it_jules, confirmed=False)
    text = page.content.decode()

    assert signed_in["Location"].startswith(SETUP)
    assert 'src="data:image/svg+xml' in text  # drawn here: no request to anyone else
    secret = re.search(r'<code class="secret"[^>]*>([A-Z2-7 ]+)</code>', text)
    assert secret is not None
    assert len(secret.group(1).replace(" ", "")) == 32

    wrong = client.post(SETUP, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "Ce code ne correspond pas" in wrong.content.decode()
    done = client.post(SETUP, {"code": code_for(device), "next": "/journal/"})

    assert done.status_code == 302
    codes_page = client.get(done["Location"])
    codes = re.findall(
        r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", codes_page.content.decode()
    )
    assert len(codes) == 10
    assert client.get(done["Location"]).status_code == 302  # shown once
    assert client.get("/journal/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert RecoveryCode.objects.filter(code_set__user=it_jules).count() == 10
    assert [e.data for e in journal(events.SECOND_FACTOR_ADDED, about=it_jules)] == [
        {"method": "totp", "replaced": False}
    ]
    assert journal(events.RECOVERY_CODES_CREATED, about=it_jules)[0].data == {"count": 10}
    [email] = Message.objects.filter(kind="second_factor.changed")
    assert email.to_email == "jules@charte.test"
    assert "ajouté" in email.subject


def test_a_staff_member_with_an_app_types_its_code_after_the_password(cs_farid):
    device = give_app(cs_farid)
    client = Client()

    signed_in = sign_in(client, cs_farid)
    page = client.get(signed_in["Location"])
    verified = client.post(
        VERIFY, {"code": code_for(device), "next": "/service-client/signalements/"}
    )

    assert signed_in["Location"].startswith(VERIFY)
    assert "est bien vous" in page.content.decode()
    assert verified.status_code == 302
    assert verified["Location"] == "/service-client/signalements/"
    [entry] = journal(events.SECOND_FACTOR_VERIFIED, about=cs_farid)
    assert entry.data == {"method": "totp"}
    assert entry.ip == "127.0.0.1"


def test_verifying_gives_the_session_a_new_key(cs_farid):
    device = give_app(cs_farid)
    client = Client()
    sign_in(client, cs_farid)
    before = client.session.session_key

    client.post(VERIFY, {"code": code_for(device)})

    assert client.session.session_key != before


def test_a_wrong_code_says_how_many_tries_are_left(cs_farid):
    device = give_app(cs_farid)
    client = Client()
    sign_in(client, cs_farid)
    right = code_for(device)

    response = client.post(VERIFY, {"code": f"{(int(right) + 500_000) % 1_000_000:06d}"})

    assert "Encore 4 essai(s)" in response.content.decode()
    assert len(journal(events.SECOND_FACTOR_FAILED, about=cs_farid)) == 1
    assert len(journal(events.LOGIN_FAILED, about=cs_farid)) == 1


def test_letters_are_refused_before_any_check(cs_farid):
    give_app(cs_farid)
    client = Client()
    sign_in(client, cs_farid)

    response = client.post(VERIFY, {"code": "abc"})

    assert "Tapez les 6 chiffres" in response.content.decode()
    assert journal(events.SECOND_FACTOR_FAILED) == []


def test_a_teacher_turns_it_on_with_her_password_and_off_again(teacher_chloe):
    client = client_for(teacher_chloe)

    asked = client.get(SETUP)
    assert asked["Location"].startswith(CONFIRM_PASSWORD)
    wrong = client.post(CONFIRM_PASSWORD, {"password": "pas-le-bon", "next": SETUP})
    assert "Ce n&#x27;est pas votre mot de passe" in wrong.content.decode()
    client.post(CONFIRM_PASSWORD, {"password": PASSWORD, "next": SETUP})
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=teacher_chloe)
    client.post(SETUP, {"code": code_for(device)})

    again = Client()
    held = sign_in(again, teacher_chloe)
    assert held["Location"].startswith(VERIFY)

    off = client.post(reverse("second_factor:turn_off"), {"password": PASSWORD})
    assert off["Location"] == SETTINGS
    assert not TOTPDevice.objects.filter(user=teacher_chloe).exists()
    assert not RecoveryCode.objects.filter(code_set__user=teacher_chloe).exists()
    assert sign_in(Client(), teacher_chloe)["Location"] == reverse("home")
    assert [e.data["method"] for e in journal(events.SECOND_FACTOR_REMOVED)] == ["all"]
    last = Message.objects.filter(kind="second_factor.changed").order_by("pk").last()
    assert last is not None
    assert last.subject.startswith("Un second facteur a été retiré")


def test_a_pupil_is_not_offered_one(pupil_lea):
    client = client_for(pupil_lea)

    assert client.get(SETTINGS).status_code == 404
    assert client.get(SETUP).status_code == 404
    assert "Double authentification" not in client.get(reverse("home")).content.decode()


def test_staff_cannot_remove_their_last_factor(it_jules):
    client = client_for(it_jules)
    client.post(CONFIRM_PASSWORD, {"password": PASSWORD})

    response = client.post(reverse("second_factor:remove_totp"), follow=True)

    assert "Votre rôle demande un second facteur" in response.content.decode()
    assert TOTPDevice.objects.filter(user=it_jules, confirmed=True).exists()
    assert client.get(reverse("second_factor:turn_off")).status_code == 404


def test_new_recovery_codes_replace_the_old_ones(it_jules):
    device = actions.start_totp(user=it_jules)
    old = actions.confirm_totp(device=device, code=code_for(device), actor=it_jules)
    client = Client()
    sign_in(client, it_jules)
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})  # the next code: each works once

    made = client.post(reverse("second_factor:recovery_codes"))
    page = client.get(made["Location"])
    new = re.findall(r"<code>([a-z2-9-]{14})</code>", page.content.decode())
    fresh, stale = Client(), Client()
    sign_in(fresh, it_jules)
    sign_in(stale, it_jules)
    accepted = fresh.post(reverse("second_factor:recovery"), {"code": new[0]})
    refused = stale.post(reverse("second_factor:recovery"), {"code": old[0]})

    assert len(new) == 10
    assert not set(new) & set(old)
    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert journal(events.RECOVERY_CODES_CREATED, about=it_jules)[-1].data["renewed"] is True


def test_the_dpo_resets_a_colleagues_factor_and_the_colleague_is_told(dpo_elise, cs_farid):
    give_app(cs_farid)
    colleague = Client()
    sign_in(colleague, cs_farid)
    client = client_for(dpo_elise)

    found = client.post(reverse("second_factor:reset"), {"login": "FARID@charte.test"})
    page = client.get(found["Location"])
    done = client.post(found["Location"])

    assert "Second facteur de Farid Benali" in page.content.decode()
    assert done["Location"] == reverse("second_factor:reset")
    assert not TOTPDevice.objects.filter(user=cs_farid).exists()
    assert cs_farid.sessions.count() == 0
    [reset] = journal(events.SECOND_FACTOR_RESET)
    assert reset.actor_ref == f"user:{dpo_elise.public_id}"
    assert reset.subject_ref == f"user:{cs_farid.public_id}"
    assert reset.data == {"factors": 1, "sessions_ended": 1}
    assert journal("read.second_factor", about=cs_farid)
    [email] = Message.objects.filter(kind="second_factor.changed", to_email="farid@charte.test")
    assert "réinitialisé" in email.subject
    assert "Si ce n'est pas vous" in email.body
    assert sign_in(Client(), cs_farid)["Location"].startswith(SETUP)


def test_the_privacy_centre_says_whether_it_is_on(teacher_chloe):
    client = client_for(teacher_chloe)

    text = client.get(reverse("accounts:privacy_centre")).content.decode()

    assert "Double authentification" in text
    assert "Activer la double authentification" in text
    assert "Mes appareils" in text
