import pytest

from charte.subject_requests.models import Kind
from tests.conftest import client_for
from tests.factories import make_user
from tests.subject_requests.helpers import online

pytestmark = pytest.mark.django_db


def test_a_guardian_follows_their_childs_request_and_nobody_else_can(family):
    anna, ben = family
    request = online(ben, Kind.ACCESS, by=anna)
    url = f"/api/subject_requests/requests/{request.public_id}"

    mine = client_for(anna).get("/api/subject_requests/requests").json()
    one = client_for(anna).get(url).json()

    assert [r["reference"] for r in mine] == [request.reference]
    assert one["status"] == "in_review"
    assert one["progress"] == 0
    assert client_for(make_user()).get(url).status_code == 404
    assert client_for(make_user()).get("/api/subject_requests/requests").json() == []


def test_the_progress_script_is_served_from_our_own_origin_while_processing(
    guardian_anna, dpo_elise
):
    from charte.subject_requests import actions

    # Without commit callbacks, the task worker has not run yet: the request is processing.
    request = online(guardian_anna, Kind.ACCESS)
    actions.decide(request=request, actor=dpo_elise, decision="approved")

    page = client_for(guardian_anna).get(f"/droits/demande/{request.public_id}/").content.decode()

    assert "/static/subject_requests/progress.js" in page
    assert f"/api/subject_requests/requests/{request.public_id}" in page
