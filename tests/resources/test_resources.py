import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from charte.accounts.models import Role
from charte.resources import actions
from charte.resources.models import Folder, Resource
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.learning import PDF, enrol, give_work, make_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_teacher_writes_a_note_in_a_folder(teacher_chloe):
    folder = actions.create_folder(
        owner=teacher_chloe, name="Séquence 1", parent=None, actor=teacher_chloe
    )

    response = client_for(teacher_chloe).post(
        reverse("resources:create"),
        {"kind": "note", "title": "Fiche", "body": "Les symboles", "folder": folder.public_id},
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert resource.folder == folder
    assert resource.body == "Les symboles"
    assert len(journal("resources.created", about=teacher_chloe)) == 1
    listing = client_for(teacher_chloe).get(
        f"{reverse('resources:list')}?dossier={folder.public_id}"
    )
    assert "Fiche" in listing.content.decode()


def test_a_link_must_be_a_web_address(teacher_chloe):
    response = client_for(teacher_chloe).post(
        reverse("resources:create"), {"kind": "link", "title": "Site", "url": "javascript:alert(1)"}
    )

    assert response.status_code == 200
    assert not Resource.objects.exists()


def test_a_pupil_keeps_a_file_and_replaces_it(child_ben, django_capture_on_commit_callbacks):
    client = client_for(child_ben)
    client.post(
        reverse("resources:create"),
        {"kind": "file", "title": "Ma fiche", "file": SimpleUploadedFile("fiche.pdf", PDF)},
    )
    resource = Resource.objects.get()
    first = resource.file.name
    assert resource.file_name == "fiche.pdf"
    assert resource.file_size == len(PDF)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("resources:edit", args=[resource.public_id]),
            {"title": "Ma fiche v2", "file": SimpleUploadedFile("fiche2.pdf", PDF + b"%")},
        )

    resource.refresh_from_db()
    assert resource.title == "Ma fiche v2"
    assert not default_storage.exists(str(first))
    assert default_storage.exists(str(resource.file.name))
    download = client.get(reverse("resources:download", args=[resource.public_id]))
    assert download.getvalue() == PDF + b"%"
    download.close()


def test_a_refused_file_is_explained(child_ben):
    response = client_for(child_ben).post(
        reverse("resources:create"),
        {"kind": "file", "title": "Image", "file": SimpleUploadedFile("photo.gif", b"GIF89a")},
    )

    assert "ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert not Resource.objects.exists()


def test_deleting_a_folder_moves_its_content_up(teacher_chloe):
    parent = actions.create_folder(owner=teacher_chloe, name="A", parent=None, actor=teacher_chloe)
    child = actions.create_folder(owner=teacher_chloe, name="B", parent=parent, actor=teacher_chloe)
    note = actions.create_resource(
        owner=teacher_chloe, kind="note", title="N", body="x", folder=child, actor=teacher_chloe
    )

    client_for(teacher_chloe).post(
        reverse("resources:change_folder", args=[child.public_id]), {"do": "delete"}
    )

    note.refresh_from_db()
    assert note.folder == parent
    assert not Folder.objects.filter(pk=child.pk).exists()
    assert len(journal("resources.folder_deleted", about=teacher_chloe)) == 1


def test_deleting_a_resource_removes_its_file(child_ben, django_capture_on_commit_callbacks):
    client = client_for(child_ben)
    client.post(
        reverse("resources:create"),
        {"kind": "file", "title": "F", "file": SimpleUploadedFile("f.pdf", PDF)},
    )
    resource = Resource.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("resources:delete", args=[resource.public_id]))

    assert not Resource.objects.exists()
    assert not default_storage.exists(str(resource.file.name))


def test_a_resource_given_with_work_is_opened_by_the_class_but_edited_by_its_owner_only(
    catalogue, chloe_class, ben_in_class, teacher_chloe, guardian_anna
):
    grid = actions.create_resource(
        owner=teacher_chloe, kind="note", title="Grille", body="Sur 20", actor=teacher_chloe
    )
    give_work(teacher_chloe, chloe_class, expects_production=True, resource=grid)
    outsider = make_pupil()

    assert (
        client_for(ben_in_class).get(reverse("resources:detail", args=[grid.public_id])).status_code
        == 200
    )
    assert (
        client_for(guardian_anna)
        .get(reverse("resources:detail", args=[grid.public_id]))
        .status_code
        == 200
    )
    assert (
        client_for(ben_in_class).get(reverse("resources:edit", args=[grid.public_id])).status_code
        == 404
    )
    assert (
        client_for(outsider).get(reverse("resources:detail", args=[grid.public_id])).status_code
        == 404
    )


def test_parents_and_staff_have_no_personal_resources(guardian_anna, staff_david):
    for user in (guardian_anna, staff_david):
        assert client_for(user).get(reverse("resources:list")).status_code == 404


def test_a_class_change_ends_access_to_the_former_classs_resources(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    from charte.schools import actions as schools

    grid = actions.create_resource(
        owner=teacher_chloe, kind="note", title="Grille", body="Sur 20", actor=teacher_chloe
    )
    give_work(teacher_chloe, chloe_class, expects_production=True, resource=grid)
    other_teacher = make_user(role=Role.TEACHER)
    other = schools.create_class(teacher=other_teacher, name="4e", level="4e", actor=other_teacher)
    enrol(ben_in_class, other)

    response = client_for(ben_in_class).get(reverse("resources:detail", args=[grid.public_id]))

    assert response.status_code == 404
