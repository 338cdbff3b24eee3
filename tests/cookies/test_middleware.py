"""The guard: the server sets no cookie the register does not declare, nor one without consent."""

import pytest
from django.urls import reverse

from charte.cookies import categories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cookies.urls")]

URL = reverse("cookies:preferences")


def test_a_cookie_the_register_does_not_declare_never_leaves_the_server(client, caplog):
    client.post(URL, {"action": "accept"})

    response = client.get("/essai/non-declare/")

    assert "tracker_nobody_declared" not in response.cookies
    assert "does not declare" in caplog.text


def test_a_declared_tracker_is_dropped_without_consent_and_kept_with_it(client):
    assert "ch_aud_id" not in client.get("/essai/audience/").cookies

    client.post(URL, {"action": "refuse"})
    assert "ch_aud_id" not in client.get("/essai/audience/").cookies

    client.post(URL, {"action": "custom", "category": ["audience"]})
    assert client.get("/essai/audience/").cookies["ch_aud_id"].value == "abc"


def test_trackers_left_in_the_browser_are_deleted_once_refused(client):
    client.post(URL, {"action": "accept"})
    client.cookies["ch_aud_id"] = "left-by-a-script"
    client.cookies["ch_aud_ses"] = "3"

    response = client.post(URL, {"action": "refuse"})

    for name in ("ch_aud_id", "ch_aud_ses"):
        assert response.cookies[name]["max-age"] == 0
        assert response.cookies[name].value == ""


def test_exempt_cookies_are_never_swept(client):
    client.post(URL, {"action": "refuse"})

    response = client.get("/")

    assert categories.CONSENT_COOKIE not in response.cookies  # not deleted, not rewritten
    deleted = {name for name, m in response.cookies.items() if str(m["max-age"]) == "0"}
    assert deleted <= {"messages"}  # the message shown once, deleted by its own middleware
