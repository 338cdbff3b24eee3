"""Reads about families that carry rules, and the access functions of the family pages."""

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
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


if TYPE_CHECKING:
    from charte.accounts.waiting import Waiting


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
    now = now or timezone.now()
    cutoff = now - timedelta(days=unconfirmed_child_days())
    # A letter from the school still on its way home keeps the account it names.
    letter_open = Invitation.objects.filter(
        child=OuterRef("pk"),
        kind=Invitation.Kind.LETTER,
        accepted_at__isnull=True,
        expires_at__gt=now,
    )
    waiting = User.objects.filter(role=Role.PUPIL, is_active=False, created_at__lt=cutoff).exclude(
        Exists(letter_open)
    )
    return [child for child in waiting.order_by("pk")[:500] if not latest_records(child)]


def waiting_child(user: User) -> "Waiting | None":
    """A pupil's closed account waiting for a parent: what the parent was sent, and when.

    Told to the pupil who typed the right password (`charte.accounts.waiting`), in "tu".
    """
    from django.utils.formats import date_format

    from charte.accounts.waiting import Waiting, mask_address
    from charte.consent.queries import latest_records

    if user.role != Role.PUPIL or user.is_active or latest_records(user):
        return None  # a closed account that had a consent was closed by its withdrawal
    invitations = Invitation.objects.open().filter(child=user).order_by("-created_at")
    letter = invitations.filter(kind=Invitation.Kind.LETTER).first()
    if letter is not None:
        return Waiting(
            message=_(
                "Ton compte attend l'accord de ton parent. Ton établissement t'a remis pour "
                "lui une lettre, le %(date)s, avec un code."
            )
            % {"date": date_format(letter.created_at, "DATE_FORMAT")},
            advice=_(
                "Donne-lui la lettre : il se connecte (ou crée son compte de parent), tape le "
                "code et donne son accord. Tu pourras alors te connecter. Lettre perdue ? "
                "Demande à ton enseignant de l'imprimer à nouveau."
            ),
        )
    emailed = invitations.filter(kind=Invitation.Kind.CONSENT).first()
    if emailed is not None:

        def resend(person: User) -> None:
            from charte.families.actions import resend_consent_invitation

            resend_consent_invitation(child=person, actor=person)

        return Waiting(
            message=_(
                "Ton compte attend l'accord de ton parent : nous lui avons écrit le %(date)s "
                "à %(address)s."
            )
            % {
                "date": date_format(emailed.created_at, "DATE_FORMAT"),
                "address": mask_address(emailed.email),
            },
            advice=_(
                "Demande-lui d'ouvrir ce message (il est peut-être dans les indésirables) et "
                "de donner son accord. Tu pourras alors te connecter."
            ),
            resend=resend,
            resend_label=_("Renvoyer le message à mon parent"),
        )
    return None
