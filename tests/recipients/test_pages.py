from datetime import date

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.recipients.models import AuthorityRequest, Disclosure
from tests.conftest import client_for, journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db

AUTHORITIES = reverse("recipients:authority_requests")


def test_the_dpo_records_an_authoritys_request_and_the_person_sees_it(dpo_elise, guardian_anna):
    response = client_for(dpo_elise).post(
        AUTHORITIES,
        {
            "authority": "Tribunal judiciaire de Paris",
            "legal_basis": "Code de procédure pénale, art. 60-1",
            "reference": "RQ-2026-118",
            "received_on": "2026-11-20",
            "person": "anna@famille.test",
            "categories": ["identity", "contact"],
        },
    )

    assert response.status_code == 302
    request = AuthorityRequest.objects.select_related("disclosure").get()
    assert request.disclosure is not None
    assert (request.person, request.received_on) == (guardian_anna, date(2026, 11, 20))
    assert request.disclosure.recipient == "public_authority"
    assert "Code de procédure pénale" in request.disclosure.legal_basis
    assert len(journal("recipients.authority_request", about=guardian_anna)) == 1
    assert (
        "Tribunal judiciaire de Paris"
        in client_for(guardian_anna).get(reverse("accounts:privacy_centre")).content.decode()
    )


def test_an_authority_request_without_its_legal_basis_changes_nothing(dpo_elise, guardian_anna):
    response = client_for(dpo_elise).post(
        AUTHORITIES,
        {
            "authority": "X",
            "legal_basis": " ",
            "reference": "R",
            "received_on": "2026-11-20",
            "person": "anna@famille.test",
            "categories": ["identity"],
        },
    )

    assert response.status_code == 200
    assert not AuthorityRequest.objects.exists()
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.DPO])
def test_only_the_dpo_sees_authorities_requests(role):
    assert client_for(make_user(role=role)).get(AUTHORITIES).status_code == 404


def test_the_charter_lists_recipients_by_kind_with_countries_and_safeguards(client):
    page = client.get(reverse("privacy:charter")).content.decode()

    assert "Sous-traitant ultérieur" in page
    assert "Notre service de surveillance de disponibilité" in page
    assert "Clauses contractuelles types (RGPD art. 46.2.c)" in page
    assert "US" in page
