from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from charte.assignments.models import AssignedPupil, Assignment, Production, ProductionFile
from charte.assignments.queries import Status, status_of
from charte.schools.models import Enrolment
from tests.conftest import client_for, journal
from tests.learning import PDF, attempt, enrol, exercise, give_work, make_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def when(days):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_teacher_gives_an_exercise_to_the_class(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    response = client_for(teacher_chloe).post(
        reverse("assignments:create", args=[chloe_class.public_id]),
        {
            "title": "Les symboles",
            "exercise": "republique-symboles",
            "due_at": when(7),
            "audience": "class",
        },
    )

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert assignment.exercise == exercise("republique-symboles")
    assert assignment.whole_class
    assert assignment.teacher == teacher_chloe
    [entry] = journal("assignments.created", about=teacher_chloe)
    assert entry.data["assignment"] == str(assignment.public_id)
    home = client_for(ben_in_class).get("/").content.decode()
    assert "Les symboles" in home


def test_work_due_in_the_past_is_refused_with_a_clear_message(
    catalogue, chloe_class, teacher_chloe
):
    response = client_for(teacher_chloe).post(
        reverse("assignments:create", args=[chloe_class.public_id]),
        {"title": "Trop tard", "exercise": "vote-bureau", "due_at": when(-1), "audience": "class"},
    )

    assert "La date de rendu est déjà passée" in response.content.decode()
    assert not Assignment.objects.exists()


def test_work_needs_an_exercise_or_something_to_hand_in(catalogue, chloe_class, teacher_chloe):
    response = client_for(teacher_chloe).post(
        reverse("assignments:create", args=[chloe_class.public_id]),
        {"title": "Rien", "due_at": when(3), "audience": "class"},
    )

    assert "Choisissez un exercice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_work_for_some_pupils_only_is_seen_by_them_only(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    lea = make_pupil()
    enrol(lea, chloe_class)

    client_for(teacher_chloe).post(
        reverse("assignments:create", args=[chloe_class.public_id]),
        {
            "title": "Pour Ben",
            "exercise": "vote-bureau",
            "due_at": when(3),
            "audience": "some",
            "pupils": [ben_in_class.public_id],
        },
    )

    assignment = Assignment.objects.get()
    assert not assignment.whole_class
    assert list(AssignedPupil.objects.values_list("pupil", flat=True)) == [ben_in_class.pk]
    url = reverse("assignments:detail", args=[assignment.public_id])
    assert client_for(ben_in_class).get(url).status_code == 200
    assert client_for(lea).get(url).status_code == 404


@pytest.mark.parametrize("chosen", ["9" * 50, "1", "../1"])
def test_a_pupil_chosen_by_a_number_or_a_path_is_refused_next_to_the_field(
    catalogue, chloe_class, ben_in_class, teacher_chloe, chosen
):
    """Pupils are chosen by their public id: an integer (a database key, or one too large for
    SQLite, which once answered with a server error) is not one of them."""
    response = client_for(teacher_chloe).post(
        reverse("assignments:create", args=[chloe_class.public_id]),
        {
            "title": "Pour Ben",
            "exercise": "vote-bureau",
            "due_at": when(3),
            "audience": "some",
            "pupils": [chosen],
        },
    )

    assert response.status_code == 200
    assert "pupils" in response.context["form"].errors
    assert not Assignment.objects.exists()
    assert str(ben_in_class.public_id) in response.content.decode()  # the choices say who


def test_doing_the_exercise_completes_the_work_and_the_teacher_sees_who_is_late(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    nour = make_pupil(first_name="Nour")
    enrol(nour, chloe_class)
    assignment = give_work(teacher_chloe, chloe_class)
    done = attempt(ben_in_class, "republique-symboles")
    now = timezone.now()
    # Given three hours ago, done two hours ago, due an hour ago.
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=now - timedelta(hours=3), due_at=now - timedelta(hours=1)
    )
    type(done).objects.filter(pk=done.pk).update(created_at=now - timedelta(hours=2))
    # Both were in the class before the work was given (a newcomer is never late for it).
    Enrolment.objects.filter(school_class=chloe_class).update(started_at=now - timedelta(days=1))
    assignment.refresh_from_db()

    assert status_of(assignment, ben_in_class).status == Status.DONE
    assert status_of(assignment, nour).status == Status.LATE
    page = client_for(teacher_chloe).get(reverse("assignments:detail", args=[assignment.public_id]))
    text = page.content.decode()
    assert "1 élève est en retard." in text
    home = client_for(teacher_chloe).get("/").content.decode()
    assert "Travail en retard" in home
    assert "Nour" in home


def test_an_attempt_made_before_the_work_was_given_does_not_count(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    attempt(ben_in_class, "republique-symboles", days_ago=3)

    assignment = give_work(teacher_chloe, chloe_class)

    assert status_of(assignment, ben_in_class).status == Status.TODO


def test_a_pupil_hands_in_text_and_a_file_and_sees_the_advice_first(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    assignment = give_work(teacher_chloe, chloe_class, title="Exposé", expects_production=True)
    url = reverse("assignments:detail", args=[assignment.public_id])
    client = client_for(ben_in_class)
    form = client.get(url).content.decode()
    assert "n&#x27;écris pas ton adresse" in form or "n'écris pas ton adresse" in form

    response = client.post(
        url,
        {
            "text": "Mon exposé sur les Restos du cœur.",
            "attachments": [SimpleUploadedFile("Exposé de Ben Martin.pdf", PDF)],
        },
    )

    assert response.status_code == 302
    production = Production.objects.get()
    assert production.text.startswith("Mon exposé")
    stored = ProductionFile.objects.get()
    assert stored.name == "Exposé de Ben Martin.pdf"
    assert stored.content_type == "application/pdf"
    # The stored path does not carry the name the pupil gave the file.
    path = str(stored.file.name)
    assert "Ben" not in path
    assert path.startswith("productions/")
    assert default_storage.exists(path)
    [entry] = journal("assignments.handed_in", about=ben_in_class)
    assert entry.data["files"] == 1
    assert entry.data["late"] is False
    assert status_of(assignment, ben_in_class).status == Status.DONE


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "ce type de fichier n&#x27;est pas accepté"),
        ("faux.pdf", b"pas un pdf", "ne correspond pas à son extension"),
        ("vide.txt", b"", "est vide"),
        ("gros.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1), "la limite est de 5,0"),
    ],
)
def test_a_file_we_do_not_accept_is_refused_clearly_and_nothing_is_kept(
    catalogue, chloe_class, ben_in_class, teacher_chloe, name, content, message
):
    assignment = give_work(teacher_chloe, chloe_class, expects_production=True)

    response = client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]),
        {"text": "Mon travail", "attachments": [SimpleUploadedFile(name, content)]},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Production.objects.exists()
    assert not ProductionFile.objects.exists()


