"""Every change in the life of a request, one action each, journalled in its transaction.

Design:
- A request is opened by the person online, by a guardian for their child, or by staff for
  someone who wrote or called. Nothing is done before the identity (or, after a death, the
  standing) of the requester is established and recorded: online, by the password typed again
  within the last minutes; otherwise by staff, naming the method and the evidence.
- The DPO decides. A refusal or a narrowing names its legal ground. Executing a decision is
  registry-driven (archive, erasure, limitations) and long work goes to the task worker, which
  is handed ids only, after commit.
- Every journal entry about a request carries `request: <public id>` in its data, so that the
  request's timeline is a query on the journal, and never a name, an email or free text.
"""

import hashlib
import hmac
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts.actions import normalise_email
from charte.accounts.models import GUARDIAN_FIELDS, User
from charte.accounts.queries import guardians_of
from charte.audit.journal import RequestMeta
from charte.core.actors import Actor, SystemActor, person_ref
from charte.core.errors import ActionError, Conflict
from charte.privacy import erasure, processing
from charte.privacy.registry import registry
from charte.retention import actions as retention
from charte.retention.models import LegalHold
from charte.subject_requests import archive, deadlines, queries, rules, scan
from charte.subject_requests.models import (
    Channel,
    Death,
    Decision,
    Directive,
    ErasureCertificate,
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

# What the person (or a child's guardian) may change themself in "Mes informations".
# The sign-in address is not among them: it changes only through its own confirmed procedure
# (`charte.accounts.actions.request_email_change`).
SELF_SERVICE_FIELDS = ("first_name", "last_name", "phone", "language", "country")


def identity_digest(person: User) -> str:
    """A keyed hash of the person's reference: matches them again only with our secret key."""
    key = settings.SECRET_KEY.encode()
    message = f"subject_requests.identity:{person_ref(person)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def archive_storage() -> Storage:
    """Where archives are kept: private, never served as media (settings.STORAGES)."""
    return storages["archives"]


def _data(request: SubjectRequest, **more: Any) -> dict[str, Any]:
    return {"request": str(request.public_id), "kind": request.kind, **more}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ActionError(message)


def _require_handler(actor: Actor) -> None:
    if isinstance(actor, SystemActor) and actor.name.startswith("operator:"):
        return
    _require(
        queries.is_handler(actor), _("Seuls le DPO et le service client traitent les demandes.")
    )


def _require_decider(actor: Actor) -> None:
    if isinstance(actor, SystemActor) and actor.name.startswith("operator:"):
        return
    _require(queries.is_decider(actor), _("Seul le délégué à la protection des données décide."))


def _notify(kind: str, person: User | None, actor: Actor, **context: Any) -> None:
    if person is None:
        return
    from charte.notifications.actions import notify

    notify(kind=kind, person=person, actor=actor, context=context)


# Opening -----------------------------------------------------------------------------------


def _check_standing(*, person: User, kind: str, requester: User | None, relation: str) -> None:
    """Who may ask what for whom (guardian, and after a death the trusted person or heirs)."""
    if relation == Relation.SELF:
        _require(
            requester is None or requester.pk == person.pk,
            _("Une demande pour soi-même est faite par la personne elle-même."),
        )
        _require(
            kind != Kind.DEATH_NOTICE, _("Un décès est signalé par un proche, pas par la personne.")
        )
        return
    if relation == Relation.GUARDIAN:
        _require(
            requester is not None and guardians_of(person).filter(pk=requester.pk).exists(),
            _("Seul un responsable légal confirmé peut faire une demande pour cet enfant."),
        )
        return
    if kind == Kind.DEATH_NOTICE:
        _require(queries.death_of(person) is None, _("Ce décès a déjà été signalé et vérifié."))
        return
    _require(
        queries.death_of(person) is not None,
        _("Un décès doit d'abord être signalé et vérifié avant toute demande d'un proche."),
    )
    directive = queries.directive_of(person)
    if relation == Relation.TRUSTED_PERSON:
        _require(
            directive is not None, _("Cette personne n'a désigné aucune personne de confiance.")
        )
        assert directive is not None
        allowed = {
            Directive.Wish.COMMUNICATE: {Kind.ACCESS, Kind.PORTABILITY},
            Directive.Wish.DELETE: {Kind.ERASURE},
            Directive.Wish.KEEP: set(),
        }[Directive.Wish(directive.wish)]
        _require(
            kind in allowed, _("Les directives de la personne ne prévoient pas cette demande.")
        )
        return
    # Heirs act only when the person left no directive (loi Informatique et Libertés, art. 85).
    _require(
        directive is None, _("La personne a laissé des directives : sa personne de confiance agit.")
    )
    _require(
        kind in {Kind.ACCESS, Kind.ERASURE},
        _("Les héritiers peuvent obtenir l'accès pour la succession et faire fermer le compte."),
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
    _require(kind in Kind.values, _("Type de demande inconnu."))
    _require(channel in Channel.values, _("Canal inconnu."))
    _require(relation in Relation.values, _("Qualité du demandeur inconnue."))
    _require(
        kind != Kind.DIRECTIVES, _("Les directives s'enregistrent avec leur propre formulaire.")
    )
    if relation == Relation.SELF and requester is None:
        requester = person
    _check_standing(person=person, kind=kind, requester=requester, relation=relation)
    purposes = sorted(set(purposes))
    if kind == Kind.OBJECTION:
        _require(bool(purposes), _("Choisissez au moins un usage de vos données."))
        _require(set(purposes) <= rules.OBJECTABLE, _("On ne peut pas s'opposer à cet usage ici."))
    elif purposes:
        raise ActionError(_("Seule une opposition vise des usages particuliers."))
    online_by_requester = (
        channel == Channel.ONLINE
        and isinstance(actor, User)
        and requester is not None
        and actor.pk == requester.pk
    )
    if channel == Channel.ONLINE:
        _require(
            online_by_requester, _("Une demande en ligne est faite par le demandeur lui-même.")
        )
    else:
        _require_handler(actor)
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
        data=_data(request, channel=channel, relation=relation, purposes=purposes),
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
        _verified(
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
    request = SubjectRequest.objects.select_related("person").filter(pk=request_pk).first()
    if request is not None and request.person is not None and request.is_open:
        _notify("subject_requests.received", request.person, actor, request=request)


def _verified(request: SubjectRequest, *, actor: Actor, method: str, evidence: str) -> None:
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
        data=_data(request, method=method),
    )
    _immediate_effects(request, actor=actor)


def _immediate_effects(request: SubjectRequest, *, actor: Actor) -> None:
    """An objection to marketing or profiling stops it as soon as we know who asks (art. 21)."""
    if request.kind != Kind.OBJECTION or request.person is None:
        return
    now = [p for p in request.purposes if p in rules.IMMEDIATE_OBJECTION]
    for purpose in now:
        _limit(request, Limitation.Type.OBJECTION, purpose, actor=actor)
    if len(now) == len(request.purposes):
        _close(request, status=Status.COMPLETED, decision=Decision.APPROVED, actor=actor)


def _limit(request: SubjectRequest, type_: str, purpose: str, *, actor: Actor) -> None:
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
        data=_data(request, purpose=purpose),
    )
    if type_ == Limitation.Type.RESTRICTION:
        # Restricted data is kept as it is (art. 18): the retention sweep may not erase it,
        # though the request that asked for it closes now.
        retention.place_hold(
            actor=actor,
            person=request.person,
            reason=LegalHold.Reason.RESTRICTION,
            reference=str(limitation.public_id),
        )


def _close(
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
        data=_data(request, status=status),
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
    request = SubjectRequest.objects.select_related("person", "requester").get(pk=request_pk)
    # After an erasure the person is gone: the guardian (or heir) who asked is told instead.
    to = request.person or (request.requester if request.relation != Relation.SELF else None)
    _notify("subject_requests.answered", to, actor, request=request)


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
    _require_handler(actor)
    _require(request.is_open, _("Cette demande est close."))
    _require(method in IdentityMethod.values, _("Méthode de vérification inconnue."))
    _require(bool(evidence.strip()), _("Dites ce que vous avez vérifié."))
    if request.kind == Kind.DEATH_NOTICE or request.relation in (
        Relation.HEIR,
        Relation.TRUSTED_PERSON,
    ):
        _require(
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
            data=_data(request, method=method),
        )
        return check
    _require(request.status == Status.AWAITING_IDENTITY, _("L'identité a déjà été vérifiée."))
    _verified(request, actor=actor, method=method, evidence=evidence.strip())
    return request.identity_checks.order_by("-pk").first()


@transaction.atomic
def add_note(*, request: SubjectRequest, actor: Actor, text: str) -> Note:
    _require_handler(actor)
    _require(bool(text.strip()), _("La note est vide."))
    note = Note.objects.create(
        request=request, author=actor if isinstance(actor, User) else None, text=text.strip()
    )
    audit.record(
        event="subject_request.note_added",
        actor=actor,
        subject=request.person,
        data=_data(request, note=str(note.public_id)),
    )
    return note


@transaction.atomic
def assign(*, request: SubjectRequest, actor: Actor, assignee: User | None) -> SubjectRequest:
    _require_handler(actor)
    _require(
        assignee is None or queries.is_handler(assignee),
        _("Cette personne ne traite pas les demandes."),
    )
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    audit.record(
        event="subject_request.assigned",
        actor=actor,
        subject=request.person,
        data=_data(request, assignee=person_ref(assignee) if assignee else ""),
    )
    return request


@transaction.atomic
def extend(
    *, request: SubjectRequest, actor: Actor, until: date, reason: str, today: date | None = None
) -> SubjectRequest:
    """Extend the deadline by up to two months, with a reason told to the person (art. 12(3))."""
    _require_decider(actor)
    today = today or deadlines.today()
    _require(request.is_open, _("Cette demande est close."))
    _require(request.extended_to is None, _("Le délai a déjà été prolongé une fois."))
    _require(bool(reason.strip()), _("La prolongation doit être motivée."))
    _require(
        today <= request.due_on,
        _("Une prolongation doit être notifiée dans le premier mois : il est dépassé."),
    )
    latest = deadlines.latest_extension(request.received_at)
    _require(
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
        data=_data(request, until=until.isoformat()),
    )
    transaction.on_commit(partial(_notify_request, "subject_requests.extended", request.pk, actor))
    return request


def _notify_request(kind: str, request_pk: int, actor: Actor) -> None:
    request = SubjectRequest.objects.select_related("person").get(pk=request_pk)
    _notify(kind, request.person, actor, request=request)


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
    _require_decider(actor)
    _require(decision in Decision.values, _("Décision inconnue."))
    _require(request.is_open, _("Cette demande est close."))
    _require(request.status != Status.PROCESSING, _("Cette demande est déjà en cours d'exécution."))
    if decision in (Decision.REFUSED, Decision.NARROWED):
        _require(ground in Ground.values, _("Indiquez le fondement juridique de cette décision."))
        _require(bool(note.strip()), _("Expliquez la décision à la personne."))
    if decision != Decision.REFUSED:
        _require(
            request.status == Status.IN_REVIEW,
            _("L'identité du demandeur doit être vérifiée avant d'exécuter la demande."),
        )
        _require(request.person is not None, _("La personne concernée n'existe plus."))
    request.decision, request.ground, request.decision_note = decision, ground, note.strip()
    request.decided_at = timezone.now()
    request.decided_by = actor if isinstance(actor, User) else None
    request.save(update_fields=["decision", "ground", "decision_note", "decided_at", "decided_by"])
    audit.record(
        event="subject_request.decided",
        actor=actor,
        subject=request.person,
        data=_data(request, decision=decision, ground=ground),
    )
    if decision == Decision.REFUSED:
        _close(request, status=Status.REFUSED, actor=actor)
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
            partial(_notify_request, "subject_requests.erasure_accepted", request.pk, actor)
        )
        transaction.on_commit(partial(tasks.enqueue_erasure, request.pk))
    elif kind == Kind.RESTRICTION:
        _limit(request, Limitation.Type.RESTRICTION, "", actor=actor)
        _close(request, status=Status.COMPLETED, actor=actor)
    elif kind == Kind.OBJECTION:
        for purpose in request.purposes:
            _limit(request, Limitation.Type.OBJECTION, purpose, actor=actor)
        _close(request, status=Status.COMPLETED, actor=actor)
    elif kind == Kind.DEATH_NOTICE:
        _record_death(request, actor=actor)
        _close(request, status=Status.COMPLETED, actor=actor)
    else:  # rectification: staff made the changes (recorded one by one) before approving
        _close(request, status=Status.COMPLETED, actor=actor)


def _record_death(request: SubjectRequest, *, actor: Actor) -> None:
    person = request.person
    assert person is not None
    Death.objects.create(person=person, request=request)
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.sessions.all().delete()
    audit.record(
        event="subject_request.death_recorded",
        actor=actor,
        subject=person,
        data=_data(request, directive=queries.directive_of(person) is not None),
    )


@transaction.atomic
def cancel(*, request: SubjectRequest, actor: Actor) -> SubjectRequest:
    """The requester withdraws the request (or the DPO closes a request made by mistake)."""
    own = isinstance(actor, User) and actor.pk in (request.requester_id, request.person_id)
    _require(own or queries.is_decider(actor), _("Vous ne pouvez pas annuler cette demande."))
    _require(
        request.status in (Status.AWAITING_IDENTITY, Status.IN_REVIEW),
        _("Cette demande ne peut plus être annulée."),
    )
    _close(request, status=Status.CANCELLED, actor=actor)
    return request


@transaction.atomic
def lift_limitation(*, limitation: Limitation, actor: Actor) -> Limitation:
    """End a restriction (the DPO, after telling the person, art. 18(3)) or an objection (the
    person, who changed their mind, or the DPO)."""
    own = isinstance(actor, User) and (
        actor.pk == limitation.person_id or queries.is_guardian(actor, limitation.person)
    )
    if limitation.type == Limitation.Type.RESTRICTION:
        _require(queries.is_decider(actor), _("Seul le DPO lève une limitation."))
    else:
        _require(own or queries.is_decider(actor), _("Vous ne pouvez pas lever cette opposition."))
    _require(limitation.ended_at is None, _("Elle est déjà levée."))
    limitation.ended_at = timezone.now()
    limitation.save(update_fields=["ended_at"])
    audit.record(
        event=f"subject_request.{limitation.type}_lifted",
        actor=actor,
        subject=limitation.person,
        data={"limitation": str(limitation.public_id), "purpose": limitation.purpose},
    )
    if limitation.type == Limitation.Type.RESTRICTION:
        retention.lift_holds(
            person=limitation.person,
            reason=LegalHold.Reason.RESTRICTION,
            reference=str(limitation.public_id),
            actor=actor,
        )
        transaction.on_commit(
            partial(_notify, "subject_requests.restriction_lifted", limitation.person, actor)
        )
    return limitation


# One-click objections (a service's own "stop", through `processing.record_objection`) --------


@transaction.atomic
def object_at_once(*, person: User, purpose: str, actor: Actor) -> SubjectRequest:
    """A signed-in person (or their guardian) objects, from a service's page, to a purpose they
    may refuse alone: recorded as an objection request like any other, its identity established
    by the session, in force at once (art. 21) and answered at once."""
    _require(purpose in rules.IMMEDIATE_OBJECTION, _("On ne peut pas s'opposer à cet usage ici."))
    _require(isinstance(actor, User), _("Une opposition en un clic est faite par une personne."))
    assert isinstance(actor, User)
    relation = Relation.SELF if actor.pk == person.pk else Relation.GUARDIAN
    _check_standing(person=person, kind=Kind.OBJECTION, requester=actor, relation=relation)
    if purpose in queries.objections(person):
        raise Conflict(_("Cette opposition est déjà enregistrée."))
    received_at = timezone.now()
    request = SubjectRequest.objects.create(
        kind=Kind.OBJECTION,
        person=person,
        requester=actor,
        relation=relation,
        channel=Channel.ONLINE,
        purposes=[purpose],
        received_at=received_at,
        due_on=deadlines.due_on(received_at),
        identity_digest=identity_digest(person),
    )
    audit.record(
        event="subject_request.opened",
        actor=actor,
        subject=person,
        data=_data(request, channel=Channel.ONLINE, relation=relation, purposes=[purpose]),
    )
    _verified(
        request,
        actor=actor,
        method=IdentityMethod.SESSION,
        evidence=_("Connecté à son compte, opposition en un clic le {when}.").format(
            when=timezone.localtime(received_at).strftime("%d/%m/%Y %H:%M")
        ),
    )
    return request


@transaction.atomic
def withdraw_objection(*, person: User, purpose: str, actor: Actor) -> Limitation:
    """Withdraw the objection in force to `purpose` (as from the privacy centre)."""
    limitation = (
        Limitation.objects.active()
        .filter(person=person, type=Limitation.Type.OBJECTION, purpose=purpose)
        .first()
    )
    if limitation is None:
        raise Conflict(_("Il n'y avait pas d'opposition à retirer."))
    return lift_limitation(limitation=limitation, actor=actor)


class ObjectionDesk:
    """The rights engine as the one keeper of objections (`processing.set_objection_desk`)."""

    def record(self, *, person: Any, purpose: str, actor: Any) -> None:
        object_at_once(person=person, purpose=purpose, actor=actor)

    def withdraw(self, *, person: Any, purpose: str, actor: Any) -> None:
        withdraw_objection(person=person, purpose=purpose, actor=actor)

    def stands(self, person: Any, purpose: str) -> bool:
        return bool(getattr(person, "pk", None)) and purpose in queries.objections(person)


# Execution (the task worker, or the operator's command) ------------------------------------


def build_archive(*, request: SubjectRequest, actor: Actor) -> SubjectRequest:
    """Build the access or portability archive, streaming it to a private file.

    Not one transaction: the progress is committed as it goes, so the page can show it.
    """
    _require(
        request.status == Status.PROCESSING and request.kind in (Kind.ACCESS, Kind.PORTABILITY),
        _("Cette demande n'attend pas d'archive."),
    )
    person = request.person
    _require(person is not None, _("La personne concernée n'existe plus."))
    assert person is not None
    name = f"{uuid.uuid4().hex}.zip"
    scope = archive.ACCESS if request.kind == Kind.ACCESS else archive.PORTABILITY

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        SubjectRequest.objects.filter(pk=request.pk).update(progress=percent)

    storage = archive_storage()
    # Built into a temporary file (in memory while small), then handed to the storage, which
    # sends it to object storage in parts; nothing of it stays on this server.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        result = archive.build(
            person=person, scope=scope, out=out, reference=request.reference, progress=progress
        )
        out.seek(0)
        name = storage.save(name, File(out, name=name))
    with transaction.atomic():
        request.refresh_from_db()
        request.archive_name = name
        request.archive_sha256 = result.sha256
        request.archive_size = result.size
        request.archive_expires_at = timezone.now() + rules.ARCHIVE_LIFETIME
        request.progress = 100
        request.outcome = {"rows": result.total_rows, "models": len(result.rows)}
        request.save(
            update_fields=[
                "archive_name",
                "archive_sha256",
                "archive_size",
                "archive_expires_at",
                "progress",
                "outcome",
            ]
        )
        audit.record(
            event="subject_request.archive_built",
            actor=actor,
            subject=person,
            data=_data(request, rows=result.total_rows, sha256=result.sha256),
        )
        _close(request, status=Status.COMPLETED, actor=actor)
    return request


