"""The life of every request: opened, identity checked, noted, assigned, extended, decided,
cancelled, reminded."""

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.accounts.queries import guardians_of
from charte.audit.journal import RequestMeta
from charte.core.actors import Actor, person_ref
from charte.core.errors import ActionError, Conflict
from charte.recipients import notices as recipient_notices
from charte.retention import actions as retention
from charte.retention.models import LegalHold
from charte.subject_requests import deadlines, heirs, queries, rules
from charte.subject_requests.actions.after_death import record_death
from charte.subject_requests.actions.common import (
    close,
    data_of,
    identity_digest,
    limit,
    mark_verified,
    notify_person,
    notify_request,
    require,
    require_decider,
    require_handler,
)
from charte.subject_requests.models import (
    Channel,
    Decision,
    Directive,
    Ground,
    IdentityCheck,
    IdentityMethod,
    Kind,
    Limitation,
    Note,
    Relation,
    Status,
    SubjectRequest,
)


def check_standing(*, person: User, kind: str, requester: User | None, relation: str) -> None:
    """Who may ask what for whom (guardian, and after a death the trusted person or heirs)."""
    if relation == Relation.SELF:
        require(
            requester is None or requester.pk == person.pk,
            _("Une demande pour soi-même est faite par la personne elle-même."),
        )
        require(
            kind != Kind.DEATH_NOTICE, _("Un décès est signalé par un proche, pas par la personne.")
        )
        return
    if relation == Relation.GUARDIAN:
        require(
            requester is not None and guardians_of(person).filter(pk=requester.pk).exists(),
            _("Seul un responsable légal confirmé peut faire une demande pour cet enfant."),
        )
        return
    if kind == Kind.DEATH_NOTICE:
        require(queries.death_of(person) is None, _("Ce décès a déjà été signalé et vérifié."))
        return
    require(
        queries.death_of(person) is not None,
        _("Un décès doit d'abord être signalé et vérifié avant toute demande d'un proche."),
    )
    directive = queries.directive_of(person)
    if relation == Relation.TRUSTED_PERSON:
        require(
            directive is not None, _("Cette personne n'a désigné aucune personne de confiance.")
        )
        assert directive is not None
        allowed = {
            Directive.Wish.COMMUNICATE: {Kind.ACCESS, Kind.PORTABILITY},
            Directive.Wish.DELETE: {Kind.ERASURE},
            Directive.Wish.KEEP: set(),
        }[Directive.Wish(directive.wish)]
        require(kind in allowed, _("Les directives de la personne ne prévoient pas cette demande."))
        return
    # Heirs act where the person left no directive, and may have the account closed unless
    # it says to keep the data (loi Informatique et Libertés, art. 85 II).
    require(
        kind in heirs.CLAIM_KINDS,
        _("Les héritiers peuvent obtenir l'accès pour la succession et faire fermer le compte."),
    )
    require(
        heirs.heirs_may(person, kind),
        _("La personne a laissé des directives : sa personne de confiance agit."),
    )


