import json

import pytest

from tests.conftest import client_for
from tests.helpers import external_urls

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_the_api(client):
    response = client.get("/api/openapi.json")

    document = json.loads(response.content)
    assert response.status_code == 200
    assert document["info"]["title"] == "charte"
    assert "/api/accounts/me" in document["paths"]


def test_the_browsable_docs_load_nothing_from_another_site(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    assert external_urls(response.content.decode()) == []
    assert "/static/ninja/swagger-ui-bundle.js" in response.content.decode()


def test_the_api_answers_401_to_visitors_and_the_person_to_themself(client, guardian_anna):
    assert client.get("/api/accounts/me").status_code == 401

    response = client_for(guardian_anna).get("/api/accounts/me")

    assert response.json() == {
        "public_id": str(guardian_anna.public_id),
        "first_name": "Anna",
        "last_name": "Martin",
        "role": "parent",
        "language": "fr",
    }
