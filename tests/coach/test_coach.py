import pytest
from django.urls import reverse

from charte.coach import actions
from charte.coach.queries import (
    advice_for,
    general_suggestions,
    personal_suggestions,
    personalisation_allowed,
)
from charte.consent.actions import record_choices
from charte.privacy import processing
from charte.results.levels import Level
from charte.subject_requests.models import Kind, Limitation, Relation, Status, SubjectRequest
from tests.conftest import client_for, journal
from tests.consent.helpers import adopt
from tests.learning import attempt
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben_coached(child_ben, guardian_anna):
    """Ben, twelve: his mother is his guardian and consented to the coach for him."""
    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))
    return child_ben


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


def test_a_pupil_who_objects_gets_exactly_what_a_visitor_gets(catalogue, ben_coached):
    attempt(ben_coached, "medias-reflexes", right=0)
    assert advice_for(ben_coached).personalised is True

    actions.object_to_personalisation(pupil=ben_coached, actor=ben_coached)

    advice = advice_for(ben_coached)
    assert personalisation_allowed(ben_coached) is False
    assert processing.refusals(ben_coached, "coach") == ["subject_requests.objection"]
    assert advice.personalised is False
    assert (
        slugs(advice.suggestions)
        == slugs(general_suggestions())
        == slugs(advice_for(None).suggestions)
    )


def test_without_a_guardians_consent_a_childs_coach_is_not_personalised(
    catalogue, child_ben, guardian_anna
):
    attempt(child_ben, "medias-reflexes", right=0)
    assert processing.refusals(child_ben, "coach") == ["consent"]
    assert advice_for(child_ben).personalised is False

    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))
    assert advice_for(child_ben).personalised is True

    record_choices(
        person=child_ben, choices={"coach": False}, actor=guardian_anna, channel="privacy_centre"
    )

    assert advice_for(child_ben).personalised is False
    assert processing.refusals(child_ben, "coach") == ["consent"]
    page = client_for(guardian_anna).get(
        reverse("accounts:privacy_centre_person", args=[child_ben.public_id])
    )
    assert "Le consentement au coach personnalisé n'a pas été donné" in page.content.decode()


def test_a_guardian_objects_for_their_child_from_the_privacy_centre_through_the_rights_engine(
    catalogue, ben_coached, guardian_anna, dpo_elise
):
    client = client_for(guardian_anna)
    centre = reverse("accounts:privacy_centre_person", args=[ben_coached.public_id])
    assert "Je refuse que le coach utilise les résultats" in client.get(centre).content.decode()

    response = client.post(reverse("coach:objection", args=[ben_coached.public_id]))

    assert response.status_code == 302
    limitation = Limitation.objects.get(person=ben_coached)
    assert (limitation.type, limitation.purpose, limitation.ended_at) == (
        "objection",
        "coach",
        None,
    )
    request = SubjectRequest.objects.get(person=ben_coached)
    assert (request.kind, request.status, request.relation) == (
        Kind.OBJECTION,
        Status.COMPLETED,
        Relation.GUARDIAN,
    )
    assert request.requester == guardian_anna
    assert request.purposes == ["coach"]
    [entry] = journal("subject_request.objection_started", about=ben_coached)
    assert entry.actor_ref == f"user:{guardian_anna.public_id}"
    assert entry.data["purpose"] == "coach"
    assert personalisation_allowed(ben_coached) is False
    page = client.get(centre).content.decode()
    assert "Réactiver le coach personnalisé" in page
    assert "Je retire mon opposition" in page  # the rights section lists it too
    queue = client_for(dpo_elise).get(reverse("subject_requests:queue"), {"status": "completed"})
    assert request.reference in queue.content.decode()

    client.post(reverse("coach:objection", args=[ben_coached.public_id]), {"do": "withdraw"})

    assert personalisation_allowed(ben_coached) is True
    limitation.refresh_from_db()
    assert limitation.ended_at is not None
    assert len(journal("subject_request.objection_lifted", about=ben_coached)) == 1


def test_an_objection_from_the_coach_is_withdrawn_in_the_privacy_centre(catalogue, ben_coached):
    client = client_for(ben_coached)
    client.post(reverse("coach:objection", args=[ben_coached.public_id]))
    limitation = Limitation.objects.get(person=ben_coached, purpose="coach")

    client.post(reverse("subject_requests:lift", args=[limitation.public_id]))

    assert personalisation_allowed(ben_coached) is True
    assert len(journal("subject_request.objection_lifted", about=ben_coached)) == 1


def test_objecting_twice_records_one_objection(catalogue, ben_coached):
    client = client_for(ben_coached)
    url = reverse("coach:objection", args=[ben_coached.public_id])

    client.post(url)
    response = client.post(url, follow=True)

    assert "Cette opposition est déjà enregistrée." in response.content.decode()
    assert Limitation.objects.filter(person=ben_coached).count() == 1


def test_a_restriction_stops_the_coach_through_the_same_gate(catalogue, ben_coached, dpo_elise):
    assert personalisation_allowed(ben_coached) is True
    request = online(ben_coached, Kind.RESTRICTION, details="Mon nom est mal écrit")

    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})

    assert personalisation_allowed(ben_coached) is False
    assert processing.refusals(ben_coached, "coach") == ["subject_requests.restriction"]
    page = client_for(ben_coached).get(reverse("accounts:privacy_centre")).content.decode()
    assert "le coach ne les utilise pas en attendant" in page
    assert "Réactiver le coach personnalisé" not in page


def test_nobody_else_can_object_for_a_pupil(catalogue, child_ben, teacher_chloe):
    response = client_for(teacher_chloe).post(
        reverse("coach:objection", args=[child_ben.public_id])
    )

    assert response.status_code == 404
    assert not Limitation.objects.exists()
    assert not SubjectRequest.objects.exists()


def test_the_coach_page_says_whether_it_is_personalised(catalogue, ben_coached):
    attempt(ben_coached, "vote-bureau", right=0)
    client = client_for(ben_coached)

    assert "d'après les résultats" in client.get(reverse("coach:next")).content.decode()

    actions.object_to_personalisation(pupil=ben_coached, actor=ben_coached)

    page = client.get(reverse("coach:next")).content.decode()
    assert "la même chose qu'à un visiteur" in page


def test_a_guardian_sees_the_coachs_advice_for_each_child(catalogue, ben_in_class, guardian_anna):
    record_choices(
        person=ben_in_class, choices={"coach": True}, actor=guardian_anna, channel="privacy_centre"
    )
    attempt(ben_in_class, "vote-bureau")

    page = client_for(guardian_anna).get(reverse("coach:next")).content.decode()

    assert "Que peut faire Ben ensuite ?" in page
    assert "/exercices/vote-institutions/" in page
