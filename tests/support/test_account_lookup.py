"""Customer service looks an account up: its state, guardians, consents and open reports only.

Never results, productions or work (charter R1: each internal service sees what its purpose
needs); each lookup is journalled as a read of the person's data; anyone else gets 404.
"""

import pytest
from django.urls import reverse

from charte.accounts import actions as accounts
from charte.accounts.models import Role
from charte.consent.actions import record_choices
from charte.support import actions
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.learning import attempt, catalogue  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

URL = reverse("support:account_lookup")


@pytest.fixture
def ben_with_a_family(child_ben, guardian_anna, catalogue):  # noqa: F811
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    record_choices(
        person=child_ben, choices={"coach": True}, actor=guardian_anna, channel="privacy_centre"
    )
    actions.report_error(
        reporter=child_ben, message="La page des devoirs reste blanche.", actor=child_ben
    )
    attempt(child_ben, "republique-symboles", right=2)
    return child_ben


def test_customer_service_sees_the_account_its_guardians_consents_and_open_reports(
    cs_farid, guardian_anna, ben_with_a_family
):
    client = client_for(cs_farid)

    response = client.post(URL, {"login": "Ben.Martin"})

    assert response.status_code == 200
    found = response.context["found"]
    assert found.person == ben_with_a_family
    assert found.guardians == [guardian_anna]
    assert [r.message for r in found.open_reports] == ["La page des devoirs reste blanche."]
    assert {line.purpose.code for line in found.consents if line.holds} >= {"coach"}
    page = response.content.decode()
    assert "ben.martin" in page
    assert "anna@famille.test" in page
    assert "actif" in page
    [entry] = journal("read.account_lookup", about=ben_with_a_family)
    assert entry.actor_ref.endswith(str(cs_farid.public_id))


def test_the_lookup_never_shows_results_productions_or_work(cs_farid, ben_with_a_family):
    from charte.content.models import Exercise

    title = Exercise.objects.get(slug="republique-symboles").title

    response = client_for(cs_farid).post(URL, {"login": "ben.martin"})

    page = response.content.decode()
    assert "Ben" in page
    assert title not in page
    assert "republique-symboles" not in page
    assert set(vars(response.context["found"])) == {
        "person",
        "guardians",
        "consents",
        "open_reports",
    }


def test_an_unknown_login_and_a_partial_one_find_nothing_and_journal_nothing(
    cs_farid, ben_with_a_family
):
    client = client_for(cs_farid)

    for login in ("personne@exemple.test", "ben", "martin", "ben.mart"):
        response = client.post(URL, {"login": login})
        assert response.status_code == 200
        assert response.context["found"] is None
        assert "Aucun compte" in response.content.decode()
    assert journal("read.account_lookup") == []


def test_staff_accounts_are_not_looked_up(cs_farid, dpo_elise):
    response = client_for(cs_farid).post(URL, {"login": dpo_elise.email})

    assert response.context["found"] is None


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CUSTOMER_SERVICE])
def test_any_other_role_gets_not_found_and_learns_nothing(role, ben_with_a_family):
    client = client_for(make_user(role=role))

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"login": "ben.martin"}).status_code == 404
    assert journal("read.account_lookup") == []


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
