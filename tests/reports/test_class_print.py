"""A class's individual reports printed at once by its teacher: started from the class's page,
drawn by the worker with a progress bar, downloaded as one PDF, journalled, kept 7 days."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from charte.accounts.models import Role, User
from charte.audit.models import Entry
from charte.core.actors import SEED
from charte.privacy import erasure, processing
from charte.reports import actions, documents, tasks
from charte.reports.models import ClassPrint, PrintedReport, report_file_name
from charte.reports.queries import current_first_year
from charte.retention import sweep
from charte.schools.models import SchoolClass
from charte.subject_requests import actions as request_actions
from charte.subject_requests.models import Kind
from tests.conftest import client_for
from tests.factories import make_user
from tests.helpers import pdf_text, stored_files
from tests.learning import attempt, enrol
from tests.subject_requests.helpers import online

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"


@pytest.fixture
def zoe(chloe_class: SchoolClass) -> User:
    """A second pupil of the class, who objects to statistics."""
    pupil = make_user(role=Role.PUPIL, first_name="Zoé", last_name="Durand", username="zoe.d")
    enrol(pupil, chloe_class)
    request = online(pupil, Kind.OBJECTION, purposes=["statistics"])
    request_actions.decide(request=request, actor=make_user(role=Role.DPO), decision="approved")
    assert processing.allowed(pupil, "statistics") is False
    return pupil


def stored() -> list[str]:
    """The printed classes' files, as named in the archives' storage (a folder has no
    existence of its own in a bucket: list, never ask whether it exists)."""
    prefix = "class-prints/"
    return [n.removeprefix(prefix) for n in stored_files("archives") if n.startswith(prefix)]


def period() -> str:
    return f"{current_first_year()}-year"


def start(client, school_class: SchoolClass, capture, value: str | None = None):
    with capture(execute=True):
        return client.post(
            reverse("reports:class_print_start", args=[school_class.public_id]),
            {"periode": period() if value is None else value},
        )


def test_the_teacher_prints_every_report_of_the_class_in_one_pdf(
    catalogue, chloe_class, ben_in_class, zoe, teacher_chloe, django_capture_on_commit_callbacks
):
    attempt(ben_in_class, "republique-symboles", right=4)
    attempt(zoe, "republique-symboles", right=2)
    client = client_for(teacher_chloe)
    page = client.get(reverse("reports:class_prints", args=[chloe_class.public_id]))
    assert page.status_code == 200
    assert "Imprimer les rapports" in page.content.decode()
    # The class's page leads there.
    detail = client.get(reverse("schools:class_detail", args=[chloe_class.public_id]))
    assert reverse("reports:class_prints", args=[chloe_class.public_id]) in detail.content.decode()

    response = start(client, chloe_class, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    job = ClassPrint.objects.get()
    assert (job.status, job.done, job.total, job.requested_by) == ("done", 2, 2, teacher_chloe)
    assert len(stored()) == 2
    # The page polls the progress; done, the fragment offers the download.
    progress = reverse("reports:class_print_progress", args=[job.public_id])
    fragment = client.get(progress, headers=HTMX).content.decode()
    assert reverse("reports:class_print_download", args=[job.public_id]) in fragment
    assert "every 2s" not in fragment
    opened = client.get(progress)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("reports:class_prints", args=[chloe_class.public_id])

    download = client.get(reverse("reports:class_print_download", args=[job.public_id]))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert f'filename="rapports-{slugify(chloe_class.name)}-' in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"] or "private" in download["Cache-Control"]
    text = pdf_text(download.content)
    school_year = f"Année scolaire {current_first_year()}-{current_first_year() + 1}"
    # Each pupil's name and the period, on their own pages (Zoé's objection to statistics
    # does not take her own report away).
    pages = text.split("\f")
    ben_page = next(i for i, p in enumerate(pages) if "Rapport de résultats de Ben Martin" in p)
    zoe_page = next(i for i, p in enumerate(pages) if "Rapport de résultats de Zoé Durand" in p)
    assert ben_page != zoe_page
    assert school_year in pages[ben_page]
    assert school_year in pages[zoe_page]
    # The journal: asked, ready, downloaded, and a read of each pupil's results.
    events = list(
        Entry.objects.filter(event__startswith="reports.").values_list("event", flat=True)
    )
    assert events == [
        "reports.class_print_started",
        "reports.class_print_ready",
        "reports.class_print_downloaded",
    ]
    downloaded = Entry.objects.get(event="reports.class_print_downloaded")
    assert downloaded.actor_ref.endswith(str(teacher_chloe.public_id))
    assert downloaded.data["pupils"] == 2
    reads = Entry.objects.filter(event="read.results", data__via="class_print")
    assert {e.subject_ref for e in reads} == {
        f"user:{ben_in_class.public_id}",
        f"user:{zoe.public_id}",
    }


def test_a_second_click_while_it_runs_starts_nothing_more(
    catalogue, chloe_class, ben_in_class, teacher_chloe
):
    client = client_for(teacher_chloe)
    url = reverse("reports:class_print_start", args=[chloe_class.public_id])
    client.post(url, {"periode": period()})  # the worker has not taken it yet
    client.post(url, {"periode": period()})
    job = ClassPrint.objects.get()
    assert job.status == "queued"
    page = client.get(reverse("reports:class_prints", args=[chloe_class.public_id])).content
    assert b"every 2s" in page
    # Not done: the download leads back to the page with a message, and journals nothing.
    download = client.get(reverse("reports:class_print_download", args=[job.public_id]))
    assert download.status_code == 302
    assert not Entry.objects.filter(event="reports.class_print_downloaded").exists()


def test_a_period_not_offered_changes_nothing(
    catalogue, chloe_class, ben_in_class, teacher_chloe, django_capture_on_commit_callbacks
):
    client = client_for(teacher_chloe)
    for value in ("1999-year", "2026-t9", "", "x" * 5000):
        response = start(client, chloe_class, django_capture_on_commit_callbacks, value=value)
        assert response.status_code == 302
    assert not ClassPrint.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Choisissez une période" in page


def test_only_the_class_teachers_reach_it(
    catalogue,
    school,
    chloe_class,
    ben_in_class,
    guardian_anna,
    staff_david,
    teacher_chloe,
    django_capture_on_commit_callbacks,
):
    start(client_for(teacher_chloe), chloe_class, django_capture_on_commit_callbacks)
    job = ClassPrint.objects.get()
    # A teacher of the same school who does not teach this class, the school's staff, the
    # pupil and his mother: not found, for every page, and a POST starts nothing.
    colleague = make_user(role=Role.TEACHER)
    for viewer in (colleague, staff_david, ben_in_class, guardian_anna):
        client = client_for(viewer)
        for name, arg in (
            ("reports:class_prints", chloe_class.public_id),
            ("reports:class_print_progress", job.public_id),
            ("reports:class_print_download", job.public_id),
        ):
            assert client.get(reverse(name, args=[arg]), headers=HTMX).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                reverse("reports:class_print_start", args=[chloe_class.public_id]),
                {"periode": period()},
            )
        assert answer.status_code == 404
    assert ClassPrint.objects.count() == 1
    assert not Entry.objects.filter(event="reports.class_print_downloaded").exists()
    # Once the class is archived, its former teacher no longer reaches it either.
    SchoolClass.objects.filter(pk=chloe_class.pk).update(archived_at=timezone.now())
    client = client_for(teacher_chloe)
    assert (
        client.get(reverse("reports:class_print_download", args=[job.public_id])).status_code == 404
    )


def test_an_interrupted_printing_resumes_without_a_second_file(
    catalogue, chloe_class, ben_in_class, zoe, teacher_chloe, monkeypatch
):
    client_for(teacher_chloe).post(
        reverse("reports:class_print_start", args=[chloe_class.public_id]), {"periode": period()}
    )
    job = ClassPrint.objects.select_related("requested_by").get()
    first, second = job.reports.order_by("position")
    # The worker stops while drawing the second report...
    drawn = documents.pupil_pdf
    calls = []

    def stopping(**kwargs):
        calls.append(kwargs["pupil"])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return drawn(**kwargs)

    monkeypatch.setattr(documents, "pupil_pdf", stopping)
    with pytest.raises(KeyboardInterrupt):
        actions.print_reports(job=job, actor=SEED)
    job.refresh_from_db()
    assert (job.status, job.done) == ("running", 1)
    # ... and a run stopped between storing and committing had left a file under its name.
    storages["archives"].save(report_file_name(second), ContentFile(b"half"))
    assert stored() == sorted([f"{first.public_id.hex}.pdf", f"{second.public_id.hex}.pdf"])
    monkeypatch.setattr(documents, "pupil_pdf", drawn)
    assert tasks.resume_class_prints.enqueue().return_value == 0  # not stalled yet
    ClassPrint.objects.filter(pk=job.pk).update(touched_at=timezone.now() - timedelta(hours=1))

    tasks.resume_class_prints.enqueue()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    assert stored() == sorted([f"{first.public_id.hex}.pdf", f"{second.public_id.hex}.pdf"])
    with storages["archives"].open(report_file_name(second)) as f:
        assert f.read().startswith(b"%PDF")
    # The first report was not drawn again.
    assert calls == [ben_in_class, zoe]
    assert Entry.objects.filter(event="reports.class_print_ready").count() == 1


def test_a_printing_that_fails_at_every_run_is_given_up_and_can_be_started_again(
    catalogue, chloe_class, ben_in_class, teacher_chloe, monkeypatch
):
    client = client_for(teacher_chloe)
    start_url = reverse("reports:class_print_start", args=[chloe_class.public_id])
    client.post(start_url, {"periode": period()})
    job = ClassPrint.objects.get()

    def broken(**kwargs):
        raise RuntimeError("the report cannot be drawn")

    monkeypatch.setattr(documents, "pupil_pdf", broken)

    def stall_and_resume() -> str:
        ClassPrint.objects.filter(pk=job.pk).update(touched_at=timezone.now() - timedelta(hours=1))
        return tasks.resume_class_prints.enqueue().status

    assert [stall_and_resume() for _run in range(3)] == ["FAILED"] * 3
    job.refresh_from_db()
    assert (job.status, job.runs) == ("running", 3)

    assert stall_and_resume() == "SUCCESSFUL"  # no fourth run: the printing is given up

    job.refresh_from_db()
    assert (job.status, job.runs, job.done) == ("failed", 3, 0)
    stall_and_resume()
    entries = Entry.objects.filter(event="reports.class_print_failed")
    assert entries.count() == 1
    assert entries.get().data["print"] == str(job.public_id)
    # The teacher reads that it failed, with nothing left polling the page...
    page = client.get(reverse("reports:class_prints", args=[chloe_class.public_id])).content
    assert b"n'a pas abouti" in page.replace(b"&#x27;", b"'")
    assert b"every 2s" not in page
    assert b'data-status="failed"' in page
    # ...and starting again makes a new printing, which the worker finishes once it can.
    monkeypatch.setattr(documents, "pupil_pdf", lambda **kwargs: b"%PDF-1.7 report")
    client.post(start_url, {"periode": period()})
    again = ClassPrint.objects.exclude(pk=job.pk).get()
    actions.print_reports(job=again, actor=SEED)
    again.refresh_from_db()
    assert (again.status, again.runs) == ("done", 1)


def test_erasure_and_the_retention_sweep_take_the_reports_away(
    catalogue, chloe_class, ben_in_class, zoe, teacher_chloe, django_capture_on_commit_callbacks
):
    client = client_for(teacher_chloe)
    start(client, chloe_class, django_capture_on_commit_callbacks)
    job = ClassPrint.objects.get()
    assert len(stored()) == 2
    # Zoé erased: her report goes, file and all; the document no longer holds it.
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(people=User.objects.filter(pk=zoe.pk), actor=SEED, reason="test")
    assert not PrintedReport.objects.filter(pupil_id=zoe.pk).exists()
    assert len(stored()) == 1
    text = pdf_text(
        client.get(reverse("reports:class_print_download", args=[job.public_id])).content
    )
    assert "Ben Martin" in text
    assert "Zoé" not in text
    # Eight days later: the printing has expired (not found), and the sweep removes it.
    ClassPrint.objects.update(created_at=timezone.now() - timedelta(days=8))
    PrintedReport.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert (
        client.get(reverse("reports:class_print_download", args=[job.public_id])).status_code == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep.run(today=timezone.localdate(), actor=SEED)
    assert report.outcome("class_prints").expired >= 1
    assert not ClassPrint.objects.exists()
    assert not PrintedReport.objects.exists()
    assert stored() == []
