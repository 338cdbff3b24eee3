"""Refused accesses are journalled, with who asked and from where, but not what they guessed."""

import pytest
from django.test import Client

from charte.audit import events
from tests.conftest import client_for, journal

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls_denied")]


def test_a_not_found_from_an_access_check_is_a_404_page_and_an_entry(teacher_chloe):
    response = client_for(teacher_chloe).get(
        "/resultats/0b7c6c64-5f6a-4a43-9a36-9a1f5c0b1a11/",
        REMOTE_ADDR="192.0.2.8",
        HTTP_USER_AGENT="Firefox",
    )

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    [entry] = journal(events.ACCESS_DENIED, about=teacher_chloe)
    assert entry.data == {"view": "someone_elses", "status": 404}
    assert (entry.ip, entry.user_agent) == ("192.0.2.8", "Firefox")
    assert "0b7c6c64" not in str(entry.data)


def test_a_permission_denied_is_the_403_page_and_an_entry(client, db):
    response = client.get("/interne/")

    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    [entry] = journal(events.ACCESS_DENIED)
    assert entry.actor_ref == "system:anonymous"
    assert entry.data == {"view": "staff_only", "status": 403}


def test_an_address_that_matches_no_page_is_not_journalled(client, db):
    assert client.get("/nulle-part/").status_code == 404
    assert journal(events.ACCESS_DENIED) == []


def test_other_errors_are_left_to_the_error_page(db):
    response = Client(raise_request_exception=False).get("/bug/")

    assert response.status_code == 500
    assert journal(events.ACCESS_DENIED) == []