def open_archive(request: SubjectRequest) -> IO[bytes] | None:
    """The archive's bytes, to stream back after the access check; None once it is gone."""
    storage = archive_storage()
    if not request.archive_name or not storage.exists(request.archive_name):
        return None
    return cast("IO[bytes]", storage.open(request.archive_name, "rb"))


@transaction.atomic
def record_download(*, request: SubjectRequest, actor: Actor, meta: RequestMeta | None) -> None:
    """Journal a download as the journal's archive read, with IP and user agent: the journal's
    watch raises an alert when an archive leaves for an address the account never used."""
    if request.person is not None:
        audit.record_read(
            viewer=actor, subject=request.person, what="archive", data=_data(request), meta=meta
        )


def execute_erasure(*, request: SubjectRequest, actor: Actor) -> SubjectRequest:
    """Erase through the registry, then scan the whole database for what identifies the person.

    Re-runnable: `erasure.erase` resumes where a crash left it; the scan and the certificate
    come only once everything is done. "Completed" only when the scan finds no residue.
    """
    _require(
        request.status == Status.PROCESSING and request.kind == Kind.ERASURE,
        _("Cette demande n'attend pas d'effacement."),
    )
    person = request.person
    _require(person is not None, _("La personne concernée n'existe plus."))
    assert person is not None
    terms = scan.identifiers(person)
    started = timezone.now()
    report = erasure.erase(people=[person], actor=actor, reason="request")
    findings = scan.scan(terms)
    residual = scan.residues(findings)
    counts: dict[str, dict[str, int]] = {}
    for action, per_model in report.as_data().items():
        per_category: dict[str, int] = defaultdict(int)
        for label, count in per_model.items():
            declaration = _declaration_by_label(label)
            for category in declaration.categories() if declaration else ["other"]:
                per_category[str(category)] += count
        counts[action] = dict(sorted(per_category.items()))
    with transaction.atomic():
        request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        request.outcome = {
            "erasure": report.as_data(),
            "residual": [f.as_data() for f in residual],
            "kept": [f.as_data() for f in findings if f.kept],
        }
        request.progress = 100
        request.save(update_fields=["outcome", "progress"])
        ErasureCertificate.objects.create(
            request=request,
            identity_digest=request.identity_digest,
            counts=counts,
            residual_clean=not residual,
            started_at=started,
            finished_at=timezone.now(),
        )
        audit.record(
            event="subject_request.erasure_verified",
            actor=actor,
            data=_data(request, clean=not residual, residual=len(residual)),
        )
        _close(request, status=Status.PARTIAL if residual else Status.COMPLETED, actor=actor)
    return request


