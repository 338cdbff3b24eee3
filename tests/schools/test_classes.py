import pytest
from django.urls import reverse

from charte.accounts import actions as accounts
from charte.accounts.models import Role
from charte.schools import actions
from charte.schools.models import Enrolment, SchoolClass, Teaching
from charte.subject_requests.models import Kind, Limitation
from tests.conftest import client_for, journal
from tests.consent.helpers import adopt
from tests.factories import make_user
from tests.learning import enrol, make_pupil
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db


def test_a_teacher_creates_a_class_and_gets_a_code_to_give(teacher_chloe, school):
    client = client_for(teacher_chloe)

    response = client.post(
        reverse("schools:create_class"), {"name": "5e B", "level": "5e", "school": school.public_id}
    )

    school_class = SchoolClass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:class_detail", args=[school_class.public_id])
    assert Teaching.objects.filter(school_class=school_class, teacher=teacher_chloe).exists()
    assert school_class.school == school
    assert len(school_class.join_code or "") == 6
    page = client.get(response["Location"]).content.decode()
    assert school_class.display_code in page
    [entry] = journal("schools.class_created", about=teacher_chloe)
    assert entry.data["class"] == str(school_class.public_id)


def test_a_class_without_a_name_is_refused_and_nothing_is_created(teacher_chloe):
    response = client_for(teacher_chloe).post(
        reverse("schools:create_class"), {"name": "  ", "level": "5e"}
    )

    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert not SchoolClass.objects.exists()


def test_only_teachers_create_classes(guardian_anna, child_ben, staff_david):
    for user in (guardian_anna, child_ben, staff_david):
        response = client_for(user).get(reverse("schools:create_class"))
        assert response.status_code == 404


def test_a_pupil_joins_their_class_with_the_code_typed_loosely(chloe_class, child_ben):
    code = chloe_class.display_code.lower().replace("-", " - ")

    response = client_for(child_ben).post(reverse("schools:join"), {"code": code})

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(pupil=child_ben)
    assert enrolment.school_class == chloe_class
    assert enrolment.method == Enrolment.Method.CODE
    [entry] = journal("schools.pupil_enrolled", about=child_ben)
    assert entry.data == {
        "class": str(chloe_class.public_id),
        "enrolment": str(enrolment.public_id),
        "method": "code",
        "left_class": None,
    }


def test_a_guardian_enters_the_code_for_their_child(chloe_class, child_ben, guardian_anna):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    client = client_for(guardian_anna)

    response = client.post(
        reverse("schools:join"), {"child": child_ben.public_id, "code": chloe_class.join_code}
    )

    assert response.status_code == 302
    assert Enrolment.objects.get(pupil=child_ben).school_class == chloe_class
    [entry] = journal("schools.pupil_enrolled", about=child_ben)
    assert entry.actor_ref == f"user:{guardian_anna.public_id}"


def test_a_guardian_cannot_enrol_a_child_who_is_not_theirs(chloe_class, child_ben, guardian_anna):
    response = client_for(guardian_anna).post(
        reverse("schools:join"), {"child": child_ben.public_id, "code": chloe_class.join_code}
    )

    assert response.status_code == 200
    assert not Enrolment.objects.exists()


def test_a_wrong_code_is_explained_journalled_and_limited(chloe_class, child_ben):
    client = client_for(child_ben)

    response = client.post(reverse("schools:join"), {"code": "ZZZ-ZZZ"})

    assert "ne correspond à aucune classe" in response.content.decode()
    assert not Enrolment.objects.exists()
    [entry] = journal("schools.join_refused", about=child_ben)
    assert entry.data == {"tries": 1}
    for _ in range(actions.MAX_WRONG_CODES - 1):
        client.post(reverse("schools:join"), {"code": "ZZZ-ZZZ"})

    response = client.post(reverse("schools:join"), {"code": chloe_class.join_code})

    assert "Trop de codes erronés" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_changing_class_keeps_the_history_and_the_former_teacher_stops_seeing(
    chloe_class, child_ben, teacher_chloe
):
    other_teacher = make_user(role=Role.TEACHER)
    other = actions.create_class(
        teacher=other_teacher, name="4e A", level="4e", actor=other_teacher
    )
    enrol(child_ben, chloe_class)

    enrol(child_ben, other)

    first, second = Enrolment.objects.filter(pupil=child_ben).order_by("pk")
    assert first.school_class == chloe_class
    assert first.ended_at is not None
    assert second.school_class == other
    assert second.ended_at is None
    url = reverse("results:pupil", args=[child_ben.public_id])
    assert client_for(teacher_chloe).get(url).status_code == 404
    assert client_for(other_teacher).get(url).status_code == 200
    page = client_for(teacher_chloe).get(
        reverse("schools:class_detail", args=[chloe_class.public_id])
    )
    assert "Anciens élèves" in page.content.decode()
    last = journal("schools.pupil_enrolled", about=child_ben)[-1]
    assert last.data["left_class"] == str(chloe_class.public_id)


