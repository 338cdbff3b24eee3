"""Reads about families that carry rules, and the access functions of the family pages."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.accounts.queries import children_of, guardians_of
from charte.consent.queries import latest_records
from charte.core.errors import NotFound
from charte.families.models import Invitation
from charte.privacy import register


def access_family(*, viewer: User) -> User:
    """ "Ma famille" and the pages about a child: parent accounts only."""
    if viewer.role != Role.PARENT:
        raise NotFound(_("Page réservée aux comptes parents."))
    return viewer


def access_child_by_guardian(*, viewer: User, public_id: uuid.UUID | str) -> User:
    """The child `public_id` names, if the viewer is one of their confirmed guardians."""
    child = User.objects.filter(public_id=public_id, role=Role.PUPIL).first()
    if child is None:
        raise NotFound(_("Enfant introuvable."))
    if not guardians_of(child).filter(pk=viewer.pk).exists():
        raise NotFound(_("Enfant introuvable."))
    return child


def access_invitation_by_guardian(*, viewer: User, public_id: uuid.UUID | str) -> Invitation:
    """An invitation about one of the viewer's children, still open."""
    invitation = Invitation.objects.open().filter(public_id=public_id).first()
    if invitation is None:
        raise NotFound(_("Invitation introuvable."))
    if not guardians_of(invitation.child).filter(pk=viewer.pk).exists():
        raise NotFound(_("Invitation introuvable."))
    return invitation


def family_of(parent: User) -> list[User]:
    return list(children_of(parent))


def invitations_sent_for(children: list[User]) -> QuerySet[Invitation]:
    return (
        Invitation.objects.open()
        .filter(child__in=children, kind=Invitation.Kind.GUARDIAN)
        .select_related("child")
        .order_by("created_at")
    )


def other_guardians(child: User, viewer: User) -> list[User]:
    return [g for g in guardians_of(child) if g.pk != viewer.pk]


def family_panel(user: User) -> dict[str, Any]:
    """The parent's home-page panel: their children and their ages."""
    today = timezone.localdate()
    return {"children": [(child, child.age_on(today)) for child in family_of(user)]}


def unconfirmed_child_days() -> int:
    """How long a child's account waits for a guardian: the register's rule "unconfirmed_child"."""
    return register.RETENTION_BY_CODE["unconfirmed_child"].days


def unconfirmed_children(*, now: datetime | None = None) -> list[User]:
    """Closed pupils' accounts that never had a consent, older than the rule's 14 days.

    A closed account with a consent history was closed by a withdrawal: the consent app's
    own job erases it after its notice period.
    """
    cutoff = (now or timezone.now()) - timedelta(days=unconfirmed_child_days())
    waiting = User.objects.filter(role=Role.PUPIL, is_active=False, created_at__lt=cutoff)
    return [child for child in waiting.order_by("pk")[:500] if not latest_records(child)]