def _declaration_by_label(label: str) -> Any:
    for declaration in registry.declarations():
        if declaration.label == label:
            return declaration
    return None


@transaction.atomic
def expire_archive(*, request: SubjectRequest, actor: Actor) -> None:
    if request.archive_name:
        archive_storage().delete(request.archive_name)
    request.archive_name = ""
    request.save(update_fields=["archive_name"])
    audit.record(event="subject_request.archive_expired", actor=actor, data=_data(request))


@transaction.atomic
def remind(*, request: SubjectRequest, stage: int, actor: Actor) -> int:
    """Tell every DPO that a request's deadline is near or past; returns how many were told."""
    request.reminded_stage = stage
    request.save(update_fields=["reminded_stage"])
    audit.record(event="subject_request.reminded", actor=actor, data=_data(request, stage=stage))
    dpos = list(User.objects.filter(role__in=sorted(rules.DECIDERS), is_active=True))
    for dpo in dpos:
        _notify(
            "subject_requests.dpo_reminder",
            dpo,
            actor,
            request=request,
            stage=stage,
            today=deadlines.today(),
        )
    return len(dpos)


# Rectification -----------------------------------------------------------------------------


@transaction.atomic
def rectify_account(
    *, person: User, actor: Actor, changes: dict[str, Any], meta: RequestMeta | None = None
) -> list[str]:
    """The person (or a child's guardian) corrects what they provided; returns the fields
    changed. Frozen while a restriction holds, except for the DPO. The country goes through
    `accounts.change_guardian_fields`, which refuses it to a child (see `guardian_rule`)."""
    _require(
        processing.edit_allowed(person, actor),
        _("Le traitement de ces données est limité : seul le DPO peut les modifier."),
    )
    unknown = set(changes) - set(SELF_SERVICE_FIELDS)
    _require(not unknown, _("Ces informations ne se modifient pas ici."))
    changes = dict(changes)
    deciding = {name: changes.pop(name) for name in GUARDIAN_FIELDS if name in changes}
    decided = accounts.change_guardian_fields(person=person, actor=actor, changes=deciding)
    changed = _apply_changes(
        person, changes, actor=actor, event="account.rectified", data={}, meta=meta
    )
    return changed + list(decided.fields if decided else ())


