"""Sending a message: who receives it, what it says, and its delivery after commit.

Design: callers name the person the message is about, never an address. Resolution happens
here, once, for every kind of message: a child under the age of digital consent of their
country is reached only through their confirmed guardians (charter §2); anyone else at their
own address. A person we cannot reach this way gets no message, and the journal says so.

A non-essential message goes only to a recipient whose consent for its purpose holds, and
carries the headers of one-click unsubscribe (RFC 8058) with a link that needs no sign-in. An
invitation (an `addressed` kind) goes to the address typed for a child's guardian, never to
the child's own address. A `to_guardians` kind (a change of what decides parental control)
goes to the confirmed guardians even when the change has just freed the child.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

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
from charte.privacy import processing, register
from charte.privacy.register import Category
from charte.recipients.actions import refusal, share_with

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def deceased(recipient: User | None, address: str = "") -> bool:
    """Whether a message would reach someone whose death is recorded, at their account or at
    its address. The one rule every way of sending applies, at queueing and again at delivery
    (for what was queued before): after a death, the deceased receives nothing."""
    if recipient is not None and recipient.deceased_at is not None:
        return True
    address = address.strip()
    return bool(address) and (
        User.objects.filter(email__iexact=address, deceased_at__isnull=False).exists()
    )


def recipients_for(person: User) -> list[User]:
    """Who receives what is meant for `person`: their guardians while they are a child."""
    if person.needs_guardian(timezone.localdate()):
        return [g for g in guardians_of(person) if g.email]
    return [person] if person.email else []


def _addressee(person: User, address: str | None) -> list[User | None]:
    """For an invitation: the account at `address` if there is one, else the bare address."""
    address = (address or "").strip().lower()
    if not address or address == (person.email or "").lower():
        return []
    account = User.objects.filter(email__iexact=address).first()
    if account is not None and account.needs_guardian(timezone.localdate()):
        return []
    return [account]


@transaction.atomic
def notify(
    *,
    kind: str,
    person: User,
    actor: Actor,
    context: Mapping[str, Any] | None = None,
    address: str | None = None,
    campaign: str = "",
) -> list[Message]:
    """Queue the message `kind` about `person`; it is sent by the worker after commit.

    `address` is for invitations only (`addressed` kinds): the guardian's address typed for a
    child, who may not have an account yet. `campaign` names the batch sending the message
    belongs to (a newsletter), to follow its progress.
    """
    message_kind = kinds.get(kind)
    recipients: list[User | None]
    if message_kind.addressed:
        recipients = _addressee(person, address)
    elif message_kind.to_guardians:
        recipients = [g for g in guardians_of(person) if g.email]
    elif message_kind.guardian_news:
        recipients = (
            [g for g in guardians_of(person) if g.email]
            if person.needs_guardian(timezone.localdate())
            else []
        )
    else:
        recipients = list(recipients_for(person))
    recipients = [r for r in recipients if r is None or not deceased(r)]
    if not message_kind.essential:
        assert message_kind.purpose is not None
        purpose = message_kind.purpose
        # Both must hold: the recipient's consent, and that of the person the message is
        # about (a child's, given by a guardian; marketing is never offered for a child). News
        # for a child's guardians rests on each guardian's own consent; for the child, nothing
        # may stop it (a restriction, an objection).
        recipients = [
            r
            for r in recipients
            if r is not None
            and processing.consent_given(r, purpose)
            and (
                r.pk == person.pk
                or (
                    processing.allowed(person, purpose)
                    if message_kind.guardian_news
                    else processing.consent_given(person, purpose)
                )
            )
            and kinds.unsubscribe_link(r, purpose)
        ]
    if not recipients:
        audit.record(
            event="notification.unreachable", actor=actor, subject=person, data={"kind": kind}
        )
        return []
    messages = []
    for recipient in recipients:
        headers: dict[str, str] = {}
        unsubscribe = None
        if not message_kind.essential and recipient is not None:
            assert message_kind.purpose is not None
            unsubscribe = kinds.unsubscribe_link(recipient, message_kind.purpose)
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        subject, body = render(
            message_kind,
            recipient=recipient,
            about=person,
            context={**(context or {}), "unsubscribe_url": unsubscribe},
        )
        message = Message.objects.create(
            kind=kind,
            recipient=recipient,
            about=person,
            to_email=(recipient.email or "") if recipient is not None else (address or "").strip(),
            subject=subject,
            body=body,
            headers=headers,
            campaign=campaign,
        )
        audit.record(
            event="notification.queued",
            actor=actor,
            subject=person,
            data={
                "kind": kind,
                "message": str(message.public_id),
                "via_guardian": recipient is None or recipient.pk != person.pk,
            },
        )
        transaction.on_commit(partial(_enqueue_delivery, message.pk))
        messages.append(message)
    return messages


@transaction.atomic
def notify_own_address(
    *,
    kind: str,
    person: User,
    address: str,
    actor: Actor,
    context: Mapping[str, Any] | None = None,
) -> list[Message]:
    """Queue the message `kind` to `person` at an address of theirs that is not the account's.

    Only for the sign-in address itself: the new address they typed, to confirm that it is
    theirs, or the one they just left, to tell them it changed. A child under the age of
    digital consent has no address of their own and gets nothing this way (the journal says
    so); an essential kind only, as the rest needs a consent given for the account's address.
    """
    message_kind = kinds.get(kind)
    if not message_kind.essential:
        raise ValueError(f"{kind!r} needs a consent: it cannot go to another address.")
    address = address.strip()
    if not address or person.needs_guardian(timezone.localdate()) or deceased(person, address):
        audit.record(
            event="notification.unreachable", actor=actor, subject=person, data={"kind": kind}
        )
        return []
    subject, body = render(message_kind, recipient=person, about=person, context=context or {})
    message = Message.objects.create(
        kind=kind,
        recipient=person,
        about=person,
        to_email=address,
        subject=subject,
        body=body,
    )
    audit.record(
        event="notification.queued",
        actor=actor,
        subject=person,
        data={"kind": kind, "message": str(message.public_id), "via_guardian": False},
    )
    transaction.on_commit(partial(_enqueue_delivery, message.pk))
    return [message]


@transaction.atomic
def notify_address(
    *,
    kind: str,
    email: str,
    language: str,
    actor: Actor,
    context: Mapping[str, Any] | None = None,
) -> Message:
    """Queue the message `kind` to an address that belongs to no account (delivery refuses
    one that turns out to be a deceased person's, see `deceased`).

    Only for someone who gave this address for this one reply (a visitor who reported an error
    and asked to be answered). Anyone with an account is reached through `notify`, which applies
    the rules for children. Essential messages only: no consent can be on record for an address.
    """
    message_kind = kinds.get(kind)
    if not message_kind.essential:
        raise ValueError(f"{kind!r} needs a consent: it cannot go to an address without account.")
    subject, body = render(
        message_kind, recipient=None, about=None, context=context or {}, language=language
    )
    message = Message.objects.create(
        kind=kind, recipient=None, about=None, to_email=email, subject=subject, body=body
    )
    audit.record(
        event="notification.queued",
        actor=actor,
        data={"kind": kind, "message": str(message.public_id), "via_guardian": False},
    )
    transaction.on_commit(partial(_enqueue_delivery, message.pk))
    return message


def render(
    kind: kinds.Kind,
    *,
    recipient: User | None,
    about: User | None,
    context: Mapping[str, Any],
    language: str | None = None,
) -> tuple[str, str]:
    """Subject and body in the recipient's language, with the footer every email carries.

    A message to an address without an account is written in `language` if given, else in the
    language of the child it is about (the language their family uses on the site).
    """
    language = (
        language
        or (recipient.language if recipient is not None else None)
        or (about.language if about is not None else None)
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        full = {
            **context,
            "recipient": recipient,
            "about": about,
            "via_guardian": about is not None and (recipient is None or recipient.pk != about.pk),
            "site_url": settings.SITE_URL,
            "privacy_url": settings.SITE_URL + reverse("accounts:privacy_centre"),
            "charter_url": settings.SITE_URL + reverse("privacy:charter"),
            "operator": settings.CHARTE_OPERATOR,
        }
        subject = " ".join(render_to_string(f"{kind.template}_subject.txt", full).split())
        body = render_to_string(f"{kind.template}.txt", full).strip()
        footer = render_to_string("notifications/email/footer.txt", full).strip()
    return subject[:200], f"{body}\n\n-- \n{footer}\n"


# An alert as the journal's watch raises it (see `charte.audit.alerts.alert_context`).
ALERT_EXAMPLE: Mapping[str, Any] = {
    "label": "Alerte : échecs de connexion répétés sur un compte",
    "at": datetime(2026, 3, 2, 13, 0, tzinfo=UTC),
    "data": [("failures", 5), ("scope", "account")],
    "subject_ref": "user:00000000-0000-0000-0000-000000000000",
    "ip": "203.0.113.10",
    "link": "https://charte.example/journal/?start=2026-03-01",
    "seq": 42,
}


def send_alert(recipient: "AbstractBaseUser", context: Mapping[str, Any]) -> int:
    """One journal alert to one member of IT or the DPO (set as the journal's alert sender)."""
    assert isinstance(recipient, User)
    from charte.audit.alerts import WATCH

    return len(notify(kind="audit.alert", person=recipient, actor=WATCH, context=context))


def _enqueue_delivery(message_pk: int) -> None:
    from charte.notifications.tasks import deliver

    deliver.enqueue(message_id=message_pk)


# Delivery (the worker's task fetches a message by id and calls these) --------------------------


def _purpose(message: Message) -> str:
    """The purpose the message serves: its kind's, or the account's for service messages."""
    try:
        return kinds.get(message.kind).purpose or "account"
    except LookupError:  # a kind removed since the message was queued
        return "account"


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


def _essential(message: Message) -> bool:
    try:
        return kinds.get(message.kind).essential
    except LookupError:  # a kind removed since: only essential kinds are sent without a check
        return False


def _consent_holds(message: Message, purpose: str) -> bool:
    recipient = message.recipient
    return recipient is not None and processing.consent_given(recipient, purpose)


def delivery_refusal(message: Message) -> str | None:
    """Why a queued message may not leave now (its code), or None.

    Queued before a death was recorded: the deceased still receives nothing. Sending an email
    is sharing with the email provider: checked before anything leaves. A non-essential
    message is sent only while its recipient's consent holds: a withdrawal (the one-click link
    of an earlier message, say) stops even what was already queued."""
    if deceased(message.recipient, message.to_email):
        return "deceased"
    purpose = _purpose(message)
    if not _essential(message) and purpose != "account" and not _consent_holds(message, purpose):
        return "no_consent"
    provider = register.RECIPIENT_BY_CODE["email_provider"]
    for person, categories in _disclosed(message):
        refused = refusal(
            recipient=provider, person=person, categories=categories, purpose=_purpose(message)
        )
        if refused is not None:
            return refused.code
    return None


def _journal(message: Message, event: str, actor: Actor, **data: Any) -> None:
    audit.record(
        event=event,
        actor=actor,
        subject=message.about,
        data={"kind": message.kind, "message": str(message.public_id), **data},
    )


@transaction.atomic
def abandon_refused(*, message: Message, reason: str, actor: Actor) -> Message:
    """The message may not leave (`delivery_refusal` says why): it is never sent."""
    message.status = Message.Status.ABANDONED
    message.last_error = reason
    message.save(update_fields=["status", "last_error"])
    _journal(message, "notification.refused", actor, reason=reason)
    return message


@transaction.atomic
def mark_sent(*, message: Message, actor: Actor) -> Message:
    """The provider accepted the message: the sharing with it and the sending are recorded
    together."""
    for person, categories in _disclosed(message):
        share_with(
            recipient="email_provider",
            person=person,
            categories=categories,
            purpose=_purpose(message),
            actor=actor,
            reference=str(message.public_id),
        )
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.attempts += 1
    message.save(update_fields=["status", "sent_at", "attempts"])
    _journal(message, "notification.sent", actor)
    return message


@transaction.atomic
def mark_failed(*, message: Message, error: Exception, actor: Actor) -> Message:
    """The provider could not take the message: tried again later, up to MAX_ATTEMPTS."""
    message.attempts += 1
    message.status = (
        Message.Status.ABANDONED
        if message.attempts >= Message.MAX_ATTEMPTS
        else Message.Status.FAILED
    )
    # The error's class and its first words only: an SMTP error may quote the address.
    message.last_error = type(error).__name__[:200]
    message.save(update_fields=["status", "attempts", "last_error"])
    _journal(message, "notification.failed", actor, attempts=message.attempts)
    return message
