"""Restriction (art. 18) and objection (art. 21): lifting them, and the one-click objection a
service's own "stop" files through `processing.record_objection`."""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core.actors import Actor
from charte.core.errors import Conflict
from charte.privacy import processing
from charte.recipients import notices as recipient_notices
from charte.retention import actions as retention
from charte.retention.models import LegalHold
from charte.subject_requests import deadlines, queries, rules
from charte.subject_requests.actions.common import (
    data_of,
    identity_digest,
    mark_verified,
    notify_person,
    require,
)
from charte.subject_requests.actions.lifecycle import check_standing
from charte.subject_requests.models import (
    Channel,
    IdentityMethod,
    Kind,
    Limitation,
    Relation,
    SubjectRequest,
)


@transaction.atomic
def lift_limitation(*, limitation: Limitation, actor: Actor) -> Limitation:
    """End a restriction (the DPO, after telling the person, art. 18(3)) or an objection (the
    person, who changed their mind, or the DPO)."""
    own = isinstance(actor, User) and (
        actor.pk == limitation.person_id or queries.is_guardian(actor, limitation.person)
    )
    if limitation.type == Limitation.Type.RESTRICTION:
        require(queries.is_decider(actor), _("Seul le DPO lève une limitation."))
    else:
        require(own or queries.is_decider(actor), _("Vous ne pouvez pas lever cette opposition."))
    require(limitation.ended_at is None, _("Elle est déjà levée."))
    limitation.ended_at = timezone.now()
    limitation.save(update_fields=["ended_at"])
    audit.record(
        event=f"subject_request.{limitation.type}_lifted",
        actor=actor,
        subject=limitation.person,
        data={"limitation": str(limitation.public_id), "purpose": limitation.purpose},
    )
    processing.changed(person=limitation.person, actor=actor)
    if limitation.type == Limitation.Type.RESTRICTION:
        retention.lift_holds(
            person=limitation.person,
            reason=LegalHold.Reason.RESTRICTION,
            reference=str(limitation.public_id),
            actor=actor,
        )
        recipient_notices.tell_recipients(
            person=limitation.person,
            kind="resume",
            reference=str(
                limitation.request.public_id if limitation.request else limitation.public_id
            ),
            actor=actor,
        )
        transaction.on_commit(
            partial(notify_person, "subject_requests.restriction_lifted", limitation.person, actor)
        )
    return limitation


@transaction.atomic
def object_at_once(*, person: User, purpose: str, actor: Actor) -> SubjectRequest:
    """A signed-in person (or their guardian) objects, from a service's page, to a purpose they
    may refuse alone: recorded as an objection request like any other, its identity established
    by the session, in force at once (art. 21) and answered at once."""
    require(purpose in rules.IMMEDIATE_OBJECTION, _("On ne peut pas s'opposer à cet usage ici."))
    require(isinstance(actor, User), _("Une opposition en un clic est faite par une personne."))
    assert isinstance(actor, User)
    relation = Relation.SELF if actor.pk == person.pk else Relation.GUARDIAN
    check_standing(person=person, kind=Kind.OBJECTION, requester=actor, relation=relation)
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
        data=data_of(request, channel=Channel.ONLINE, relation=relation, purposes=[purpose]),
    )
    mark_verified(
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

    def record(self, *, person: User, purpose: str, actor: Actor) -> None:
        object_at_once(person=person, purpose=purpose, actor=actor)

    def withdraw(self, *, person: User, purpose: str, actor: Actor) -> None:
        withdraw_objection(person=person, purpose=purpose, actor=actor)

    def stands(self, person: User, purpose: str) -> bool:
        return bool(getattr(person, "pk", None)) and purpose in queries.objections(person)
