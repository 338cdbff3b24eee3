"""Reads about disclosures and the people a service may reach, with their access rules."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.core.errors import NotFound
from charte.privacy import register
from charte.privacy.queries import reader
from charte.privacy.register import NoticeKind
from charte.recipients.models import AuthorityRequest, Disclosure, Notice
from charte.recipients.notices import short_reference, told_of


def disclosures_about(person: User) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(person=person).order_by("-at")


def disclosures_section(viewer: User, person: User) -> dict[str, Any]:
    rows = []
    voice = reader(viewer, person)
    for disclosure in disclosures_about(person)[:200]:
        recipient = register.RECIPIENT_BY_CODE.get(disclosure.recipient)
        purpose = register.PURPOSE_BY_CODE.get(disclosure.purpose)
        rows.append(
            {
                "at": disclosure.at,
                "recipient": recipient,
                "purpose": purpose.name_for(**voice) if purpose else disclosure.purpose,
                "categories": [register.Category(c).label for c in disclosure.categories],
                "legal_basis": disclosure.legal_basis,
            }
        )
    return {"disclosures": rows, "count": disclosures_about(person).count()}


def access_authority_requests(*, viewer: User) -> QuerySet[AuthorityRequest]:
    """Only the DPO records and reads authorities' requests."""
    if viewer.role != Role.DPO:
        raise NotFound(_("Page introuvable."))
    return AuthorityRequest.objects.select_related("person", "recorded_by")


# Notices to recipients (`notices`) -------------------------------------------------------------


def notices_of(reference: str) -> list[Notice]:
    return list(Notice.objects.of_request(reference).order_by("kind", "recipient"))


def to_be_told(person: User, kind: str) -> list[register.Recipient]:
    """Who would be told of `kind` for this person, from the disclosure log (before queueing)."""
    codes = set(
        Disclosure.objects.filter(person=person, recipient__in=list(told_of(kind))).values_list(
            "recipient", flat=True
        )
    )
    return [r for r in register.RECIPIENTS if r.code in codes]


def told(reference: str) -> list[dict[str, Any]]:
    """The recipients told for a request, for the person's answer: who, asked what, and where
    it stands; grouped by recipient."""
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {"kinds": [], "states": []})
    for notice in notices_of(reference):
        recipient = register.RECIPIENT_BY_CODE.get(notice.recipient)
        row = rows[notice.recipient]
        row["recipient"] = recipient
        row["name"] = str(recipient.name) if recipient else notice.recipient
        row["kinds"].append(str(NoticeKind(notice.kind).label))
        row["states"].append(notice.state)
        row["confirmed"] = all(s == Notice.State.CONFIRMED for s in row["states"])
        if recipient and recipient.notices and notice.kind == NoticeKind.ERASE:
            row["keeps_reason"] = str(recipient.notices.keeps_reason)
    return sorted(rows.values(), key=lambda r: r["name"])


def corrections_told(person: User, *, limit: int = 50) -> list[dict[str, Any]]:
    """The recipients told of the corrections the person (or their guardian) made themself, most
    recent first: who, which fields, when, and where it stands."""
    rows = []
    for notice in Notice.objects.filter(person=person, origin=Notice.Origin.SELF_SERVICE).order_by(
        "-queued_at", "recipient"
    )[:limit]:
        recipient = register.RECIPIENT_BY_CODE.get(notice.recipient)
        rows.append(
            {
                "notice": notice,
                "name": str(recipient.name) if recipient else notice.recipient,
                "fields": corrected_fields(notice),
                "confirmed": notice.state == Notice.State.CONFIRMED,
            }
        )
    return rows


def corrected_fields(notice: Notice) -> list[str]:
    """The names, as the person reads them, of the fields a correction notice carries."""
    return [_field_label(name) for name in notice.payload.get("corrections", {})]


def _field_label(name: str) -> str:
    try:
        return str(getattr(User._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def corrections_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's block: left out for a person who never had one to tell."""
    rows = corrections_told(person)
    return {"told": rows} if rows else None


def access_notices_by_dpo(*, viewer: User) -> "models.QuerySet[Notice]":
    """The DPO's list of every notice; no one else's."""
    if viewer.role != Role.DPO:
        raise NotFound(_("Page introuvable."))
    return Notice.objects.select_related("person").order_by("-queued_at", "recipient")


def overdue_panel(user: User) -> dict[str, Any]:
    """The DPO's home block: notices without an answer in time, per request."""
    late = Notice.objects.holding().order_by("due_at")
    return {
        "count": late.count(),
        "notices": [
            {
                "notice": n,
                "name": str(register.RECIPIENT_BY_CODE[n.recipient].name)
                if n.recipient in register.RECIPIENT_BY_CODE
                else n.recipient,
                "reference": short_reference(n.request_reference),
            }
            for n in late[:10]
        ],
    }
