"""Sending a message: who receives it, what it says, and its delivery after commit.

Design: callers name the person the message is about, never an address. Resolution happens
here, once, for every kind of message: a child under the age of digital consent of their
country is reached only through their confirmed guardians (charter §2); anyone else at their
own address. A person we cannot reach this way gets no message, and the journal says so.
"""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from charte import audit
from charte.accounts.models import User
from charte.accounts.queries import guardians_of
from charte.core.actors import Actor
from charte.notifications import kinds
from charte.notifications.models import Message
from charte.privacy import processing


def recipients_for(person: User) -> list[User]:
    """Who receives what is meant for `person`: their guardians while they are a child."""
    if person.needs_guardian(timezone.localdate()):
        return [g for g in guardians_of(person) if g.email]
    return [person] if person.email else []


@transaction.atomic
def notify(
    *, kind: str, person: User, actor: Actor, context: Mapping[str, Any] | None = None
) -> list[Message]:
    """Queue the message `kind` about `person`; it is sent by the worker after commit."""
    message_kind = kinds.get(kind)
    recipients = recipients_for(person)
    if not message_kind.essential:
        assert message_kind.purpose is not None
        recipients = [r for r in recipients if processing.consent_given(r, message_kind.purpose)]
    if not recipients:
        audit.record(
            event="notification.unreachable", actor=actor, subject=person, data={"kind": kind}
        )
        return []
    messages = []
    for recipient in recipients:
        subject, body = render(
            message_kind, recipient=recipient, about=person, context=context or {}
        )
        message = Message.objects.create(
            kind=kind,
            recipient=recipient,
            about=person,
            to_email=recipient.email or "",
            subject=subject,
            body=body,
        )
        audit.record(
            event="notification.queued",
            actor=actor,
            subject=person,
            data={
                "kind": kind,
                "message": str(message.public_id),
                "via_guardian": recipient.pk != person.pk,
            },
        )
        transaction.on_commit(partial(_enqueue_delivery, message.pk))
        messages.append(message)
    return messages


def render(
    kind: kinds.Kind, *, recipient: User, about: User, context: Mapping[str, Any]
) -> tuple[str, str]:
    """Subject and body in the recipient's language, with the footer every email carries."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        full = {
            **context,
            "recipient": recipient,
            "about": about,
            "via_guardian": recipient.pk != about.pk,
            "site_url": settings.SITE_URL,
            "privacy_url": settings.SITE_URL + reverse("accounts:privacy_centre"),
            "operator": settings.CHARTE_OPERATOR,
        }
        subject = " ".join(render_to_string(f"{kind.template}_subject.txt", full).split())
        body = render_to_string(f"{kind.template}.txt", full).strip()
        footer = render_to_string("notifications/email/footer.txt", full).strip()
    return subject[:200], f"{body}\n\n-- \n{footer}\n"


def _enqueue_delivery(message_pk: int) -> None:
    from charte.notifications.tasks import deliver

    deliver.enqueue(message_id=message_pk)


def mark_sent(*, message: Message) -> Message:
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.attempts += 1
    message.save(update_fields=["status", "sent_at", "attempts"])
    return message


def mark_failed(*, message: Message, error: Exception) -> Message:
    message.attempts += 1
    message.status = (
        Message.Status.ABANDONED
        if message.attempts >= Message.MAX_ATTEMPTS
        else Message.Status.FAILED
    )
    # The error's class and its first words only: an SMTP error may quote the address.
    message.last_error = type(error).__name__[:200]
    message.save(update_fields=["status", "attempts", "last_error"])
    return message
