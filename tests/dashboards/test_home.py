import pytest

from charte.consent.actions import record_choices
from tests.conftest import client_for
from tests.consent.helpers import adopt
from tests.helpers import external_urls
from tests.learning import attempt, give_work

pytestmark = pytest.mark.django_db


def test_a_pupil_without_a_class_is_invited_to_join_one(catalogue, child_ben):
    page = client_for(child_ben).get("/").content.decode()

    assert "Rejoins ta classe" in page
    assert "À faire maintenant" in page


def test_a_pupils_home_shows_next_step_work_due_and_progress(
    catalogue, chloe_class, ben_in_class, teacher_chloe, guardian_anna
):
    # The coach's next step is personal once Ben's mother has consented to it.
    record_choices(
        person=ben_in_class, choices={"coach": True}, actor=guardian_anna, channel="family"
    )
    give_work(teacher_chloe, chloe_class, title="Le vote en classe")
    attempt(ben_in_class, "vote-bureau", days_ago=8)

    page = client_for(ben_in_class).get("/").content.decode()

    assert "Ta classe : <strong>5e B</strong>" in page
    assert "À faire maintenant" in page
    assert "/exercices/vote-institutions/" in page
    assert "Le vote en classe" in page
    assert "Ma progression" in page
    assert "chart__line" in page
    assert external_urls(page) == []


def test_a_teachers_home_shows_classes_late_work_and_productions_to_read(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    page = client_for(teacher_chloe).get("/").content.decode()

    assert "Mes classes" in page
    assert "5e B" in page
    assert chloe_class.display_code in page
    assert "Travail en retard" in page
    assert "Productions à lire" in page


def test_staffs_home_shows_the_schools_classes_and_enrolments(
    chloe_class, ben_in_class, staff_david
):
    page = client_for(staff_david).get("/").content.decode()

    assert "Collège Jean-Moulin" in page
    assert "5e B" in page
    assert "Ben Martin" in page  # the latest enrolment


def test_a_parents_home_shows_each_childs_progress_and_work(
    catalogue, chloe_class, ben_in_class, teacher_chloe, guardian_anna
):
    give_work(teacher_chloe, chloe_class, title="Le vote en classe")
    attempt(ben_in_class, "vote-bureau")

    page = client_for(guardian_anna).get("/").content.decode()

    assert "Ben Martin" in page
    assert "5e B" in page
    assert "Le vote en classe" in page
    assert "Le coach propose à Ben" in page
    assert "level--in_progress" in page


def test_a_parent_without_children_is_told_where_they_will_appear(guardian_anna):
    page = client_for(guardian_anna).get("/").content.decode()

    assert "Aucun compte d&#x27;enfant" in page or "Aucun compte d'enfant" in page


def test_showing_a_childs_results_on_the_parents_home_is_journalled(
    catalogue, ben_in_class, guardian_anna
):
    from tests.conftest import journal

    client_for(guardian_anna).get("/")

    [entry] = journal("read.results", about=ben_in_class)
    assert entry.actor_ref == f"user:{guardian_anna.public_id}"
    assert entry.data["via"] == "home"


YOUR_CHILDREN = "sur vous et sur vos enfants"


def test_the_your_data_panel_speaks_of_children_only_to_a_parent_who_has_some(
    catalogue, child_ben, guardian_anna, pupil_lea, teacher_chloe
):
    for person in (child_ben, pupil_lea, teacher_chloe, guardian_anna):
        page = client_for(person).get("/").content.decode()
        # Adults are told "vous", pupils "tu".
        said = "Vois ce que nous gardons sur toi" if person.role == "pupil" else "Voyez ce que"
        assert said in page, person
        assert YOUR_CHILDREN not in page, person

    adopt(guardian=guardian_anna, child=child_ben)

    assert YOUR_CHILDREN in client_for(guardian_anna).get("/").content.decode()
