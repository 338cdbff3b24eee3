"""Reads about disclosures and the people a service may reach, with their access rules."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import PLATFORM_ROLES, Role, User
from charte.consent.queries import is_adult, newsletter_contacts
from charte.core.errors import NotFound
from charte.privacy import processing, register
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


def access_review_invitations(*, viewer: User) -> None:
    """Only the marketing service sends review invitations."""
    if viewer.role != Role.MARKETING:
        raise NotFound(_("Page introuvable."))


def invitable_to_review(*, limit: int = 500) -> list[User]:
    """Adults with an address who expressly consented to be invited, never a pupil.

    The marketing service sees only these people: no one who did not consent, and no pupil of
    any age nor anyone known to be under 18, whoever consented for them; the same rule as the
    newsletter's contacts (`charte.consent.queries.is_adult`).
    """
    today = timezone.localdate()
    already = Disclosure.objects.filter(recipient="review_partner").values("person_id")
    people = (
        User.objects.filter(role__in=sorted(PLATFORM_ROLES), is_active=True, email__isnull=False)
        .exclude(pk__in=already)
        .order_by("last_name", "first_name", "pk")
    )
    chosen = []
    for person in people.iterator(chunk_size=500):
        if not is_adult(person, today) or not processing.consent_given(person, "reviews"):
            continue
        chosen.append(person)
        if len(chosen) >= limit:
            break
    return chosen


def marketing_panel(user: User) -> dict[str, Any]:
    """Marketing's home block: how many people each of its lists holds, never who."""
    month = timezone.localdate().replace(day=1)
    return {
        "newsletter": len(newsletter_contacts()),
        "to_invite": len(invitable_to_review()),
        "invited": Disclosure.objects.filter(
            recipient="review_partner", at__date__gte=month
        ).count(),
    }
