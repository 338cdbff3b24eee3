"""U1: a material change of the charter is told to everyone and enforced at once.

Publishing a change that widens purposes emails every adult (and every guardian, for their
children) the summary of what changed; from that moment, the widened purposes stop for each
person until they (or their guardian) consent again, and the newsletter's list leaves them out.
"""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from charte.consent.actions import record_choices
from charte.consent.models import CharterVersion
from charte.consent.tasks import tell_charter_change
from charte.mailings.queries import audience
from charte.privacy import processing, register
from tests.conftest import client_for, journal
from tests.consent.helpers import TUTOR, adopt

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(guardian_anna, child_ben, pupil_lea, teacher_chloe, staff_david, dpo_elise):
    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))
    record_choices(
        person=pupil_lea,
        choices={"account": True, "coach": True},
        actor=pupil_lea,
        channel="signup",
    )
    for adult in (guardian_anna, teacher_chloe):
        record_choices(
            person=adult, choices={"newsletter": True}, actor=adult, channel="privacy_centre"
        )
    return {
        "anna": guardian_anna,
        "ben": child_ben,
        "lea": pupil_lea,
        "chloe": teacher_chloe,
        "david": staff_david,
    }


def publish(monkeypatch, capture):
    call_command("charter", "publish", stdout=StringIO())  # the version in force
    monkeypatch.setattr(register, "RECIPIENTS", (*register.RECIPIENTS, TUTOR))
    mail.outbox.clear()
    with capture(execute=True):
        call_command("charter", "publish", stdout=StringIO())
    return CharterVersion.objects.get(number=2)


def test_a_material_change_is_told_and_stops_the_widened_purposes_until_consent_again(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    anna, ben, lea, chloe = people["anna"], people["ben"], people["lea"], people["chloe"]
    assert processing.allowed(ben, "coach")
    assert processing.allowed(lea, "coach")
    assert set(audience("newsletter")) == {anna, chloe}

    version = publish(monkeypatch, django_capture_on_commit_callbacks)

    assert version.material
    assert version.material_purposes == ["coach", "newsletter"]
    told = {address: m for m in mail.outbox for address in m.to}
    # Every adult and every pupil old enough to decide, at their own address; the school's
    # staff member too (a platform user); a child too young, only through his guardian.
    assert set(told) == {anna.email, lea.email, chloe.email, people["david"].email}
    assert "elise@charte.test" not in told  # the operator's staff are not asked to consent
    to_anna = told[anna.email]
    assert "version 2" in to_anna.subject
    assert "Nouveau destinataire : Un partenaire de soutien scolaire." in to_anna.body
    assert "Le coach : des parcours personnalisés" in to_anna.body
    assert "Notre lettre d'information" in to_anna.body
    assert "votre enfant Ben" in to_anna.body
    assert "/charte/versions/2/" in to_anna.body
    assert version.told_at is not None
    assert [e.data["finished"] for e in journal("charter.told")] == [True]

    # From the publication on, the widened purposes stop for everyone who has not said yes again.
    assert not processing.allowed(ben, "coach")
    assert not processing.allowed(lea, "coach")
    assert not processing.consent_given(chloe, "newsletter")
    assert list(audience("newsletter")) == []
    assert processing.allowed(chloe, "account")  # what the change did not widen goes on
    # The operator's other services, reading consents through the API, are told the same.
    out = StringIO()
    call_command("consent_api_key", "newsletter-tool", stdout=out)
    api = Client().get(
        f"/api/consent/subjects/{chloe.public_id}",
        headers={"Authorization": f"Bearer {out.getvalue().split()[-1]}"},
    )
    holds = {c["purpose"]: c["holds"] for c in api.json()["consents"]}
    assert (holds["newsletter"], holds["account"]) == (False, True)

    # Each comes back when its person (a guardian, for a child) consents again.
    for viewer, person, code in ((chloe, chloe, "newsletter"), (anna, ben, "coach")):
        response = client_for(viewer).post(
            reverse("consent:choose", args=[person.public_id]), {"purpose": code, "give": "1"}
        )
        assert response.status_code == 302
    assert processing.allowed(ben, "coach")
    assert set(audience("newsletter")) == {chloe}
    assert not processing.allowed(lea, "coach")  # Léa has not answered yet

    # Telling again tells nobody twice.
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_charter_change.call(number=2) == 0
    assert len(mail.outbox) == before


def test_the_privacy_centre_shows_a_consent_to_give_again(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    publish(monkeypatch, django_capture_on_commit_callbacks)

    page = client_for(people["anna"]).get(
        reverse("accounts:privacy_centre_person", args=[people["ben"].public_id])
    )

    assert "la charte a changé, votre accord est à redonner" in page.content.decode()


def test_a_telling_stopped_halfway_goes_on_where_it_stopped(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    from charte.consent import actions

    call_command("charter", "publish", stdout=StringIO())
    monkeypatch.setattr(register, "RECIPIENTS", (*register.RECIPIENTS, TUTOR))
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        call_command("charter", "publish", stdout=StringIO())
    version = CharterVersion.objects.get(number=2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = actions.tell_charter_change_batch(version=version, actor=actions.ANONYMOUS, size=2)
    version.refresh_from_db()
    assert version.told_at is None
    assert version.told_through > 0
    with django_capture_on_commit_callbacks(execute=True):
        rest = tell_charter_change.call(number=2)

    addresses = sorted(a for m in mail.outbox for a in m.to)
    assert len(addresses) == len(set(addresses)) == first + rest == 4


def test_a_minor_change_sends_no_email_and_stops_nothing(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    call_command("charter", "publish", stdout=StringIO())
    fewer = tuple(r for r in register.RECIPIENTS if r.code != "partner_publisher")
    monkeypatch.setattr(register, "RECIPIENTS", fewer)  # a recipient removed: narrower
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("charter", "publish", stdout=StringIO())

    assert CharterVersion.objects.get(number=2).material is False
    assert mail.outbox == []
    assert processing.allowed(people["ben"], "coach")
