"""Delivery: one task per message; a periodic job retries those that failed."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core.actors import WORKER
from charte.notifications import kinds
from charte.notifications.actions import deceased, mark_failed, mark_sent
from charte.notifications.models import Message
from charte.privacy import processing, register
from charte.privacy.register import Category
from charte.recipients.actions import SharingRefused, refusal, share_with


def _purpose(message: Message) -> str:
    """The purpose the message serves: its kind's, or the account's for service messages."""
    try:
        return kinds.get(message.kind).purpose or "account"
    except LookupError:  # a kind removed since the message was queued
        return "account"


def _essential(message: Message) -> bool:
    try:
        return kinds.get(message.kind).essential
    except LookupError:  # a kind removed since: only essential kinds are sent without a check
        return False


def _consent_holds(message: Message, purpose: str) -> bool:
    recipient = message.recipient
    return recipient is not None and processing.consent_given(recipient, purpose)


def _disclosed(message: Message) -> list[tuple[User, list[Category]]]:
    """What the email provider receives, per person with an account: the recipient's address,
    the content about the person concerned. (A visitor's address, tied to no account, is in the
    outbox only for its delivery and goes with it.)"""
    if message.recipient is not None and message.recipient_id == message.about_id:
        return [(message.recipient, [Category.IDENTITY, Category.CONTACT, Category.MESSAGES])]
    disclosed = []
    if message.about is not None:
        disclosed.append((message.about, [Category.IDENTITY, Category.MESSAGES]))
    if message.recipient is not None:
        disclosed.append((message.recipient, [Category.IDENTITY, Category.CONTACT]))
    return disclosed


def _refusal(message: Message) -> SharingRefused | None:
    """Sending an email is sharing with the email provider: checked before anything leaves.

    A non-essential message is sent only while its recipient's consent holds: a withdrawal
    (the one-click link of an earlier message, say) stops even what was already queued."""
    purpose = _purpose(message)
    if not _essential(message) and purpose != "account" and not _consent_holds(message, purpose):
        return SharingRefused(_("Le consentement ne tient plus."), code="no_consent")
    provider = register.RECIPIENT_BY_CODE["email_provider"]
    for person, categories in _disclosed(message):
        refused = refusal(
            recipient=provider, person=person, categories=categories, purpose=_purpose(message)
        )
        if refused is not None:
            return refused
    return None


def _refused_code(message: Message) -> str | None:
    refused = _refusal(message)
    return refused.code if refused is not None else None


@task()
def deliver(*, message_id: int) -> str:
    message = Message.objects.filter(pk=message_id).select_related("about", "recipient").first()
    if message is None or message.status in {Message.Status.SENT, Message.Status.ABANDONED}:
        return "nothing to do"  # already delivered, given up, or erased since: safe to re-run
    # Queued before a death was recorded: the deceased still receives nothing.
    refused = (
        "deceased" if deceased(message.recipient, message.to_email) else _refused_code(message)
    )
    if refused is not None:
        message.status = Message.Status.ABANDONED
        message.last_error = refused
        message.save(update_fields=["status", "last_error"])
        audit.record(
            event="notification.refused",
            actor=WORKER,
            subject=message.about,
            data={"kind": message.kind, "message": str(message.public_id), "reason": refused},
        )
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
        mark_failed(message=message, error=error)
        audit.record(
            event="notification.failed",
            actor=WORKER,
            subject=message.about,
            data={
                "kind": message.kind,
                "message": str(message.public_id),
                "attempts": message.attempts,
            },
        )
        return "failed"
    with transaction.atomic():
        for person, categories in _disclosed(message):
            share_with(
                recipient="email_provider",
                person=person,
                categories=categories,
                purpose=_purpose(message),
                actor=WORKER,
                reference=str(message.public_id),
            )
        mark_sent(message=message)
    audit.record(
        event="notification.sent",
        actor=WORKER,
        subject=message.about,
        data={"kind": message.kind, "message": str(message.public_id)},
    )
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
