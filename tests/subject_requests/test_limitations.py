"""Restriction and objection reach every processing through the gate, and freeze edits."""

import pytest
from django.core import mail
from django.urls import reverse

from charte.consent.actions import record_choices
from charte.privacy import processing
from charte.subject_requests import actions
from charte.subject_requests.models import Kind, Limitation, Status
from tests.conftest import client_for, journal
from tests.factories import PASSWORD
from tests.subject_requests.helpers import new_url, online, staff_url

pytestmark = pytest.mark.django_db


def test_a_restriction_freezes_processing_and_edits_and_the_person_sees_it(
    guardian_anna, dpo_elise, django_capture_on_commit_callbacks
):
    record_choices(
        person=guardian_anna, choices={"coach": True}, actor=guardian_anna, channel="signup"
    )
    request = online(guardian_anna, Kind.RESTRICTION, details="Je conteste mon nom")
    assert processing.allowed(guardian_anna, "coach")

    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})

    for purpose in ("coach", "statistics", "improvement", "newsletter", "partner_offers"):
        assert processing.allowed(guardian_anna, purpose) is False, purpose
    assert processing.allowed(guardian_anna, "account")  # stored and the account still works
    assert processing.refusals(guardian_anna, "coach") == ["subject_requests.restriction"]
    client = client_for(guardian_anna)
    centre = client.get(reverse("accounts:privacy_centre")).content.decode()
    assert "Le traitement de ces données est limité" in centre
    client.post(
        reverse("subject_requests:information", args=[guardian_anna.public_id]),
        {
            "first_name": "Annie",
            "last_name": "Martin",
            "email": "anna@famille.test",
            "language": "fr",
            "country": "FR",
        },
    )
    guardian_anna.refresh_from_db()
    assert guardian_anna.first_name == "Anna"
    assert processing.edit_allowed(guardian_anna, dpo_elise)

    limitation = Limitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(reverse("subject_requests:lift", args=[limitation.public_id]))
    assert processing.allowed(guardian_anna, "coach")
    assert journal("subject_request.restriction_lifted")
    assert mail.outbox[-1].to == ["anna@famille.test"]


def test_objecting_to_marketing_and_profiling_takes_effect_at_once(guardian_anna):
    client = client_for(guardian_anna)

    client.post(
        new_url(guardian_anna, Kind.OBJECTION),
        {"purposes": ["newsletter", "coach"], "password": PASSWORD},
    )

    assert processing.allowed(guardian_anna, "newsletter") is False
    assert (
        processing.allowed(guardian_anna, "coach") is False
    )  # the coach falls back to non-personalised
    assert processing.allowed(guardian_anna, "statistics")
    request = guardian_anna.subject_requests.get()
    assert request.status == Status.COMPLETED
    assert len(journal("subject_request.objection_started")) == 2


def test_an_objection_to_statistics_waits_for_the_dpo(guardian_anna, dpo_elise):
    request = online(guardian_anna, Kind.OBJECTION, purposes=["statistics", "improvement"])

    assert processing.allowed(guardian_anna, "improvement") is False
    assert processing.allowed(guardian_anna, "statistics")
    assert request.status == Status.IN_REVIEW

    actions.decide(request=request, actor=dpo_elise, decision="approved")
    assert processing.allowed(guardian_anna, "statistics") is False


def test_the_person_withdraws_their_objection(guardian_anna):
    record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="signup"
    )
    online(guardian_anna, Kind.OBJECTION, purposes=["newsletter"])
    limitation = Limitation.objects.get()

    client_for(guardian_anna).post(reverse("subject_requests:lift", args=[limitation.public_id]))

    assert processing.allowed(guardian_anna, "newsletter")


def test_the_person_corrects_what_they_provided_and_the_journal_keeps_no_value(guardian_anna):
    client = client_for(guardian_anna)
    url = reverse("subject_requests:information", args=[guardian_anna.public_id])

    response = client.post(
        url,
        {
            "first_name": "Annie",
            "last_name": "Martin-Roux",
            "email": "annie@famille.test",
            "phone": "0601020304",
            "language": "fr",
            "country": "fr",
        },
    )

    guardian_anna.refresh_from_db()
    assert response.status_code == 302
    # The sign-in address is not corrected here: it has its own confirmed procedure.
    assert (guardian_anna.first_name, guardian_anna.email, guardian_anna.country) == (
        "Annie",
        "anna@famille.test",
        "FR",
    )
    [entry] = journal("account.rectified")
    assert entry.data == {"fields": ["first_name", "last_name", "phone"]}


def test_a_guardian_corrects_the_childs_name_and_the_child_gets_no_email_field(family):
    anna, ben = family
    url = reverse("subject_requests:information", args=[ben.public_id])
    client = client_for(anna)

    page = client.get(url).content.decode()
    client.post(
        url, {"first_name": "Benjamin", "last_name": "Martin", "language": "fr", "country": "FR"}
    )

    ben.refresh_from_db()
    assert 'name="email"' not in page
    assert ben.first_name == "Benjamin"


def test_lifting_never_redirects_to_another_site(guardian_anna):
    online(guardian_anna, Kind.OBJECTION, purposes=["newsletter"])
    limitation = Limitation.objects.get()

    response = client_for(guardian_anna).post(
        reverse("subject_requests:lift", args=[limitation.public_id]),
        {"next": "https://ailleurs.example/piege"},
    )

    assert response["Location"] == reverse("accounts:privacy_centre")
