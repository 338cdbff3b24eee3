import pytest

from charte.accounts.models import Role
from charte.schools.models import Enrolment, SchoolClass
from tests.conftest import client_for, journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_teacher_lists_their_classes_with_their_code(chloe_class, ben_in_class, teacher_chloe):
    response = client_for(teacher_chloe).get("/api/schools/classes")

    [found] = response.json()
    assert found["public_id"] == str(chloe_class.public_id)
    assert found["join_code"] == chloe_class.display_code
    assert found["pupil_count"] == 1


def test_a_pupil_and_a_guardian_see_the_class_but_not_its_code(
    chloe_class, ben_in_class, guardian_anna
):
    for user in (ben_in_class, guardian_anna):
        [found] = client_for(user).get("/api/schools/classes").json()
        assert found["name"] == "5e B"
        assert found["join_code"] is None
        assert found["pupil_count"] is None


def test_a_class_and_its_pupils_for_its_teacher_and_its_staff(
    chloe_class, ben_in_class, teacher_chloe, staff_david
):
    for user in (teacher_chloe, staff_david):
        response = client_for(user).get(f"/api/schools/classes/{chloe_class.public_id}")
        assert response.status_code == 200
        assert [p["first_name"] for p in response.json()["pupils"]] == ["Ben"]


def test_creating_a_class_and_joining_it_through_the_api(teacher_chloe, child_ben):
    created = client_for(teacher_chloe).post(
        "/api/schools/classes", {"name": "6e C", "level": "6e"}, content_type="application/json"
    )
    assert created.status_code == 201
    code = created.json()["join_code"]

    joined = client_for(child_ben).post(
        "/api/schools/join", {"code": code}, content_type="application/json"
    )

    assert joined.status_code == 201
    assert Enrolment.objects.get(pupil=child_ben).school_class.name == "6e C"
    assert len(journal("schools.pupil_enrolled", about=child_ben)) == 1


def test_a_wrong_code_through_the_api_is_a_404_with_a_reason(db, child_ben):
    response = client_for(child_ben).post(
        "/api/schools/join", {"code": "AAA-AAA"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_code"


def test_an_invalid_level_is_a_clear_422(teacher_chloe):
    response = client_for(teacher_chloe).post(
        "/api/schools/classes", {"name": "x", "level": "99e"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert not SchoolClass.objects.exists()


def test_another_teacher_is_told_the_class_does_not_exist(chloe_class):
    response = client_for(make_user(role=Role.TEACHER)).get(
        f"/api/schools/classes/{chloe_class.public_id}"
    )

    assert response.status_code == 404
