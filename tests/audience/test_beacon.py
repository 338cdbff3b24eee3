"""The audience endpoint keeps a page view only with a matching consent proof, never with GPC."""

import json

import pytest
from django.test import Client

from charte.audience.models import PageView

BEACON = {"visitor": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "path": "/contenus/", "load_ms": 420}


def send(client: Client, **headers: str) -> int:
    response = client.post(
        "/mesure/",
        json.dumps(BEACON),
        content_type="application/json",
        headers={k.removeprefix("HTTP_").replace("_", "-"): v for k, v in headers.items()},
    )
    return response.status_code


@pytest.mark.django_db
def test_with_consent_the_page_view_is_kept_without_the_last_octet() -> None:
    client = Client(REMOTE_ADDR="203.0.113.77")
    client.post("/cookies/", {"action": "accept"})
    assert send(client) == 204
    view = PageView.objects.get()
    assert view.address == "203.0.113.0"
    assert view.path == "/contenus/"
    assert view.load_ms == 420


@pytest.mark.django_db
def test_without_consent_after_refusal_with_gpc_or_forged_nothing_is_kept() -> None:
    assert send(Client()) == 403
    refused = Client()
    refused.post("/cookies/", {"action": "refuse"})
    assert send(refused) == 403
    accepted = Client()
    accepted.post("/cookies/", {"action": "accept"})
    assert send(accepted, HTTP_SEC_GPC="1") == 403
    forged = Client()
    forged.cookies["consent"] = "forged"
    assert send(forged) == 403
    other_site = Client()
    other_site.post("/cookies/", {"action": "accept"})
    assert send(other_site, HTTP_ORIGIN="https://evil.example") == 403
    assert not PageView.objects.exists()