@transaction.atomic
def open_request(
    *,
    person: User,
    kind: str,
    actor: Actor,
    channel: str,
    requester: User | None = None,
    relation: str = Relation.SELF,
    details: str = "",
    purposes: Iterable[str] = (),
    reauthenticated_at: datetime | None = None,
    received_at: datetime | None = None,
    meta: RequestMeta | None = None,
) -> SubjectRequest:
    """Record a request. Online and freshly re-authenticated, the identity is established at
    once; otherwise it waits for staff to verify it."""
    require(kind in Kind.values, _("Type de demande inconnu."))
    require(channel in Channel.values, _("Canal inconnu."))
    require(relation in Relation.values, _("Qualité du demandeur inconnue."))
    require(
        kind != Kind.DIRECTIVES, _("Les directives s'enregistrent avec leur propre formulaire.")
    )
    if relation == Relation.SELF and requester is None:
        requester = person
    check_standing(person=person, kind=kind, requester=requester, relation=relation)
    purposes = sorted(set(purposes))
    if kind == Kind.OBJECTION:
        require(bool(purposes), _("Choisissez au moins un usage de vos données."))
        require(set(purposes) <= rules.OBJECTABLE, _("On ne peut pas s'opposer à cet usage ici."))
    elif purposes:
        raise ActionError(_("Seule une opposition vise des usages particuliers."))
    online_by_requester = (
        channel == Channel.ONLINE
        and isinstance(actor, User)
        and requester is not None
        and actor.pk == requester.pk
    )
    if channel == Channel.ONLINE:
        require(online_by_requester, _("Une demande en ligne est faite par le demandeur lui-même."))
    else:
        require_handler(actor)
    fresh = (
        reauthenticated_at is not None
        and timezone.now() - reauthenticated_at <= rules.REAUTHENTICATION_WINDOW
    )
    if channel == Channel.ONLINE and not fresh:
        raise ActionError(_("Saisissez à nouveau votre mot de passe pour confirmer la demande."))
    duplicate = SubjectRequest.objects.open().filter(person=person, kind=kind).exists()
    if duplicate:
        raise Conflict(_("Une demande du même type est déjà en cours pour cette personne."))
    received_at = received_at or timezone.now()
    request = SubjectRequest.objects.create(
        kind=kind,
        person=person,
        requester=requester,
        relation=relation,
        channel=channel,
        opened_by=actor if isinstance(actor, User) and actor.is_staff else None,
        details=details.strip(),
        purposes=purposes,
        received_at=received_at,
        due_on=deadlines.due_on(received_at),
        identity_digest=identity_digest(person),
    )
    audit.record(
        event="subject_request.opened",
        actor=actor,
        subject=person,
        data=data_of(request, channel=channel, relation=relation, purposes=purposes),
        meta=meta,
    )
    # While the request is open, the retention sweep may not erase what it is about.
    retention.place_hold(
        actor=actor,
        person=person,
        reason=LegalHold.Reason.PENDING_REQUEST,
        reference=str(request.public_id),
    )
    if online_by_requester:
        assert reauthenticated_at is not None
        mark_verified(
            request,
            actor=actor,
            method=IdentityMethod.REAUTHENTICATION,
            evidence=_("Mot de passe saisi à nouveau le {when}.").format(
                when=timezone.localtime(reauthenticated_at).strftime("%d/%m/%Y %H:%M")
            ),
        )
    if kind != Kind.DEATH_NOTICE:
        transaction.on_commit(partial(_notify_received, request.pk, actor))
    return request


def _notify_received(request_pk: int, actor: Actor) -> None:
    request = (
        SubjectRequest.objects.select_related("person", "requester", "claim")
        .filter(pk=request_pk)
        .first()
    )
    if request is not None and request.is_open:
        heirs.tell("subject_requests.received", request, actor)


@transaction.atomic
def verify_identity(
    *,
    request: SubjectRequest,
    actor: Actor,
    method: str,
    evidence: str,
    verified: bool = True,
) -> IdentityCheck | None:
    """Staff record how they checked who asks; a successful check lets the DPO decide."""
    require_handler(actor)
    require(request.is_open, _("Cette demande est close."))
    require(method in IdentityMethod.values, _("Méthode de vérification inconnue."))
    require(bool(evidence.strip()), _("Dites ce que vous avez vérifié."))
    if request.kind == Kind.DEATH_NOTICE or request.relation in (
        Relation.HEIR,
        Relation.TRUSTED_PERSON,
    ):
        require(
            method in (IdentityMethod.DEATH_CERTIFICATE, IdentityMethod.DOCUMENT),
            _("Après un décès, vérifiez l'acte de décès et la qualité du demandeur."),
        )
    if not verified:
        check = IdentityCheck.objects.create(
            request=request,
            method=method,
            evidence=evidence.strip(),
            verified=False,
            checked_by=actor if isinstance(actor, User) else None,
            checked_by_role=actor.role if isinstance(actor, User) else "",
        )
        audit.record(
            event="subject_request.identity_failed",
            actor=actor,
            subject=request.person,
            data=data_of(request, method=method),
        )
        return check
    require(request.status == Status.AWAITING_IDENTITY, _("L'identité a déjà été vérifiée."))
    if request.claim_id is not None:  # filed online by a relative: their standing first
        heirs.check_standing(request)
        if request.kind != Kind.DEATH_NOTICE:
            assert request.person is not None
            check_standing(
                person=request.person, kind=request.kind, requester=None, relation=request.relation
            )
    mark_verified(request, actor=actor, method=method, evidence=evidence.strip())
    return request.identity_checks.order_by("-pk").first()


