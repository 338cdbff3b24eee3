"""Reads about accounts that carry rules: who a person is, and who may act for whom."""

import uuid
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts import devices
from charte.accounts.models import Guardianship, Role, Session, User
from charte.core.errors import NotFound


def guardians_of(child: User) -> QuerySet[User]:
    """The child's confirmed guardians, who consent and are reached on the child's behalf.
    A guardian whose death is recorded is one no longer."""
    return User.objects.filter(
        guardianships__child=child,
        guardianships__status=Guardianship.Status.CONFIRMED,
        deceased_at__isnull=True,
    ).order_by("pk")


def children_of(guardian: User) -> QuerySet[User]:
    """The children a guardian has confirmed being responsible for."""
    return User.objects.filter(
        guardian_links__guardian=guardian, guardian_links__status=Guardianship.Status.CONFIRMED
    ).order_by("first_name", "pk")


def my_data_panel(user: User) -> dict[str, Any]:
    """The home page's "Vos données" block speaks of children only to someone who has some."""
    return {"has_children": children_of(user).exists()}


def devices_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's "Mes appareils" block, for the person themself."""
    if person.pk != viewer.pk:
        return None
    return {"count": person.sessions.filter(expire_date__gt=timezone.now()).count()}


def people_represented_by(viewer: User) -> list[User]:
    """The viewer and, for a guardian, each of their children: whose data they may manage."""
    return [viewer, *children_of(viewer)]


def access_person_by_viewer(*, viewer: User, public_id: uuid.UUID | str) -> User:
    """The person `public_id` names, if the viewer is that person or one of their guardians."""
    person = User.objects.filter(public_id=public_id).first()
    if person is None:
        raise NotFound(_("Personne introuvable."))
    if person.pk == viewer.pk:
        return person
    if guardians_of(person).filter(pk=viewer.pk).exists():
        return person
    raise NotFound(_("Personne introuvable."))


def access_other_session(*, viewer: User, handle: str, current_key: str | None) -> Session:
    """One of the viewer's open sessions, other than the one asking (that one signs out)."""
    session = devices.find(viewer, handle)
    if session is None or session.session_key == current_key:
        raise NotFound(_("Cette session n'existe pas, ou elle est déjà fermée."))
    return session


def access_ward_by_guardian(*, viewer: User, public_id: uuid.UUID | str) -> User:
    """The person `public_id` names, if the viewer is one of their guardians (never the viewer
    themself: what a guardian does for a child, nobody does for their own account)."""
    person = access_person_by_viewer(viewer=viewer, public_id=public_id)
    if person.pk == viewer.pk:
        raise NotFound(_("Personne introuvable."))
    return person


# The roles that sign up with their own address at /inscription/ and confirm it.
SELF_SIGN_UP_ROLES = frozenset({Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF})


def awaiting_confirmation(person: User) -> bool:
    """An adult's account whose address was never confirmed: closed, and never signed in.

    (A pupil's closed account waits for a guardian instead, see `charte.families`; an account
    closed later was signed in before.)
    """
    return person.role in SELF_SIGN_UP_ROLES and not person.is_active and person.last_login is None


def unconfirmed_sign_ups(*, older_than: datetime) -> QuerySet[User]:
    """Accounts awaiting confirmation created before `older_than`: their link has expired."""
    return User.objects.filter(
        role__in=sorted(SELF_SIGN_UP_ROLES),
        is_active=False,
        last_login__isnull=True,
        created_at__lt=older_than,
    ).order_by("pk")