def test_the_teacher_gives_feedback_and_the_work_can_no_longer_change(
    catalogue, chloe_class, ben_in_class, teacher_chloe, guardian_anna
):
    assignment = give_work(teacher_chloe, chloe_class, expects_production=True)
    client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]), {"text": "Version 1"}
    )
    production = Production.objects.get()

    response = client_for(teacher_chloe).post(
        reverse("assignments:production", args=[production.public_id]),
        {"feedback": "Très bien, cite tes sources."},
    )

    production.refresh_from_db()
    assert response.status_code == 302
    assert production.feedback_by == teacher_chloe
    assert production.feedback_at is not None
    assert len(journal("assignments.feedback_given", about=ben_in_class)) == 1
    mother = client_for(guardian_anna).get(
        reverse("assignments:production", args=[production.public_id])
    )
    assert "Très bien, cite tes sources." in mother.content.decode()
    retry = client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]), {"text": "Version 2"}
    )
    assert retry.status_code == 200
    production.refresh_from_db()
    assert production.text == "Version 1"


def test_a_file_is_downloaded_by_its_pupil_and_teacher_only(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    assignment = give_work(teacher_chloe, chloe_class, expects_production=True)
    client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]),
        {"attachments": [SimpleUploadedFile("fiche.pdf", PDF)]},
    )
    url = reverse("assignments:file", args=[ProductionFile.objects.get().public_id])

    mine = client_for(ben_in_class).get(url)
    teachers = client_for(teacher_chloe).get(url)
    classmate = make_pupil()
    enrol(classmate, chloe_class)

    assert mine.status_code == teachers.status_code == 200
    assert mine.getvalue() == PDF
    assert mine["Content-Disposition"].startswith("attachment")
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert client_for(classmate).get(url).status_code == 404
    mine.close()
    teachers.close()


def test_removing_a_file_deletes_it_from_the_storage(
    catalogue, chloe_class, ben_in_class, teacher_chloe, django_capture_on_commit_callbacks
):
    assignment = give_work(teacher_chloe, chloe_class, expects_production=True)
    client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]),
        {"attachments": [SimpleUploadedFile("fiche.pdf", PDF)]},
    )
    stored = ProductionFile.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(ben_in_class).post(reverse("assignments:remove_file", args=[stored.public_id]))

    assert not ProductionFile.objects.exists()
    assert not default_storage.exists(str(stored.file.name))
    assert len(journal("assignments.file_removed", about=ben_in_class)) == 1


def test_work_already_handed_in_cannot_be_deleted(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    assignment = give_work(teacher_chloe, chloe_class, expects_production=True)
    client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]), {"text": "Fait"}
    )

    client_for(teacher_chloe).post(reverse("assignments:delete", args=[assignment.public_id]))

    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_work_nobody_handed_in_can_be_withdrawn(catalogue, chloe_class, teacher_chloe):
    assignment = give_work(teacher_chloe, chloe_class)

    client_for(teacher_chloe).post(reverse("assignments:delete", args=[assignment.public_id]))

    assert not Assignment.objects.exists()
    assert len(journal("assignments.deleted", about=teacher_chloe)) == 1


def test_a_guardian_sees_their_childs_work_and_its_status(
    catalogue, chloe_class, ben_in_class, teacher_chloe, guardian_anna
):
    give_work(teacher_chloe, chloe_class, title="Symboles à revoir")

    page = client_for(guardian_anna).get(reverse("assignments:mine")).content.decode()

    assert "Ben Martin" in page
    assert "Symboles à revoir" in page
    assert "À faire" in page


def test_the_scores_on_an_assignment_page_are_a_journalled_read(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    assignment = give_work(teacher_chloe, chloe_class)
    attempt(ben_in_class, "republique-symboles")

    client_for(teacher_chloe).get(reverse("assignments:detail", args=[assignment.public_id]))
    client_for(ben_in_class).get(reverse("assignments:detail", args=[assignment.public_id]))

    [entry] = journal("read.results")
    assert entry.subject_ref == f"user:{ben_in_class.public_id}"
    assert entry.data["via"] == "assignment"
