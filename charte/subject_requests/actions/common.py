"""Helpers every right's actions share: the checks, the journal data, the closing and the
limiting of a request."""

import hashlib
import hmac
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core.actors import Actor, Operator, person_ref
from charte.core.errors import ActionError
from charte.privacy import processing
from charte.retention import actions as retention
from charte.retention.models import LegalHold
from charte.subject_requests import heirs, queries, rules
from charte.subject_requests.models import (
    Decision,
    IdentityCheck,
    Kind,
    Limitation,
    Relation,
    Status,
    SubjectRequest,
)


def identity_digest(person: User) -> str:
    """A keyed hash of the person's reference: matches them again only with our secret key."""
    key = settings.SECRET_KEY.encode()
    message = f"subject_requests.identity:{person_ref(person)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def data_of(request: SubjectRequest, **more: Any) -> dict[str, Any]:
    return {"request": str(request.public_id), "kind": request.kind, **more}


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ActionError(message)


def require_handler(actor: Actor) -> None:
    if isinstance(actor, Operator):
        return
    require(
        queries.is_handler(actor), _("Seuls le DPO et le service client traitent les demandes.")
    )


def require_decider(actor: Actor) -> None:
    if isinstance(actor, Operator):
        return
    require(queries.is_decider(actor), _("Seul le délégué à la protection des données décide."))


def notify_person(kind: str, person: User | None, actor: Actor, **context: Any) -> None:
    if person is None:
        return
    from charte.notifications.actions import notify

    notify(kind=kind, person=person, actor=actor, context=context)


def mark_verified(request: SubjectRequest, *, actor: Actor, method: str, evidence: str) -> None:
    check = IdentityCheck.objects.create(
        request=request,
        method=method,
        evidence=evidence,
        verified=True,
        checked_by=actor if isinstance(actor, User) else None,
        checked_by_role=actor.role if isinstance(actor, User) else "",
    )
    request.status = Status.IN_REVIEW
    request.identity_verified_at = check.checked_at
    request.save(update_fields=["status", "identity_verified_at"])
    audit.record(
        event="subject_request.identity_verified",
        actor=actor,
        subject=request.person,
        data=data_of(request, method=method),
    )
    _immediate_effects(request, actor=actor)


def _immediate_effects(request: SubjectRequest, *, actor: Actor) -> None:
    """An objection to marketing or profiling stops it as soon as we know who asks (art. 21)."""
    if request.kind != Kind.OBJECTION or request.person is None:
        return
    now = [p for p in request.purposes if p in rules.IMMEDIATE_OBJECTION]
    for purpose in now:
        limit(request, Limitation.Type.OBJECTION, purpose, actor=actor)
    if len(now) == len(request.purposes):
        close(request, status=Status.COMPLETED, decision=Decision.APPROVED, actor=actor)


def limit(request: SubjectRequest, type_: str, purpose: str, *, actor: Actor) -> None:
    assert request.person is not None
    exists = Limitation.objects.active().filter(person=request.person, type=type_, purpose=purpose)
    if exists.exists():
        return
    limitation = Limitation.objects.create(
        person=request.person, type=type_, purpose=purpose, request=request
    )
    audit.record(
        event=f"subject_request.{type_}_started",
        actor=actor,
        subject=request.person,
        data=data_of(request, purpose=purpose),
    )
    processing.changed(person=request.person, actor=actor)
    if type_ == Limitation.Type.RESTRICTION:
        # Restricted data is kept as it is (art. 18): the retention sweep may not erase it,
        # though the request that asked for it closes now.
        retention.place_hold(
            actor=actor,
            person=request.person,
            reason=LegalHold.Reason.RESTRICTION,
            reference=str(limitation.public_id),
        )


def close(
    request: SubjectRequest,
    *,
    status: str,
    actor: Actor,
    decision: str = "",
    ground: str = "",
    note: str = "",
) -> None:
    now = timezone.now()
    request.status = status
    request.completed_at = now
    fields = ["status", "completed_at"]
    if decision:
        request.decision, request.ground, request.decision_note = decision, ground, note
        request.decided_at = request.decided_at or now
        if isinstance(actor, User) and request.decided_by_id is None:
            request.decided_by = actor
        fields += ["decision", "ground", "decision_note", "decided_at", "decided_by"]
    request.save(update_fields=fields)
    audit.record(
        event="subject_request.closed",
        actor=actor,
        subject=request.person,
        data=data_of(request, status=status),
    )
    if request.person is not None:  # (after an erasure, the hold went with the person)
        retention.lift_holds(
            person=request.person,
            reason=LegalHold.Reason.PENDING_REQUEST,
            reference=str(request.public_id),
            actor=actor,
        )
    transaction.on_commit(partial(_notify_answered, request.pk, actor))


def _notify_answered(request_pk: int, actor: Actor) -> None:
    request = SubjectRequest.objects.select_related("person", "requester", "claim").get(
        pk=request_pk
    )
    # After an erasure the child is gone: the guardian who asked is told instead.
    if request.person is None and request.relation == Relation.GUARDIAN:
        notify_person("subject_requests.answered", request.requester, actor, request=request)
        return
    heirs.tell("subject_requests.answered", request, actor)


def notify_request(kind: str, request_pk: int, actor: Actor) -> None:
    """Tell whoever must hear about the request: the person, or after a death the relative who
    asked, at their own address (`heirs.tell`)."""
    request = SubjectRequest.objects.select_related("person", "requester", "claim").get(
        pk=request_pk
    )
    heirs.tell(kind, request, actor)
