"""Writing, trying and sending a mailing. Each step names its actor and is journalled.

Design: sending goes in batches of accounts taken in the order of their key; each batch, in
one transaction, picks the adults whose consent to the mailing's purpose holds at that moment,
queues one message of the outbox for each (`notify`, which checks the consent again and adds
the one-click unsubscribe) and moves the mailing's cursor. A batch is queued entirely or not
at all, and a run stopped halfway (or run twice) goes on from the cursor, so that nobody gets
two copies. The outbox checks the consent once more when it sends each copy: a withdrawal
made while the sending runs stops the copies already queued.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.core.actors import Actor, SystemActor
from charte.core.errors import ActionError, Conflict
from charte.mailings.models import Mailing
from charte.mailings.queries import audience_batch
from charte.notifications.actions import notify

BATCH = 200
MAILINGS = SystemActor("mailings")


def _require_marketing(actor: User) -> None:
    if actor.role != Role.MARKETING:
        raise ActionError(_("Seul le service marketing écrit et envoie ces messages."))


def _clean(*, subject: str, body: str) -> tuple[str, str]:
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ActionError(_("Un message a besoin d'un objet et d'un texte."))
    return subject, body


@transaction.atomic
def create_mailing(
    *,
    actor: User,
    purpose: str,
    subject: str,
    body: str,
    subject_en: str = "",
    body_en: str = "",
) -> Mailing:
    """A new draft, in French, with an English version for those who read the site in English."""
    _require_marketing(actor)
    subject, body = _clean(subject=subject, body=body)
    mailing = Mailing.objects.create(
        purpose=Mailing.Purpose(purpose),
        subject=subject,
        body=body,
        subject_en=subject_en.strip(),
        body_en=body_en.strip(),
        created_by=actor,
    )
    audit.record(
        event="mailings.created",
        actor=actor,
        data={"mailing": str(mailing.public_id), "purpose": mailing.purpose},
    )
    return mailing


@transaction.atomic
def update_mailing(
    *,
    mailing: Mailing,
    actor: User,
    purpose: str,
    subject: str,
    body: str,
    subject_en: str = "",
    body_en: str = "",
) -> Mailing:
    """Change a draft; a mailing whose sending has started is never changed."""
    _require_marketing(actor)
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != Mailing.Status.DRAFT:
        raise Conflict(_("Ce message est déjà parti : il ne peut plus être modifié."))
    mailing.subject, mailing.body = _clean(subject=subject, body=body)
    mailing.purpose = Mailing.Purpose(purpose)
    mailing.subject_en, mailing.body_en = subject_en.strip(), body_en.strip()
    mailing.updated_at = timezone.now()
    mailing.save()
    audit.record(event="mailings.updated", actor=actor, data={"mailing": str(mailing.public_id)})
    return mailing


@transaction.atomic
def send_proof(*, mailing: Mailing, actor: User) -> int:
    """A copy to its author's own address, to read it as it will be received."""
    _require_marketing(actor)
    sent = notify(
        kind="mailings.proof",
        person=actor,
        actor=actor,
        context={**mailing.email_context(), "purpose": mailing.get_purpose_display()},
    )
    audit.record(
        event="mailings.proof_sent",
        actor=actor,
        data={"mailing": str(mailing.public_id), "messages": len(sent)},
    )
    return len(sent)


@transaction.atomic
def start_sending(*, mailing: Mailing, actor: User) -> Mailing:
    """Send a draft to everyone whose consent to its purpose holds, batch after batch."""
    _require_marketing(actor)
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != Mailing.Status.DRAFT:
        raise Conflict(_("Ce message est déjà parti."))
    mailing.status = Mailing.Status.SENDING
    mailing.sent_by = actor
    mailing.started_at = timezone.now()
    mailing.save(update_fields=["status", "sent_by", "started_at"])
    audit.record(
        event="mailings.sending_started",
        actor=actor,
        data={"mailing": str(mailing.public_id), "purpose": mailing.purpose},
    )
    transaction.on_commit(partial(_enqueue_sending, mailing.pk))
    return mailing


def _enqueue_sending(mailing_pk: int) -> None:
    from charte.mailings.tasks import send_mailing

    send_mailing.enqueue(mailing_id=mailing_pk)


@transaction.atomic
def queue_batch(*, mailing: Mailing, actor: Actor = MAILINGS, size: int = BATCH) -> int:
    """Queue the next batch of copies; how many. Returns -1 once every batch is queued."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != Mailing.Status.SENDING:
        return -1
    chosen, last = audience_batch(mailing.purpose, after=mailing.cursor, size=size)
    queued = 0
    for person in chosen:
        queued += len(
            notify(
                kind=mailing.kind,
                person=person,
                actor=actor,
                context=mailing.email_context(),
                campaign=mailing.campaign,
            )
        )
    mailing.queued += queued
    if last is None:
        mailing.status = Mailing.Status.SENT
        mailing.finished_at = timezone.now()
        mailing.planned = mailing.queued
    else:
        mailing.cursor = last
    mailing.save(update_fields=["queued", "cursor", "status", "finished_at", "planned"])
    if last is None:
        audit.record(
            event="mailings.queued",
            actor=actor,
            data={"mailing": str(mailing.public_id), "messages": mailing.queued},
        )
    return queued
