from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from charte.accounts.middleware import SESSION_KEY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_first_request_records_the_last_click(guardian_anna):
    client = client_for(guardian_anna)

    client.get(reverse("home"))

    guardian_anna.refresh_from_db()
    assert guardian_anna.last_seen_at is not None
    assert timezone.now() - guardian_anna.last_seen_at < timedelta(seconds=5)


def test_later_requests_within_the_period_write_nothing(guardian_anna):
    client = client_for(guardian_anna)
    client.get(reverse("home"))
    guardian_anna.refresh_from_db()
    first = guardian_anna.last_seen_at

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))

    guardian_anna.refresh_from_db()
    assert guardian_anna.last_seen_at == first
    writes = [q["sql"] for q in queries if "UPDATE" in q["sql"] and "accounts_user" in q["sql"]]
    assert writes == []


def test_a_request_after_the_period_writes_the_new_time(guardian_anna, settings):
    client = client_for(guardian_anna)
    client.get(reverse("home"))
    session = client.session
    long_ago = timezone.now() - timedelta(minutes=settings.CHARTE_LAST_SEEN_RESOLUTION_MINUTES + 1)
    session[SESSION_KEY] = long_ago.isoformat()
    session.save()
    guardian_anna.refresh_from_db()
    before = guardian_anna.last_seen_at

    client.get(reverse("home"))

    guardian_anna.refresh_from_db()
    assert guardian_anna.last_seen_at > before


def test_visitors_cost_no_write(client, db):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))

    assert not [q for q in queries if "UPDATE" in q["sql"]]
