"""Only customer service works the queue; anyone else finds nothing there, alike for every URL."""

import uuid

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.support.models import ErrorReport
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OTHER_ROLES = [role for role in Role if role != Role.CUSTOMER_SERVICE]
STEPS = ["assign", "answer", "close", "reopen"]


def object_urls(public_id):
    return [reverse("support:detail", args=[public_id])] + [
        reverse(f"support:{step}", args=[public_id]) for step in STEPS
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_queue_url_is_not_found_for_every_other_role(role, visitor_report):
    client = client_for(make_user(role=role))

    for url in [reverse("support:queue"), *object_urls(visitor_report.public_id)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "x"}).status_code == 404, url

    visitor_report.refresh_from_db()
    assert (visitor_report.status, visitor_report.assignee) == ("new", None)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_a_reporter_cannot_open_their_own_report_in_the_queue(role):
    reporter = make_user(role=role)
    from charte.support import actions

    report = actions.report_error(reporter=reporter, message="Erreur", actor=reporter)

    assert client_for(reporter).get(object_urls(report.public_id)[0]).status_code == 404


def test_a_missing_report_is_not_found_for_customer_service_too(cs_farid, visitor_report):
    client = client_for(cs_farid)
    missing = uuid.uuid4()

    for url in object_urls(missing):
        assert client.get(url).status_code == 404, url
    assert client.get(object_urls(visitor_report.public_id)[0]).status_code == 200


def test_visitors_are_asked_to_sign_in(client, visitor_report):
    for url in [reverse("support:queue"), *object_urls(visitor_report.public_id)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert ErrorReport.objects.get().status == "new"