def _apply_changes(
    person: User,
    changes: dict[str, Any],
    *,
    actor: Actor,
    event: str,
    data: dict[str, Any],
    meta: RequestMeta | None = None,
) -> list[str]:
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if not changed:
        return []
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            person.save(update_fields=changed)
    except IntegrityError as exc:
        raise Conflict(_("Cette valeur est déjà utilisée par un autre compte.")) from exc
    audit.record(
        event=event,
        actor=actor,
        subject=person,
        data={**data, "fields": sorted(changed)},
        meta=meta,
    )
    return changed


def staff_fields() -> list[str]:
    """The account fields staff may correct on request: what the registry says the person
    provided, minus the password and what only the system computes."""
    declaration = registry.declaration_for(User)
    assert declaration is not None
    return [
        name
        for name, declared in declaration.fields.items()
        if declared.provenance == "provided"
        and declared.category != "credentials"
        and name not in ("role",)
    ]


@transaction.atomic
def rectify_for_request(
    *, request: SubjectRequest, actor: Actor, field: str, value: str
) -> list[str]:
    """Staff correct an account field on a rectification request; the change is journalled."""
    _require_handler(actor)
    _require(
        request.kind == Kind.RECTIFICATION and request.is_open,
        _("Cette demande n'est pas une rectification en cours."),
    )
    _require(
        request.status == Status.IN_REVIEW, _("L'identité du demandeur doit d'abord être vérifiée.")
    )
    _require(field in staff_fields(), _("Ce champ ne se rectifie pas ici."))
    person = request.person
    _require(person is not None, _("La personne concernée n'existe plus."))
    assert person is not None
    _require(
        processing.edit_allowed(person, actor),
        _("Le traitement de ces données est limité : seul le DPO peut les modifier."),
    )
    model_field = User._meta.get_field(field)
    try:
        parsed = model_field.to_python(value.strip() or None)  # type: ignore[union-attr]
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages)) from exc
    if field == "email":
        parsed = normalise_email(parsed)
    if field == "username" and parsed:
        parsed = str(parsed).lower()
    if field in GUARDIAN_FIELDS:
        # What decides parental control: the DPO alone changes it for a child, and the
        # guardians are told (see `guardian_rule`).
        decided = accounts.change_guardian_fields(
            person=person, actor=actor, changes={field: parsed}, data=_data(request)
        )
        return list(decided.fields) if decided else []
    return _apply_changes(
        person, {field: parsed}, actor=actor, event="subject_request.rectified", data=_data(request)
    )