@transaction.atomic
def add_note(*, request: SubjectRequest, actor: Actor, text: str) -> Note:
    require_handler(actor)
    require(bool(text.strip()), _("La note est vide."))
    note = Note.objects.create(
        request=request, author=actor if isinstance(actor, User) else None, text=text.strip()
    )
    audit.record(
        event="subject_request.note_added",
        actor=actor,
        subject=request.person,
        data=data_of(request, note=str(note.public_id)),
    )
    return note


@transaction.atomic
def assign(*, request: SubjectRequest, actor: Actor, assignee: User | None) -> SubjectRequest:
    require_handler(actor)
    require(
        assignee is None or queries.is_handler(assignee),
        _("Cette personne ne traite pas les demandes."),
    )
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    audit.record(
        event="subject_request.assigned",
        actor=actor,
        subject=request.person,
        data=data_of(request, assignee=person_ref(assignee) if assignee else ""),
    )
    return request


@transaction.atomic
def extend(
    *, request: SubjectRequest, actor: Actor, until: date, reason: str, today: date | None = None
) -> SubjectRequest:
    """Extend the deadline by up to two months, with a reason told to the person (art. 12(3))."""
    require_decider(actor)
    today = today or deadlines.today()
    require(request.is_open, _("Cette demande est close."))
    require(request.extended_to is None, _("Le délai a déjà été prolongé une fois."))
    require(bool(reason.strip()), _("La prolongation doit être motivée."))
    require(
        today <= request.due_on,
        _("Une prolongation doit être notifiée dans le premier mois : il est dépassé."),
    )
    latest = deadlines.latest_extension(request.received_at)
    require(
        request.due_on < until <= latest,
        _(
            "La nouvelle échéance doit tomber après l'échéance actuelle et au plus tard le {day}."
        ).format(day=latest.strftime("%d/%m/%Y")),
    )
    request.extended_to = until
    request.extension_reason = reason.strip()
    request.save(update_fields=["extended_to", "extension_reason"])
    audit.record(
        event="subject_request.extended",
        actor=actor,
        subject=request.person,
        data=data_of(request, until=until.isoformat()),
    )
    transaction.on_commit(partial(notify_request, "subject_requests.extended", request.pk, actor))
    return request


@transaction.atomic
def decide(
    *,
    request: SubjectRequest,
    actor: Actor,
    decision: str,
    ground: str = "",
    note: str = "",
) -> SubjectRequest:
    """The DPO's decision. Refusing or narrowing names its legal ground and explains it."""
    require_decider(actor)
    require(decision in Decision.values, _("Décision inconnue."))
    require(request.is_open, _("Cette demande est close."))
    require(request.status != Status.PROCESSING, _("Cette demande est déjà en cours d'exécution."))
    if decision in (Decision.REFUSED, Decision.NARROWED):
        require(ground in Ground.values, _("Indiquez le fondement juridique de cette décision."))
        require(bool(note.strip()), _("Expliquez la décision à la personne."))
    if decision != Decision.REFUSED:
        require(
            request.status == Status.IN_REVIEW,
            _("L'identité du demandeur doit être vérifiée avant d'exécuter la demande."),
        )
        require(request.person is not None, _("La personne concernée n'existe plus."))
    request.decision, request.ground, request.decision_note = decision, ground, note.strip()
    request.decided_at = timezone.now()
    request.decided_by = actor if isinstance(actor, User) else None
    request.save(update_fields=["decision", "ground", "decision_note", "decided_at", "decided_by"])
    audit.record(
        event="subject_request.decided",
        actor=actor,
        subject=request.person,
        data=data_of(request, decision=decision, ground=ground),
    )
    if decision == Decision.REFUSED:
        close(request, status=Status.REFUSED, actor=actor)
        return request
    _execute(request, actor=actor)
    return request


