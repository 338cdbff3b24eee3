import pytest
from django.urls import reverse

from charte.accounts import actions as accounts
from charte.coach import actions
from charte.coach.models import Objection
from charte.coach.queries import (
    advice_for,
    general_suggestions,
    personal_suggestions,
    personalisation_allowed,
)
from charte.results.levels import Level
from tests.conftest import client_for, journal
from tests.learning import attempt

pytestmark = pytest.mark.django_db


def slugs(suggestions):
    return [s.exercise.slug for s in suggestions]


def test_a_visitor_gets_a_discovery_exercise_of_the_first_competencies(client, catalogue):
    response = client.get(reverse("coach:next"))

    assert response.status_code == 200
    assert slugs(advice_for(None).suggestions) == [
        "republique-symboles",
        "droits-enfant",
        "vote-bureau",
    ]
    assert "/exercices/republique-symboles/" in response.content.decode()


def test_the_weakest_competency_comes_first_and_nothing_mastered_is_proposed(catalogue, child_ben):
    # Mastered: the Republic. Beginning: media. In progress: voting.
    for slug in ("republique-symboles", "republique-valeurs", "republique-laicite"):
        attempt(child_ben, slug)
    attempt(child_ben, "medias-reflexes", right=0)
    attempt(child_ben, "vote-bureau", right=2)

    suggestions = personal_suggestions(child_ben)

    competencies = [s.competency.code for s in suggestions]
    assert "republique" not in competencies
    assert competencies[:2] == ["medias-information", "democratie-vote"]
    assert suggestions[0].level == Level.BEGINNING
    assert all(s.reason for s in suggestions)


def test_the_difficulty_rises_after_a_success(catalogue, child_ben):
    attempt(child_ben, "vote-bureau")  # level 1 passed

    [first, *_] = personal_suggestions(child_ben)

    assert first.exercise.slug == "vote-institutions"
    assert first.exercise.difficulty == 2
    assert "niveau 2" in first.reason


def test_a_failed_exercise_is_proposed_again_with_its_score(catalogue, child_ben):
    attempt(child_ben, "vote-bureau", right=0)

    [first, *_] = personal_suggestions(child_ben)

    assert first.exercise.slug == "vote-bureau"
    assert "réessaie" in first.reason


def test_related_content_comes_with_each_suggestion(catalogue, child_ben):
    attempt(child_ben, "vote-bureau", right=1)

    [first, *_] = personal_suggestions(child_ben)

    assert first.lesson is not None
    assert first.lesson.slug == "voter-en-democratie"
    assert first.related
    assert first.related[0].code in {"republique", "solidarite-engagement"}


def test_a_pupil_who_objects_gets_exactly_what_a_visitor_gets(catalogue, child_ben):
    attempt(child_ben, "medias-reflexes", right=0)
    assert advice_for(child_ben).personalised is True

    actions.object_to_personalisation(pupil=child_ben, actor=child_ben)

    advice = advice_for(child_ben)
    assert personalisation_allowed(child_ben) is False
    assert advice.personalised is False
    assert (
        slugs(advice.suggestions)
        == slugs(general_suggestions())
        == slugs(advice_for(None).suggestions)
    )


def test_a_guardian_objects_for_their_child_from_the_privacy_centre(
    catalogue, child_ben, guardian_anna
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    client = client_for(guardian_anna)
    centre = reverse("accounts:privacy_centre_person", args=[child_ben.public_id])
    assert "Je refuse que le coach utilise les résultats" in client.get(centre).content.decode()

    response = client.post(reverse("coach:objection", args=[child_ben.public_id]))

    assert response.status_code == 302
    objection = Objection.objects.get(pupil=child_ben)
    assert objection.by_guardian is True
    [entry] = journal("coach.objection_recorded", about=child_ben)
    assert entry.actor_ref == f"user:{guardian_anna.public_id}"
    assert "Réactiver le coach personnalisé" in client.get(centre).content.decode()

    client.post(reverse("coach:objection", args=[child_ben.public_id]), {"do": "withdraw"})

    assert personalisation_allowed(child_ben) is True
    assert len(journal("coach.objection_withdrawn", about=child_ben)) == 1


def test_nobody_else_can_object_for_a_pupil(catalogue, child_ben, teacher_chloe):
    response = client_for(teacher_chloe).post(
        reverse("coach:objection", args=[child_ben.public_id])
    )

    assert response.status_code == 404
    assert not Objection.objects.exists()


def test_the_coach_page_says_whether_it_is_personalised(catalogue, child_ben):
    attempt(child_ben, "vote-bureau", right=0)
    client = client_for(child_ben)

    assert "d'après les résultats" in client.get(reverse("coach:next")).content.decode()

    actions.object_to_personalisation(pupil=child_ben, actor=child_ben)

    page = client.get(reverse("coach:next")).content.decode()
    assert "la même chose qu'à un visiteur" in page


def test_a_guardian_sees_the_coachs_advice_for_each_child(catalogue, ben_in_class, guardian_anna):
    attempt(ben_in_class, "vote-bureau")

    page = client_for(guardian_anna).get(reverse("coach:next")).content.decode()

    assert "Que peut faire Ben ensuite ?" in page
    assert "/exercices/vote-institutions/" in page