# After death -------------------------------------------------------------------------------


@transaction.atomic
def record_directive(
    *,
    person: User,
    actor: Actor,
    trusted_name: str,
    trusted_email: str,
    wish: str,
    instructions: str = "",
) -> Directive:
    """The person names a trusted person and says what should become of their data."""
    _require(
        isinstance(actor, User) and actor.pk == person.pk,
        _("Seule la personne elle-même donne ses directives."),
    )
    _require(wish in Directive.Wish.values, _("Choisissez ce que vous souhaitez."))
    _require(
        bool(trusted_name.strip()) and bool(trusted_email.strip()),
        _("Nommez votre personne de confiance et son adresse e-mail."),
    )
    directive, created = Directive.objects.update_or_create(
        person=person,
        defaults={
            "trusted_name": trusted_name.strip(),
            "trusted_email": normalise_email(trusted_email) or "",
            "wish": wish,
            "instructions": instructions.strip(),
            "updated_at": timezone.now(),
        },
    )
    now = timezone.now()
    request = SubjectRequest.objects.create(
        kind=Kind.DIRECTIVES,
        person=person,
        requester=person,
        relation=Relation.SELF,
        channel=Channel.ONLINE,
        status=Status.COMPLETED,
        received_at=now,
        due_on=deadlines.due_on(now),
        identity_verified_at=now,
        decision=Decision.APPROVED,
        decided_at=now,
        completed_at=now,
        identity_digest=identity_digest(person),
    )
    audit.record(
        event="subject_request.directive_recorded",
        actor=actor,
        subject=person,
        data=_data(request, wish=wish, created=created),
    )
    return directive


@transaction.atomic
def withdraw_directive(*, directive: Directive, actor: Actor) -> None:
    _require(
        isinstance(actor, User) and actor.pk == directive.person_id,
        _("Seule la personne elle-même retire ses directives."),
    )
    audit.record(
        event="subject_request.directive_withdrawn", actor=actor, subject=directive.person, data={}
    )
    directive.delete()
