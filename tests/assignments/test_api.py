from datetime import timedelta

import pytest
from django.utils import timezone

from charte.accounts.models import Role
from charte.assignments.models import Assignment
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.learning import attempt, give_work

pytestmark = pytest.mark.django_db


def test_a_teacher_gives_work_through_the_api(catalogue, chloe_class, ben_in_class, teacher_chloe):
    response = client_for(teacher_chloe).post(
        "/api/assignments/",
        {
            "school_class": str(chloe_class.public_id),
            "title": "Le vote",
            "exercise": "vote-bureau",
            "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
            "pupils": [str(ben_in_class.public_id)],
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assignment = Assignment.objects.get()
    assert response.json()["public_id"] == str(assignment.public_id)
    assert not assignment.whole_class
    assert len(journal("assignments.created")) == 1


def test_each_role_lists_the_work_it_may_see_with_statuses(
    catalogue, chloe_class, ben_in_class, teacher_chloe, guardian_anna
):
    assignment = give_work(teacher_chloe, chloe_class)
    attempt(ben_in_class, "republique-symboles")

    for user in (teacher_chloe, ben_in_class, guardian_anna):
        [found] = client_for(user).get("/api/assignments/").json()
        assert found["public_id"] == str(assignment.public_id)
        [status] = found["statuses"]
        assert status["status"] == "done"
        assert status["best_score"] == 100

    detail = client_for(teacher_chloe).get(f"/api/assignments/{assignment.public_id}")
    assert detail.json()["statuses"][0]["first_name"] == "Ben"


def test_work_in_another_teachers_class_is_not_found(catalogue, chloe_class, teacher_chloe):
    assignment = give_work(teacher_chloe, chloe_class)
    other = make_user(role=Role.TEACHER)

    assert client_for(other).get(f"/api/assignments/{assignment.public_id}").status_code == 404
    response = client_for(other).post(
        "/api/assignments/",
        {
            "school_class": str(chloe_class.public_id),
            "title": "Intrus",
            "exercise": "vote-bureau",
            "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Assignment.objects.count() == 1
