"""Erasure and the retention sweep leave no file of the person behind, read from the storage
itself (the bucket listed, or the folder walked), not from the database's rows: each kind of
file a person leaves (a handed-in production, an uploaded resource, an access archive, a
class's printed report) is stored, the person erased, and what remains is exactly the others'.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import User
from charte.assignments.models import ProductionFile
from charte.core.actors import SEED
from charte.privacy import erasure
from charte.reports.models import ClassPrint, PrintedReport
from charte.reports.queries import current_first_year
from charte.retention import sweep
from charte.subject_requests.models import Kind
from tests.conftest import client_for
from tests.learning import PDF, attempt, enrol, give_work, make_pupil
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db


def hand_in(pupil: User, assignment) -> None:
    response = client_for(pupil).post(
        reverse("assignments:detail", args=[assignment.public_id]),
        {"attachments": [SimpleUploadedFile(f"{pupil.username}.pdf", PDF)]},
    )
    assert response.status_code in {200, 302}


def test_an_erasure_and_the_sweep_leave_no_object_of_the_person_in_the_storage(
    files,
    catalogue,
    chloe_class,
    ben_in_class,
    guardian_anna,
    teacher_chloe,
    dpo_elise,
    django_capture_on_commit_callbacks,
):
    lea = make_pupil(first_name="Léa", username="lea.k")
    enrol(lea, chloe_class)
    for pupil in (ben_in_class, lea):
        attempt(pupil, "republique-symboles", right=3)
    work = give_work(teacher_chloe, chloe_class, expects_production=True)
    with django_capture_on_commit_callbacks(execute=True):
        hand_in(ben_in_class, work)
        hand_in(lea, work)
    with django_capture_on_commit_callbacks(execute=True):
        created = client_for(ben_in_class).post(
            "/ressources/nouvelle/",
            {"kind": "file", "title": "Mes notes", "file": SimpleUploadedFile("notes.pdf", PDF)},
        )
    assert created.status_code == 302
    # Ben's guardian asks for his data: the archive is about Ben.
    request = online(ben_in_class, Kind.ACCESS, by=guardian_anna)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.archive_name
    # The class's reports printed: one file per pupil.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(teacher_chloe).post(
            reverse("reports:class_print_start", args=[chloe_class.public_id]),
            {"periode": f"{current_first_year()}-year"},
        )
    reports = {r.pupil_id: r.file_name for r in PrintedReport.objects.all()}
    [lea_production] = ProductionFile.objects.filter(production__pupil=lea)
    stored = set(files.names())
    lea_files = {
        name
        for name in stored
        if name.endswith((str(lea_production.file.name), reports.get(lea.pk, "?")))
    }
    assert len(lea_files) == 2, stored  # her production and her report
    ben_files = stored - lea_files
    # His production, his resource, his archive, his report: four objects, all listed.
    assert len(ben_files) == 4, stored
    assert any(name.endswith(request.archive_name) for name in ben_files)

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(people=[ben_in_class], actor=SEED, reason="request")

    assert set(files.names()) == lea_files  # nothing of Ben's left behind, nothing else lost

    # Past the printed reports' time, the retention sweep removes Léa's report as well.
    ClassPrint.objects.update(created_at=timezone.now() - timedelta(days=8))
    PrintedReport.objects.update(created_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        sweep.run(today=timezone.localdate(), actor=SEED)

    assert not PrintedReport.objects.exists()
    assert [name for name in files.names() if name.endswith(reports[lea.pk])] == []
    assert len(files.names()) == 1  # Léa's production, hers to keep
