"""Background work of the rights: archives, erasures, reminders, expiry. Tasks take ids."""

from datetime import timedelta

from django.tasks import default_task_backend, task
from django.utils import timezone

from charte.core.actors import SystemActor
from charte.subject_requests import actions, deadlines, rules
from charte.subject_requests.models import Status, SubjectRequest

WORKER = SystemActor("subject_requests")
# An erasure waits a little so that the message announcing it is delivered before the
# outbox row that carries it is erased with the rest.
ERASURE_DELAY = timedelta(minutes=15)


@task()
def build_archive(*, request_id: int) -> str:
    request = SubjectRequest.objects.filter(pk=request_id, status=Status.PROCESSING).first()
    if request is None or request.archive_name:
        return "nothing to do"
    actions.build_archive(request=request, actor=WORKER)
    return "built"


@task()
def erase(*, request_id: int) -> str:
    request = SubjectRequest.objects.filter(pk=request_id, status=Status.PROCESSING).first()
    if request is None:
        return "nothing to do"
    return actions.execute_erasure(request=request, actor=WORKER).status


def enqueue_erasure(request_pk: int) -> None:
    if default_task_backend.supports_defer:
        erase.using(run_after=timezone.now() + ERASURE_DELAY).enqueue(request_id=request_pk)
    else:
        erase.enqueue(request_id=request_pk)


@task()
def send_reminders() -> int:
    """Remind the DPO a week before each deadline, two days before, and when it has passed."""
    today = deadlines.today()
    sent = 0
    for request in SubjectRequest.objects.open().order_by("pk").iterator(chunk_size=500):
        left = request.days_left(today)
        stage = max((s for s, days in rules.REMINDER_STAGES if left <= days), default=0)
        if stage > request.reminded_stage:
            actions.remind(request=request, stage=stage, actor=WORKER)
            sent += 1
    return sent


@task()
def expire_archives() -> int:
    now = timezone.now()
    expired = SubjectRequest.objects.filter(archive_expires_at__lte=now).exclude(archive_name="")
    count = 0
    for request in expired.order_by("pk").iterator(chunk_size=500):
        actions.expire_archive(request=request, actor=WORKER)
        count += 1
    return count
