"""Delivery: one task per message; a periodic job retries those that failed. The task fetches
the message by id and calls the actions that record each outcome with its journal entry."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task

from charte.core.actors import WORKER
from charte.notifications.actions import abandon_refused, delivery_refusal, mark_failed, mark_sent
from charte.notifications.models import Message


@task()
def deliver(*, message_id: int) -> str:
    # Two deliveries of one message may run at once on two workers (the periodic retry enqueues
    # again what is still queued): the row stays locked while it is sent, so the second one
    # waits, then finds it sent.
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .filter(pk=message_id)
            .select_related("about", "recipient")
            .first()
        )
        return _deliver(message)


def _deliver(message: Message | None) -> str:
    if message is None or message.status in {Message.Status.SENT, Message.Status.ABANDONED}:
        return "nothing to do"  # already delivered, given up, or erased since: safe to re-run
    refused = delivery_refusal(message)
    if refused is not None:
        abandon_refused(message=message, reason=refused, actor=WORKER)
        return "refused"
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=message.headers,
    )
    try:
        email.send()
    except Exception as error:  # any delivery failure is retried later
        mark_failed(message=message, error=error, actor=WORKER)
        return "failed"
    mark_sent(message=message, actor=WORKER)
    return "sent"


@task()
def retry_undelivered() -> int:
    pending = list(
        Message.objects.filter(
            status__in=[Message.Status.QUEUED, Message.Status.FAILED]
        ).values_list("pk", flat=True)
    )
    for pk in pending:
        deliver.enqueue(message_id=pk)
    return len(pending)
