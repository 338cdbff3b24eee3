import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.results.models import Attempt
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.helpers import external_urls
from tests.learning import attempt, exercise, form_data, make_pupil

pytestmark = pytest.mark.django_db


def test_a_pupil_answers_an_exercise_and_sees_the_correction(catalogue, child_ben):
    ex = exercise("republique-symboles")
    client = client_for(child_ben)

    response = client.post(reverse("results:exercise", args=[ex.slug]), form_data(ex, right=3))

    saved = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("results:attempt", args=[saved.public_id])
    assert saved.pupil == child_ben
    assert saved.exercise == ex
    assert [a["question"] for a in saved.answers] == ["q1", "q2", "q3", "q4"]
    assert saved.percent == 75
    page = client.get(response["Location"]).content.decode()
    assert "75 %" in page
    assert "La bonne réponse" in page
    [entry] = journal("results.attempt_recorded", about=child_ben)
    # Ids, codes and counts only: never what the pupil typed.
    assert entry.data == {
        "attempt": str(saved.public_id),
        "exercise": "republique-symboles",
        "score": 75,
    }


def test_visitors_teachers_and_parents_try_an_exercise_without_anything_kept(
    client, catalogue, teacher_chloe, guardian_anna
):
    ex = exercise("vote-bureau")
    for who in (client, client_for(teacher_chloe), client_for(guardian_anna)):
        response = who.post(reverse("results:exercise", args=[ex.slug]), form_data(ex))
        assert response.status_code == 200
        assert "100 %" in response.content.decode()
        assert "pas enregistrée" in response.content.decode()
    assert not Attempt.objects.exists()


def test_the_exercise_page_loads_nothing_from_elsewhere(client, catalogue):
    response = client.get(reverse("results:exercise", args=["vote-citoyens"]))

    assert response.status_code == 200
    assert external_urls(response.content.decode()) == []


def test_a_pupil_sees_their_levels_and_progress_chart(catalogue, child_ben):
    attempt(child_ben, "republique-symboles", days_ago=20)
    attempt(child_ben, "republique-valeurs", days_ago=3)

    response = client_for(child_ben).get(reverse("results:mine"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ma progression" in page
    assert "level--acquired" in page
    assert "<svg" in page
    assert "chart__line" in page
    assert external_urls(page) == []
    # Reading one's own results reads nobody else's data: nothing to journal.
    assert journal("read.results") == []


def test_a_teacher_opening_a_pupils_results_is_journalled(catalogue, ben_in_class, teacher_chloe):
    attempt(ben_in_class, "vote-bureau")

    response = client_for(teacher_chloe).get(
        reverse("results:pupil", args=[ben_in_class.public_id])
    )

    assert response.status_code == 200
    assert "Les résultats de Ben Martin" in response.content.decode()
    [entry] = journal("read.results")
    assert entry.subject_ref == f"user:{ben_in_class.public_id}"
    assert entry.actor_ref == f"user:{teacher_chloe.public_id}"
    assert entry.data == {"via": "pupil_page", "viewer_role": "teacher"}


def test_a_guardian_sees_their_childs_results(catalogue, ben_in_class, guardian_anna):
    attempt(ben_in_class, "vote-bureau")

    response = client_for(guardian_anna).get(reverse("results:mine"))

    assert response.status_code == 302
    page = client_for(guardian_anna).get(response["Location"]).content.decode()
    assert "Les résultats de Ben Martin" in page
    assert len(journal("read.results", about=ben_in_class)) == 1


def test_the_class_results_show_each_pupil_and_journal_each_read(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    from tests.learning import enrol

    lea = make_pupil(first_name="Léa")
    enrol(lea, chloe_class)
    scores = [
        attempt(ben_in_class, "vote-bureau").score,
        attempt(lea, "vote-bureau", right=1).score,
    ]

    response = client_for(teacher_chloe).get(
        reverse("results:class_results", args=[chloe_class.public_id])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ben Martin" in page
    assert "Léa" in page
    assert "Taux de réussite par exercice" in page
    # The exercise's success rate: the mean of each pupil's latest score.
    assert f"<td>{round(50 * sum(scores))} %</td>" in page
    assert {e.subject_ref for e in journal("read.results")} == {
        f"user:{ben_in_class.public_id}",
        f"user:{lea.public_id}",
    }


def test_someone_elses_attempt_is_not_found(catalogue, child_ben):
    made = attempt(child_ben, "vote-bureau")

    response = client_for(make_pupil()).get(reverse("results:attempt", args=[made.public_id]))

    assert response.status_code == 404


def test_the_levels_help_page_explains_the_rule(client):
    page = client.get(reverse("results:levels_help")).content.decode()

    assert "75 %" in page
    assert "niveau 3" in page


def test_a_teacher_cannot_record_answers(catalogue):
    teacher = make_user(role=Role.TEACHER)
    ex = exercise("vote-bureau")

    client_for(teacher).post(reverse("results:exercise", args=[ex.slug]), form_data(ex))

    assert not Attempt.objects.exists()