def test_joining_the_same_class_twice_is_refused(chloe_class, child_ben):
    enrol(child_ben, chloe_class)

    response = client_for(child_ben).post(reverse("schools:join"), {"code": chloe_class.join_code})

    assert "déjà dans cette classe" in response.content.decode()
    assert Enrolment.objects.filter(pupil=child_ben).count() == 1


def test_staff_place_a_pupil_by_their_username(school, chloe_class, staff_david, child_ben):
    client = client_for(staff_david)

    response = client.post(
        reverse("schools:school_detail", args=[school.public_id]),
        {"form": "place", "login": "BEN.MARTIN", "school_class": chloe_class.public_id},
    )

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(pupil=child_ben)
    assert enrolment.method == Enrolment.Method.STAFF
    [entry] = journal("schools.pupil_enrolled", about=child_ben)
    assert entry.actor_ref == f"user:{staff_david.public_id}"


def test_staff_are_told_when_no_pupil_has_that_login(school, chloe_class, staff_david):
    response = client_for(staff_david).post(
        reverse("schools:school_detail", args=[school.public_id]),
        {"form": "place", "login": "personne", "school_class": chloe_class.public_id},
    )

    assert "Aucun élève n&#x27;a cet identifiant" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_staff_add_a_teacher_to_their_school(school, staff_david, teacher_chloe):
    hugo = make_user(role=Role.TEACHER, email="hugo@college.test")

    response = client_for(staff_david).post(
        reverse("schools:school_detail", args=[school.public_id]),
        {"form": "teacher", "email": "hugo@college.test"},
    )

    assert response.status_code == 302
    assert school.members.filter(person=hugo, role=Role.TEACHER).exists()
    assert len(journal("schools.member_added", about=hugo)) == 1


def test_a_teacher_takes_a_pupil_out_of_the_class(chloe_class, child_ben, teacher_chloe):
    enrol(child_ben, chloe_class)
    enrolment = Enrolment.objects.get(pupil=child_ben)

    response = client_for(teacher_chloe).post(
        reverse("schools:remove_pupil", args=[chloe_class.public_id, enrolment.public_id])
    )

    enrolment.refresh_from_db()
    assert response.status_code == 302
    assert enrolment.ended_at is not None
    assert len(journal("schools.pupil_removed", about=child_ben)) == 1


def test_a_new_code_replaces_the_old_one_and_a_closed_class_takes_nobody(
    chloe_class, teacher_chloe
):
    old = chloe_class.join_code
    client = client_for(teacher_chloe)
    url = reverse("schools:class_code", args=[chloe_class.public_id])

    client.post(url, {"do": "renew"})
    chloe_class.refresh_from_db()
    pupil = make_pupil()
    with pytest.raises(actions.NotFound):
        actions.join_class_with_code(pupil=pupil, code=old, actor=pupil)
    assert chloe_class.join_code != old

    client.post(url, {"do": "close"})
    chloe_class.refresh_from_db()
    assert chloe_class.join_code is None
    assert len(journal("schools.join_code_renewed")) == 1
    assert len(journal("schools.join_code_closed")) == 1


def test_archiving_a_class_ends_its_enrolments_and_keeps_them(
    chloe_class, child_ben, teacher_chloe
):
    enrol(child_ben, chloe_class)

    response = client_for(teacher_chloe).post(
        reverse("schools:archive", args=[chloe_class.public_id])
    )

    assert response.status_code == 302
    chloe_class.refresh_from_db()
    assert chloe_class.archived_at is not None

    enrolment = Enrolment.objects.get(pupil=child_ben)
    assert enrolment.ended_at is not None
    assert chloe_class.join_code is None
    assert len(journal("schools.class_archived")) == 1
    assert len(journal("schools.pupil_removed", about=child_ben)) == 1
    url = reverse("results:pupil", args=[child_ben.public_id])
    assert client_for(teacher_chloe).get(url).status_code == 404


def test_a_restricted_pupil_joins_no_new_class_until_the_dpo_lifts_it(
    chloe_class, child_ben, guardian_anna, dpo_elise
):
    adopt(guardian=guardian_anna, child=child_ben)
    request = online(child_ben, Kind.RESTRICTION, by=guardian_anna, details="Classe contestée")
    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})

    response = client_for(child_ben).post(
        reverse("schools:join"), {"code": chloe_class.join_code}, follow=True
    )

    assert "ne peuvent pas être modifiées" in response.content.decode()
    assert not Enrolment.objects.filter(pupil=child_ben).exists()
    assert journal("schools.pupil_enrolled", about=child_ben) == []

    limitation = Limitation.objects.get(person=child_ben)
    client_for(dpo_elise).post(reverse("subject_requests:lift", args=[limitation.public_id]))
    client_for(child_ben).post(reverse("schools:join"), {"code": chloe_class.join_code})
    assert Enrolment.objects.filter(pupil=child_ben, school_class=chloe_class).exists()
