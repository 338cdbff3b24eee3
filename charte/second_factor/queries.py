"""Reads about second factors: who must have one, who may, and what a person has."""

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from charte.accounts.models import STAFF_ROLES, Role, User
from charte.core.errors import NotFound
from charte.second_factor.models import Passkey, RecoveryCodeSet

# The operator's staff see children's data: a second factor before any of their pages.
REQUIRED_FOR = STAFF_ROLES
# Adults on the platform may turn one on. Pupils are not offered one: a lost phone would lock
# a child out of their schoolwork, and their guardians and teachers already answer for them.
OFFERED_TO = frozenset({*STAFF_ROLES, Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF})
# Who may reset another person's factors (never their own).
RESETTERS = frozenset({Role.DPO, Role.IT})


def required_for(user: User) -> bool:
    return user.role in REQUIRED_FOR


def offered_to(user: User) -> bool:
    return user.role in OFFERED_TO


@dataclass(frozen=True)
class Factors:
    totp: TOTPDevice | None
    passkeys: list[Passkey]
    recovery: RecoveryCodeSet | None
    recovery_left: int

    @property
    def any(self) -> bool:
        """A factor that verifies a sign-in by itself (recovery codes are the spare key)."""
        return self.totp is not None or bool(self.passkeys)


def factors_of(user: User) -> Factors:
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    passkeys = list(Passkey.objects.filter(user=user, confirmed=True).order_by("created_at"))
    recovery = RecoveryCodeSet.objects.filter(user=user, confirmed=True).first()
    left = recovery.unused().count() if recovery is not None else 0
    return Factors(totp=totp, passkeys=passkeys, recovery=recovery, recovery_left=left)


def has_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user, confirmed=True).exists()
    )


def access_second_factor(user: User) -> User:
    """The person's own second-factor pages exist only for those offered one."""
    if not offered_to(user):
        raise NotFound(_("Cette page n'existe pas."))
    return user


def access_totp_by_owner(*, owner: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=owner, confirmed=True).first()
    if device is None:
        raise NotFound(_("Aucune application n'est configurée."))
    return device


def access_turn_off(user: User) -> User:
    """Turning the second factor off is for those whose role does not require one."""
    if required_for(user):
        raise NotFound(_("Cette page n'existe pas."))
    return user


def access_reset(viewer: User) -> User:
    """The reset of other people's factors is for the DPO and IT alone."""
    if viewer.role not in RESETTERS:
        raise NotFound(_("Cette page n'existe pas."))
    return viewer


def access_person_to_reset(*, viewer: User, public_id: uuid.UUID | str) -> User:
    """A person whose factors `viewer` may reset: one who is offered a second factor."""
    access_reset(viewer)
    person = User.objects.filter(public_id=public_id).first()
    if person is None or not offered_to(person):
        raise NotFound(_("Ce compte n'existe pas."))
    return person


def access_passkey_by_owner(*, owner: User, public_id: uuid.UUID | str) -> Passkey:
    passkey = Passkey.objects.filter(public_id=public_id, user=owner).first()
    if passkey is None:
        raise NotFound(_("Cette clé d'accès n'existe pas."))
    return passkey


def privacy_section(viewer: User, person: User) -> dict[str, object] | None:
    """The privacy centre's "Double authentification" block, for the person themself."""
    if person.pk != viewer.pk or not offered_to(person):
        return None
    return {"factors": factors_of(person), "required": required_for(person)}
