import re
from dataclasses import replace
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from charte.accounts.models import Role
from charte.consent.models import CharterVersion, ConsentRecord
from charte.core.actors import person_ref
from charte.privacy import register
from tests.conftest import birthday
from tests.consent.helpers import adopt, required
from tests.factories import PASSWORD, make_user, set_birth_date_directly

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
QUESTIONS = reverse("consent:questions")

FORUM = register.Purpose(
    code="forum",
    processing="platform",
    name="Le forum de la classe",
    description="Échanger avec sa classe sur un forum modéré par l'enseignant.",
)


def publish() -> str:
    out = StringIO()
    call_command("charter", "publish", stdout=out)
    return out.getvalue()


def sign_in(client, login):
    return client.post(LOGIN, {"username": login, "password": PASSWORD})


def answer(client, response, **boxes):
    page = client.get(response.url).content.decode()
    data = dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', page))
    data.update({f"consent_{code}": "on" for code in boxes})
    return client.post(response.url, data)


def test_a_new_purpose_is_a_material_version_asked_at_the_next_sign_in(client, monkeypatch):
    chloe = make_user(role=Role.TEACHER, email="chloe@college.test")
    assert "Published version 1" in publish()
    assert sign_in(client, "chloe@college.test").url == reverse("home")
    client.logout()

    monkeypatch.setattr(register, "PURPOSES", (*register.PURPOSES, FORUM))
    monkeypatch.setattr(register, "PURPOSE_BY_CODE", {p.code: p for p in register.PURPOSES})
    output = publish()

    version = CharterVersion.objects.get(number=2)
    assert version.material is True
    assert version.material_purposes == ["forum"]
    assert "asked again at next sign-in: forum" in output
    response = sign_in(client, "chloe@college.test")
    assert response.url.startswith(QUESTIONS)
    page = client.get(response.url).content.decode()
    assert "Le forum de la classe" in page
    # Until answered, the other pages wait; the charter stays readable.
    assert client.get(reverse("home")).url.startswith(QUESTIONS)
    assert client.get(reverse("privacy:charter")).status_code == 200

    done = answer(client, response, forum=True)

    assert done.url == reverse("home")
    record = ConsentRecord.objects.get(subject_ref=person_ref(chloe), purpose="forum")
    assert (record.act, record.channel, record.charter_version) == ("given", "sign_in", version)
    assert client.get(reverse("home")).status_code == 200


def test_an_unchanged_register_publishes_nothing(db):
    publish()

    assert "nothing to do" in publish()
    assert CharterVersion.objects.count() == 1


def test_a_longer_retention_is_material_and_a_shorter_one_only_informs(client, monkeypatch):
    make_user(email="anna@famille.test")
    publish()
    rules = list(register.RETENTION_RULES)
    index = next(i for i, r in enumerate(rules) if r.code == "marketing")

    rules[index] = replace(rules[index], years=2)
    monkeypatch.setattr(register, "RETENTION_RULES", tuple(rules))
    monkeypatch.setattr(register, "RETENTION_BY_CODE", {r.code: r for r in rules})
    publish()
    shorter = CharterVersion.objects.get(number=2)
    assert shorter.material is False
    assert [(c["change"], c["code"]) for c in shorter.changes] == [("shorter", "marketing")]

    rules[index] = replace(rules[index], years=4)
    monkeypatch.setattr(register, "RETENTION_RULES", tuple(rules))
    monkeypatch.setattr(register, "RETENTION_BY_CODE", {r.code: r for r in rules})
    publish()
    longer = CharterVersion.objects.get(number=3)
    assert longer.material is True
    assert set(longer.material_purposes) == {"newsletter", "partner_offers", "reviews"}


def test_a_minor_change_only_informs_at_sign_in(client, monkeypatch):
    make_user(email="anna@famille.test")
    publish()
    sign_in(client, "anna@famille.test")
    client.logout()
    rules = [
        replace(r, days=r.days - 1) if r.code == "technical" else r
        for r in register.RETENTION_RULES
    ]
    monkeypatch.setattr(register, "RETENTION_RULES", tuple(rules))
    monkeypatch.setattr(register, "RETENTION_BY_CODE", {r.code: r for r in rules})
    publish()

    response = sign_in(client, "anna@famille.test")

    assert response.url == reverse("home")
    page = client.get(response.url).content.decode()
    assert "Notre charte a été mise à jour" in page


def test_a_pupil_who_reaches_the_age_gives_their_own_consent(client, guardian_anna):
    pupil = make_user(role=Role.PUPIL, username="sam.b", birth_date=birthday(14))
    adopt(guardian=guardian_anna, child=pupil)
    assert sign_in(client, "sam.b").url == reverse("home")
    client.logout()

    set_birth_date_directly(pupil, birthday(15) - timedelta(days=1))
    response = sign_in(client, "sam.b")

    assert response.url.startswith(QUESTIONS)
    assert "Vous avez maintenant l'âge de décider" in client.get(response.url).content.decode()
    answer(client, response, **required(pupil))
    own = ConsentRecord.objects.filter(subject_ref=person_ref(pupil), purpose="account").last()
    assert own is not None
    assert (own.on_behalf, own.actor_ref) == (False, person_ref(pupil))


def test_a_minor_change_is_told_on_the_next_visit_of_someone_signed_in(client, monkeypatch):
    make_user(email="anna@famille.test")
    publish()
    sign_in(client, "anna@famille.test")
    assert "Notre charte a été mise à jour" not in client.get(reverse("home")).content.decode()
    rules = [
        replace(r, days=r.days - 1) if r.code == "technical" else r
        for r in register.RETENTION_RULES
    ]
    monkeypatch.setattr(register, "RETENTION_RULES", tuple(rules))
    monkeypatch.setattr(register, "RETENTION_BY_CODE", {r.code: r for r in rules})
    publish()  # while Anna is signed in
    assert CharterVersion.objects.get(number=2).material is False

    first = client.get(reverse("home")).content.decode()
    again = client.get(reverse("home")).content.decode()

    assert "Notre charte a été mise à jour" in first
    assert "(version 2)" in first
    assert "Notre charte a été mise à jour" not in again  # told once
