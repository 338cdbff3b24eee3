"""The marketing service's newsletter contacts: adults who said yes, and only them.

Each view and each export is journalled; anyone but the marketing service gets 404.
"""

import csv
import io

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.consent.actions import ensure_text, record_choices, withdraw
from charte.consent.models import Act, Channel, ConsentRecord
from charte.core.actors import person_ref
from charte.privacy import processing
from charte.subject_requests.models import Decision, Kind
from tests.conftest import birthday, client_for, journal
from tests.factories import make_user
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db

PAGE = reverse("consent:newsletter_contacts")
CSV = reverse("consent:newsletter_contacts_csv")


def subscribe(person):
    record_choices(person=person, choices={"newsletter": True}, actor=person, channel="api")


def recorded_yes(person, *, actor):
    """A "yes" in the records that the forms no longer ask a pupil for (an import, an older
    version of the sign-up): the list must not trust it for a pupil."""
    ConsentRecord.objects.create(
        subject_ref=person_ref(person),
        purpose="newsletter",
        act=Act.GIVEN,
        actor_ref=person_ref(actor),
        on_behalf=actor != person,
        channel=Channel.API,
        text=ensure_text(purpose="newsletter", language="fr"),
    )


@pytest.fixture
def marketing():
    return make_user(role=Role.MARKETING, first_name="Maud", email="maud@charte.test")


@pytest.fixture
def people(guardian_anna, child_ben, pupil_lea, teacher_chloe):
    subscribe(guardian_anna)
    subscribe(teacher_chloe)
    recorded_yes(pupil_lea, actor=pupil_lea)  # 16: she may consent alone, but is not an adult
    recorded_yes(child_ben, actor=guardian_anna)  # 12: consented for by his guardian
    adult_pupil = make_user(
        role=Role.PUPIL, first_name="Yanis", email="yanis@eleve.test", birth_date=birthday(19)
    )
    recorded_yes(adult_pupil, actor=adult_pupil)  # a pupil: marketing never reaches pupils
    young_parent = make_user(first_name="Jade", email="jade@famille.test", birth_date=birthday(17))
    subscribe(young_parent)
    withdrawn = make_user(first_name="Wanda", email="wanda@famille.test")
    subscribe(withdrawn)
    withdraw(person=withdrawn, purpose="newsletter", actor=withdrawn, channel="privacy_centre")
    make_user(first_name="Nina", email="nina@famille.test")  # never said yes
    return {"anna": guardian_anna, "chloe": teacher_chloe}


def test_marketing_sees_only_the_adults_who_consented(marketing, people):
    response = client_for(marketing).get(PAGE)

    assert response.status_code == 200
    listed = {c.person.email for c in response.context["contacts"]}
    assert listed == {p.email for p in people.values()}
    page = response.content.decode()
    for absent in ("lea@eleve.test", "Ben", "yanis@", "jade@", "wanda@", "nina@"):
        assert absent not in page
    [entry] = journal("consent.newsletter_contacts_viewed")
    assert entry.data == {"count": 2}
    assert entry.actor_ref.endswith(str(marketing.public_id))


def test_the_export_holds_the_same_people_and_is_journalled(marketing, people):
    response = client_for(marketing).get(CSV)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert {r["email"] for r in rows} == {p.email for p in people.values()}
    assert set(rows[0]) == {"prenom", "nom", "email", "langue", "consentement_le"}
    [entry] = journal("consent.newsletter_contacts_exported")
    assert entry.data == {"count": 2}
    assert journal("consent.newsletter_contacts_viewed") == []


def test_a_withdrawal_takes_a_person_off_the_list_at_once(marketing, people):
    anna = people["anna"]
    withdraw(person=anna, purpose="newsletter", actor=anna, channel="privacy_centre")

    contacts = client_for(marketing).get(PAGE).context["contacts"]

    assert anna not in [c.person for c in contacts]


def test_a_closed_account_is_not_listed(marketing, people):
    chloe = people["chloe"]
    chloe.is_active = False
    chloe.save(update_fields=["is_active"])

    contacts = client_for(marketing).get(PAGE).context["contacts"]

    assert chloe not in [c.person for c in contacts]


def test_a_cell_that_looks_like_a_formula_is_kept_as_text(marketing):
    person = make_user(first_name="=HYPERLINK(1)", email="formule@famille.test")
    subscribe(person)

    body = client_for(marketing).get(CSV).content.decode()

    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MARKETING])
def test_anyone_else_gets_not_found_and_nothing_is_journalled(role, people):
    client = client_for(make_user(role=role))

    assert client.get(PAGE).status_code == 404
    assert client.get(CSV).status_code == 404
    assert journal("consent.newsletter_contacts_viewed") == []
    assert journal("consent.newsletter_contacts_exported") == []


def test_a_visitor_is_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302
    assert client.get(CSV).status_code == 302


def test_marketing_s_home_counts_its_lists_and_its_menu_leads_to_them(marketing, people):
    home = client_for(marketing).get("/")

    panel = next(c for t, c in home.context["panels"] if t == "recipients/panels/marketing.html")
    assert panel["newsletter"] == len(client_for(marketing).get(PAGE).context["contacts"])
    assert panel["newsletter"] >= 1
    text = home.content.decode()
    assert PAGE in text
    assert reverse("recipients:review_invitations") in text
    assert "anna@famille.test" not in text  # counts, never who


def test_an_objection_or_a_restriction_takes_a_consenting_adult_off_the_list(
    marketing, people, dpo_elise
):
    anna, chloe = people["anna"], people["chloe"]
    processing.record_objection(person=anna, purpose="newsletter", actor=anna)
    request = online(chloe, Kind.RESTRICTION, details="Adresse contestée")
    client_for(dpo_elise).post(
        staff_url(request), {"action": "decide", "decision": Decision.APPROVED}
    )

    client = client_for(marketing)
    assert client.get(PAGE).context["contacts"] == []
    exported = list(csv.reader(io.StringIO(client.get(CSV).content.decode()), delimiter=";"))
    assert exported[1:] == []
