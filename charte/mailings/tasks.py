"""The sending of a mailing, batch after batch; a periodic job resumes one a worker left."""

from django.tasks import task

from charte.mailings.actions import queue_batch
from charte.mailings.models import Mailing


@task()
def send_mailing(*, mailing_id: int) -> int:
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    queued = 0
    while mailing is not None:
        count = queue_batch(mailing=mailing)
        if count < 0:
            break
        queued += count
    return queued


@task()
def resume_sending() -> int:
    pending = Mailing.objects.filter(status=Mailing.Status.SENDING).values_list("pk", flat=True)
    return sum(send_mailing.call(mailing_id=pk) for pk in pending)
