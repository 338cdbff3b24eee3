"""Reads that carry rules: who may see or act on a request, and the facts the gate asks for."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import User
from charte.accounts.queries import guardians_of
from charte.audit.models import Entry
from charte.core.actors import Actor
from charte.core.errors import NotFound
from charte.privacy import register
from charte.privacy.registry import registry
from charte.subject_requests import deadlines, rules
from charte.subject_requests.models import (
    OPEN_STATUSES,
    Death,
    Directive,
    Limitation,
    Proof,
    Relation,
    SubjectRequest,
)


def is_handler(viewer: Actor | None) -> bool:
    return isinstance(viewer, User) and viewer.is_active and viewer.role in rules.HANDLERS


def is_decider(viewer: Actor | None) -> bool:
    return isinstance(viewer, User) and viewer.is_active and viewer.role in rules.DECIDERS


def is_guardian(viewer: User, person: User | None) -> bool:
    return person is not None and guardians_of(person).filter(pk=viewer.pk).exists()


def _missing() -> NotFound:
    return NotFound(_("Demande introuvable."))


def _parse(public_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise _missing() from None


def access_request_by_viewer(*, viewer: User, public_id: uuid.UUID | str) -> SubjectRequest:
    """A request its person, its requester or the person's guardian may follow."""
    found = (
        SubjectRequest.objects.filter(public_id=_parse(public_id))
        .select_related("person", "requester")
        .first()
    )
    if found is None:
        raise _missing()
    if found.person_id is not None and found.person_id == viewer.pk:
        return found
    if found.requester_id is not None and found.requester_id == viewer.pk:
        return found
    if is_guardian(viewer, found.person):
        return found
    raise _missing()


def access_workbench(*, viewer: User) -> User:
    """The workbench (queue, export, requests taken by phone or post): the DPO and customer
    service only."""
    if not is_handler(viewer):
        raise _missing()
    return viewer


def access_limitation_by_viewer(*, viewer: User, public_id: uuid.UUID | str) -> Limitation:
    """A restriction or objection in force, for its person, their guardian or the DPO (the
    action then says who may lift which)."""
    found = Limitation.objects.select_related("person").filter(public_id=_parse(public_id)).first()
    if found is None:
        raise _missing()
    if is_decider(viewer):
        return found
    if found.person_id == viewer.pk:
        return found
    if is_guardian(viewer, found.person):
        return found
    raise _missing()


def access_request_by_staff(*, viewer: User, public_id: uuid.UUID | str) -> SubjectRequest:
    """Any request, for the DPO and customer service who handle them."""
    if not is_handler(viewer):
        raise _missing()
    found = (
        SubjectRequest.objects.filter(public_id=_parse(public_id))
        .select_related("person", "requester", "opened_by", "assignee", "decided_by")
        .first()
    )
    if found is None:
        raise _missing()
    return found


def access_proof_of_request(*, request: SubjectRequest, public_id: uuid.UUID | str) -> Proof:
    """A document sent with the claim behind `request` (already checked for its viewer)."""
    document = (
        Proof.objects.filter(claim_id=request.claim_id, public_id=_parse(public_id)).first()
        if request.claim_id is not None
        else None
    )
    if document is None:
        raise NotFound(_("Document introuvable."))
    return document


def access_address_change(*, viewer: User) -> User:
    """Changing one's sign-in address: a child under the age of consent has none to change."""
    if viewer.needs_guardian(deadlines.today()):
        raise NotFound(_("Un enfant n'a pas d'adresse e-mail sur la plateforme."))
    return viewer


def may_download(viewer: User, request: SubjectRequest, now: datetime | None = None) -> bool:
    """The archive goes to the person, to a child's guardians, or to whoever asked after a death."""
    now = now or timezone.now()
    if not request.archive_ready or request.archive_expires_at is None:
        return False
    if request.archive_expires_at <= now:
        return False
    person = request.person
    if person is None:
        return False
    if person.pk == viewer.pk:
        return not person.needs_guardian(deadlines.today())
    if request.requester_id == viewer.pk and request.relation != Relation.SELF:
        return True
    return person.needs_guardian(deadlines.today()) and is_guardian(viewer, person)


def restricted(person: User) -> bool:
    return (
        Limitation.objects.active().filter(person=person, type=Limitation.Type.RESTRICTION).exists()
    )


def objections(person: User) -> set[str]:
    return set(
        Limitation.objects.active()
        .filter(person=person, type=Limitation.Type.OBJECTION)
        .values_list("purpose", flat=True)
    )


def restriction_check(person: Any, purpose: str) -> bool | None:
    """Processing gate: a restricted person's data leaves the coach, statistics and marketing."""
    if (
        purpose in rules.FROZEN_BY_RESTRICTION
        and getattr(person, "pk", None)
        and restricted(person)
    ):
        return False
    return None


def objection_check(person: Any, purpose: str) -> bool | None:
    """Processing gate: an objection to a purpose stops it for that person."""
    if getattr(person, "pk", None) and purpose in objections(person):
        return False
    return None


def edit_check(person: Any, actor: Any) -> bool | None:
    """Edits are frozen while restricted, except for the DPO."""
    if getattr(person, "pk", None) and restricted(person) and not is_decider(actor):
        return False
    return None


def requests_of(person: User) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(person=person).order_by("-received_at", "-pk")


def directive_of(person: User) -> Directive | None:
    return Directive.objects.filter(person=person).first()


def death_of(person: User) -> Death | None:
    return Death.objects.filter(person=person).first()


def timeline(request: SubjectRequest) -> QuerySet[Entry]:
    """The journal's entries that name this request."""
    return Entry.objects.filter(data__request=str(request.public_id)).order_by("at", "pk")


def queue(
    *,
    status: str = "",
    kind: str = "",
    when: str = "",
    mine: User | None = None,
    order: str = "due",
    today: date | None = None,
) -> QuerySet[SubjectRequest]:
    """The workbench's queue, filtered and sorted."""
    today = today or deadlines.today()
    requests: Any = SubjectRequest.objects.select_related("person", "assignee").annotate(
        deadline_on=Coalesce("extended_to", "due_on")
    )
    if status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    if when == "overdue":
        requests = requests.overdue(today)
    elif when == "week":
        requests = requests.open().filter(deadline_on__lte=today + timedelta(days=7))
    if mine is not None:
        requests = requests.filter(assignee=mine)
    orderings = {
        "due": ("deadline_on", "pk"),
        "-due": ("-deadline_on", "-pk"),
        "received": ("received_at", "pk"),
        "-received": ("-received_at", "-pk"),
        "kind": ("kind", "deadline_on", "pk"),
        "status": ("status", "deadline_on", "pk"),
    }
    return requests.order_by(*orderings.get(order, orderings["due"]))


def purpose_names(codes: list[str]) -> list[str]:
    return [str(register.PURPOSE_BY_CODE[c].name) for c in codes if c in register.PURPOSE_BY_CODE]


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
