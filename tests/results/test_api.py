import pytest

from charte.accounts.models import Role
from charte.results.models import Attempt
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.learning import attempt

pytestmark = pytest.mark.django_db


def test_a_pupil_answers_through_the_api(catalogue, child_ben):
    response = client_for(child_ben).post(
        "/api/results/exercises/republique-symboles/attempts",
        {"responses": {"q1": [0], "q2": True, "q3": [0, 1, 2, 3], "q4": "Blanc"}},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["score"] == 100
    assert body["level"] == "in_progress"
    assert Attempt.objects.get().score == 1.0
    assert len(journal("results.attempt_recorded", about=child_ben)) == 1


def test_garbage_answers_score_zero_and_break_nothing(catalogue, child_ben):
    response = client_for(child_ben).post(
        "/api/results/exercises/republique-symboles/attempts",
        {"responses": {"q1": "drop table", "q2": [1], "q3": {"a": 1}, "q4": 7}},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["score"] == 0


def test_a_teacher_reads_a_pupils_results_and_it_is_journalled(
    catalogue, ben_in_class, teacher_chloe
):
    attempt(ben_in_class, "vote-bureau")
    client = client_for(teacher_chloe)

    results = client.get(f"/api/results/pupils/{ben_in_class.public_id}")
    attempts = client.get(f"/api/results/pupils/{ben_in_class.public_id}/attempts")

    assert results.status_code == attempts.status_code == 200
    levels = {c["code"]: c["level"] for c in results.json()["competencies"]}
    assert levels["democratie-vote"] == "in_progress"
    assert levels["republique"] == "not_started"
    assert [a["exercise"] for a in attempts.json()] == ["vote-bureau"]
    assert len(journal("read.results", about=ben_in_class)) == 2


def test_the_class_results_through_the_api(catalogue, chloe_class, ben_in_class, teacher_chloe):
    attempt(ben_in_class, "vote-bureau")

    response = client_for(teacher_chloe).get(f"/api/results/classes/{chloe_class.public_id}")

    body = response.json()
    assert body["pupils"][0]["levels"]["democratie-vote"] == "in_progress"
    assert body["success_per_exercise"] == {"vote-bureau": 100}


def test_nobody_else_reads_a_pupils_results_through_the_api(catalogue, ben_in_class):
    for outsider in (
        make_user(role=Role.TEACHER),
        make_user(role=Role.PARENT),
        make_user(role=Role.PUPIL),
    ):
        response = client_for(outsider).get(f"/api/results/pupils/{ben_in_class.public_id}")
        assert response.status_code == 404
    assert journal("read.results") == []


def test_an_unknown_exercise_is_a_404(catalogue, child_ben):
    response = client_for(child_ben).post(
        "/api/results/exercises/inconnu/attempts",
        {"responses": {}},
        content_type="application/json",
    )

    assert response.status_code == 404
