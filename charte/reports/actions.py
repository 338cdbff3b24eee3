"""A class's individual reports printed at once: started by a teacher, drawn by the worker,
downloaded by the class's teachers.

Design:
- Starting records the pupils in the class now, one `PrintedReport` each, in the order of the
  class list; a second click while a printing of the same period runs gives back that one.
- The worker draws the reports one by one, each stored and committed on its own (not one
  transaction: the page shows the progress as it goes). It draws only the reports not stored
  yet, so that a run taken up again after an interruption (`resume_class_prints`, or the same
  task run twice) goes on where the last one stopped. A report is stored under a name of its
  own, under the row's lock, after removing what a broken run may have left under that name:
  never two files for one report.
- A pupil who objects to statistics is printed like the others: their own report is not
  statistics (GDPR art. 21; the register's purpose "statistics" says so).
- Every download is journalled: the printing's, and a read of each pupil's results.
"""

from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core.actors import Actor
from charte.core.errors import ActionError, Conflict, NotFound
from charte.reports import documents
from charte.reports.models import ClassPrint, PrintedReport, private_storage, report_file_name
from charte.reports.queries import Period, stalled_prints, stored_reports
from charte.results import actions as results_actions
from charte.schools import queries as schools
from charte.schools.models import SchoolClass

UNFINISHED = (ClassPrint.Status.QUEUED, ClassPrint.Status.RUNNING)


def _data(job: ClassPrint, **extra: object) -> dict[str, object]:
    return {
        "class": str(job.school_class.public_id),
        "print": str(job.public_id),
        "period": f"{job.first_year}-{job.period}",
        **extra,
    }


@transaction.atomic
def start_class_print(
    *, school_class: SchoolClass, period: Period | None, language: str, actor: User
) -> ClassPrint:
    """Ask for every current pupil's report of the class for `period`, drawn by the worker."""
    if not schools.teaches_class(actor, school_class) or school_class.archived_at is not None:
        raise NotFound(_("Classe introuvable."))
    if period is None:
        raise ActionError(_("Choisissez une période de cette année scolaire ou de la précédente."))
    running = (
        ClassPrint.objects.select_for_update()
        .filter(
            school_class=school_class,
            first_year=period.first_year,
            period=period.code,
            status__in=UNFINISHED,
        )
        .first()
    )
    if running is not None:
        return running
    pupils = list(schools.pupils_of_class(school_class))
    if not pupils:
        raise Conflict(_("La classe n'a pas encore d'élève : il n'y a aucun rapport à imprimer."))
    job = ClassPrint.objects.create(
        school_class=school_class,
        requested_by=actor,
        first_year=period.first_year,
        period=period.code,
        language=language,
        total=len(pupils),
    )
    PrintedReport.objects.bulk_create(
        PrintedReport(job=job, pupil=pupil, position=position)
        for position, pupil in enumerate(pupils, start=1)
    )
    audit.record(
        event="reports.class_print_started", actor=actor, data=_data(job, pupils=len(pupils))
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from charte.reports.tasks import print_class_reports

    print_class_reports.enqueue(job_id=job_id)


def print_reports(*, job: ClassPrint, actor: Actor) -> ClassPrint:
    """Draw and store each report of the printing not stored yet, then mark it done.

    Not one transaction: each report is committed as it is stored, so the page shows the
    progress, and a run taken up again starts from the first report still missing.
    """
    if job.status == ClassPrint.Status.DONE:
        return job
    ClassPrint.objects.filter(pk=job.pk).update(
        status=ClassPrint.Status.RUNNING, touched_at=timezone.now(), runs=F("runs") + 1
    )
    period = Period(first_year=job.first_year, code=job.period)
    missing = job.reports.filter(file_name="").select_related("pupil").order_by("position", "pk")
    for report in missing:
        content = documents.pupil_pdf(
            viewer=job.requested_by, pupil=report.pupil, period=period, language=job.language
        )
        _store(job, report, content)
    return _finish(job=job, actor=actor)


@transaction.atomic
def _store(job: ClassPrint, report: PrintedReport, content: bytes) -> None:
    locked = PrintedReport.objects.select_for_update().filter(pk=report.pk).first()
    if locked is None or locked.file_name:
        return  # erased with its pupil meanwhile, or stored by another run
    name = report_file_name(locked)
    storage = private_storage()
    storage.delete(name)  # what a run stopped between storing and committing left behind
    locked.file_name = storage.save(name, ContentFile(content, name=name))
    locked.save(update_fields=["file_name"])
    ClassPrint.objects.filter(pk=job.pk).update(
        done=job.reports.exclude(file_name="").count(), touched_at=timezone.now()
    )


@transaction.atomic
def _finish(*, job: ClassPrint, actor: Actor) -> ClassPrint:
    locked = ClassPrint.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None:
        return job  # erased with the teacher who asked for it
    if locked.status == ClassPrint.Status.DONE or locked.reports.filter(file_name="").exists():
        return locked
    count = locked.reports.count()
    locked.status = ClassPrint.Status.DONE
    locked.total = locked.done = count
    locked.finished_at = locked.touched_at = timezone.now()
    locked.save(update_fields=["status", "total", "done", "finished_at", "touched_at"])
    audit.record(event="reports.class_print_ready", actor=actor, data=_data(locked, pupils=count))
    return locked


def give_up_stalled_prints(*, actor: Actor) -> int:
    """Mark failed the printings that stalled after `MAX_PRINT_RUNS` runs (a report that makes
    the worker fail each time), journalled; their teacher sees it and can start again."""
    given_up = 0
    for job_id in stalled_prints(given_up=True):
        with transaction.atomic():
            locked = (
                ClassPrint.objects.select_for_update()
                .select_related("school_class")
                .filter(pk=job_id, status__in=UNFINISHED)
                .first()
            )
            if locked is None:
                continue
            locked.status = ClassPrint.Status.FAILED
            locked.finished_at = locked.touched_at = timezone.now()
            locked.save(update_fields=["status", "finished_at", "touched_at"])
            audit.record(
                event="reports.class_print_failed",
                actor=actor,
                data=_data(locked, done=locked.done, total=locked.total, runs=locked.runs),
            )
            given_up += 1
    return given_up


@transaction.atomic
def record_class_print_download(*, job: ClassPrint, actor: User) -> list[PrintedReport]:
    """Journal that `actor` took the printing's document, and read each pupil's results in
    it; the reports it holds, in their order."""
    if job.status != ClassPrint.Status.DONE:
        raise Conflict(_("Les rapports ne sont pas encore tous prêts."))
    reports = stored_reports(job)
    audit.record(
        event="reports.class_print_downloaded", actor=actor, data=_data(job, pupils=len(reports))
    )
    results_actions.record_results_viewed(
        viewer=actor, pupils=[r.pupil for r in reports], via="class_print"
    )
    return reports
