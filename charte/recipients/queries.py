"""Reads about disclosures and the people a service may reach, with their access rules."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.core.errors import NotFound
from charte.privacy import register
from charte.recipients.models import AuthorityRequest, Disclosure


def disclosures_about(person: User) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(person=person).order_by("-at")


def disclosures_section(viewer: User, person: User) -> dict[str, Any]:
    rows = []
    for disclosure in disclosures_about(person)[:200]:
        recipient = register.RECIPIENT_BY_CODE.get(disclosure.recipient)
        rows.append(
            {
                "at": disclosure.at,
                "recipient": recipient,
                "purpose": register.PURPOSE_BY_CODE.get(disclosure.purpose),
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
