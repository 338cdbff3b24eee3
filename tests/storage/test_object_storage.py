"""Uploads, productions and archives through the storage API: on local disk and on an
S3-compatible server alike, read back only after the access checks, and gone once erased or
expired (no file left behind)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from charte.assignments.models import ProductionFile
from charte.core.actors import SystemActor
from charte.privacy import erasure
from charte.subject_requests.models import Kind, SubjectRequest
from tests.conftest import client_for, journal
from tests.learning import PDF, give_work, make_pupil
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db


def test_a_production_is_stored_read_back_by_its_people_and_gone_after_erasure(
    files, catalogue, chloe_class, ben_in_class, teacher_chloe, django_capture_on_commit_callbacks
):
    assignment = give_work(teacher_chloe, chloe_class, expects_production=True)
    client_for(ben_in_class).post(
        reverse("assignments:detail", args=[assignment.public_id]),
        {"attachments": [SimpleUploadedFile("fiche.pdf", PDF)]},
    )
    stored = ProductionFile.objects.get()
    [name] = files.names()
    assert name.startswith("media/") or files.kind == "local"
    assert name.endswith(str(stored.file.name))

    url = reverse("assignments:file", args=[stored.public_id])
    response = client_for(teacher_chloe).get(url)
    assert response.status_code == 200
    assert response.getvalue() == PDF
    assert client_for(make_pupil()).get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(people=[ben_in_class], actor=SystemActor("tester"), reason="request")

    assert not ProductionFile.objects.exists()
    assert files.names() == []  # no file left behind
    response.close()


def test_an_archive_is_stored_privately_streamed_after_the_checks_and_deleted_on_expiry(
    files, guardian_anna, dpo_elise, django_capture_on_commit_callbacks
):
    request = online(guardian_anna, Kind.ACCESS)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.archive_name
    [name] = files.names()
    assert name.endswith(request.archive_name)
    assert "archives" in name
    if files.kind == "s3":
        assert not name.startswith("media/")  # never among the uploads' objects

    client = client_for(guardian_anna)
    link = client.get(reverse("subject_requests:detail", args=[request.public_id])).context[
        "download_url"
    ]
    response = client.get(link)
    assert response.status_code == 200
    body = response.getvalue()
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    assert len(body) == request.archive_size
    assert client_for(dpo_elise).get(link).status_code == 404  # only the person's own link
    assert journal("read.archive", about=guardian_anna)

    SubjectRequest.objects.filter(pk=request.pk).update(
        archive_expires_at=timezone.now() - timedelta(seconds=1)
    )
    from charte.subject_requests.tasks import expire_archives

    with django_capture_on_commit_callbacks(execute=True):
        expire_archives.call()

    assert files.names() == []
    assert client.get(link).status_code == 404
    response.close()
