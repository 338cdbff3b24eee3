"""The printing of a class's reports, and the periodic job that takes up one a worker left."""

from django.tasks import task

from charte.core.actors import WORKER
from charte.reports import actions, queries
from charte.reports.models import ClassPrint


@task()
def print_class_reports(*, job_id: int) -> int:
    job = ClassPrint.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:
        return 0
    return actions.print_reports(job=job, actor=WORKER).done


@task()
def resume_class_prints() -> int:
    """Take up each printing a worker left; give up those that stalled too many times."""
    actions.give_up_stalled_prints(actor=WORKER)
    return sum(print_class_reports.call(job_id=pk) for pk in queries.stalled_prints())