def _execute(request: SubjectRequest, *, actor: Actor) -> None:
    from charte.subject_requests import tasks

    kind = request.kind
    if kind in (Kind.ACCESS, Kind.PORTABILITY):
        request.status = Status.PROCESSING
        request.save(update_fields=["status"])
        transaction.on_commit(partial(tasks.build_archive.enqueue, request_id=request.pk))
    elif kind == Kind.ERASURE:
        request.status = Status.PROCESSING
        request.save(update_fields=["status"])
        transaction.on_commit(
            partial(notify_request, "subject_requests.erasure_accepted", request.pk, actor)
        )
        transaction.on_commit(partial(tasks.enqueue_erasure, request.pk))
    elif kind == Kind.RESTRICTION:
        limit(request, Limitation.Type.RESTRICTION, "", actor=actor)
        _tell_recipients(request, "stop", actor=actor)
        close(request, status=Status.COMPLETED, actor=actor)
    elif kind == Kind.OBJECTION:
        for purpose in request.purposes:
            limit(request, Limitation.Type.OBJECTION, purpose, actor=actor)
        close(request, status=Status.COMPLETED, actor=actor)
    elif kind == Kind.DEATH_NOTICE:
        record_death(request, actor=actor)
        close(request, status=Status.COMPLETED, actor=actor)
    else:  # rectification: staff made the changes (recorded one by one) before approving
        _tell_recipients(request, "correct", actor=actor)
        close(request, status=Status.COMPLETED, actor=actor)


def _tell_recipients(request: SubjectRequest, kind: str, *, actor: Actor) -> None:
    """Art. 19: everyone the person's data was disclosed to hears of the request's execution."""
    assert request.person is not None
    recipient_notices.tell_recipients(
        person=request.person, kind=kind, reference=str(request.public_id), actor=actor
    )


@transaction.atomic
def cancel(*, request: SubjectRequest, actor: Actor) -> SubjectRequest:
    """The requester withdraws the request (or the DPO closes a request made by mistake)."""
    own = isinstance(actor, User) and actor.pk in (request.requester_id, request.person_id)
    require(own or queries.is_decider(actor), _("Vous ne pouvez pas annuler cette demande."))
    require(
        request.status in (Status.AWAITING_IDENTITY, Status.IN_REVIEW),
        _("Cette demande ne peut plus être annulée."),
    )
    close(request, status=Status.CANCELLED, actor=actor)
    return request


@transaction.atomic
def remind(*, request: SubjectRequest, stage: int, actor: Actor) -> int:
    """Tell every DPO that a request's deadline is near or past; returns how many were told."""
    request.reminded_stage = stage
    request.save(update_fields=["reminded_stage"])
    audit.record(event="subject_request.reminded", actor=actor, data=data_of(request, stage=stage))
    dpos = list(User.objects.filter(role__in=sorted(rules.DECIDERS), is_active=True))
    for dpo in dpos:
        notify_person(
            "subject_requests.dpo_reminder",
            dpo,
            actor,
            request=request,
            stage=stage,
            today=deadlines.today(),
        )
    return len(dpos)


@transaction.atomic
def record_queue_export(*, actor: Actor, rows: int, status: str, kind: str) -> None:
    """Journal that the queue left as CSV (references, types, dates and states, no names)."""
    require_handler(actor)
    audit.record(
        event="subject_request.queue_exported",
        actor=actor,
        data={"rows": rows, "status": status, "kind": kind},
    )
