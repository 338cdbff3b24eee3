"""Changes to second factors. Each names its actor and journals itself in its transaction.

Design: every factor is a django-otp `Device` of its owner. Adding or removing one, and every
use (passed, failed, a recovery code spent), is an `auth.*` journal entry with the request's
address; adding, removing and resetting also tell the person by email, so that a factor set up
by someone else with a stolen password does not go unnoticed. A person who must have a factor
(staff) can never remove their last one; only the DPO or IT can reset another person's
factors, never their own, and that ends the person's sessions.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from charte import audit
from charte.accounts.models import User
from charte.audit import events
from charte.audit.journal import RequestMeta
from charte.core.errors import ActionError, Conflict, NotFound
from charte.second_factor.models import (
    Passkey,
    RecoveryCode,
    RecoveryCodeSet,
    new_code,
)
from charte.second_factor.queries import RESETTERS, factors_of, offered_to, required_for

TOTP = "totp"
PASSKEY = "passkey"
RECOVERY = "recovery"


def _notify(person: User, change: str, method: str, actor: User) -> None:
    from charte.notifications.actions import notify

    notify(
        kind="second_factor.changed",
        person=person,
        actor=actor,
        context={"change": change, "method": method},
    )


# Setting up -----------------------------------------------------------------------------------


@transaction.atomic
def start_totp(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: a pending device, reused until it is confirmed.

    Not journalled: a pending device verifies nothing; `confirm_totp` journals the set-up.
    """
    if not offered_to(user):
        raise NotFound(_("Cette page n'existe pas."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    code_set = RecoveryCodeSet.objects.filter(user=user).first()
    if code_set is None:
        code_set = RecoveryCodeSet.objects.create(user=user, name="recovery")
    else:
        code_set.codes.all().delete()
        code_set.created_at = timezone.now()
        code_set.throttle_reset(commit=False)
        code_set.save()
    codes = [new_code() for _ in range(RecoveryCodeSet.COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(code_set=code_set, digest=code_set.digest(code)) for code in codes
    )
    return codes


def _first_recovery_codes(user: User, actor: User, meta: RequestMeta | None) -> list[str]:
    """Recovery codes come with the first factor; a second factor keeps the existing ones."""
    if RecoveryCodeSet.objects.filter(user=user).exists():
        return []
    codes = _new_recovery_codes(user)
    audit.record(
        event=events.RECOVERY_CODES_CREATED,
        actor=actor,
        subject=user,
        data={"count": len(codes)},
        meta=meta,
    )
    return codes


@transaction.atomic
def confirm_totp(
    *, device: TOTPDevice, code: str, actor: User, meta: RequestMeta | None = None
) -> list[str]:
    """Confirm the app with its first code; it replaces any previous app of the person.

    Returns the new recovery codes (none when the person already had some).
    """
    user = device.user
    if actor.pk != user.pk:
        raise NotFound(_("Cette page n'existe pas."))
    if device.confirmed:
        raise Conflict(_("Cette application est déjà configurée."))
    if not device.verify_token(code.strip().replace(" ", "")):
        raise ActionError(
            _(
                "Ce code ne correspond pas. Vérifiez que l'heure de votre téléphone est juste, "
                "puis tapez le code affiché en ce moment."
            ),
            code="wrong_code",
        )
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0] > 0
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    audit.record(
        event=events.SECOND_FACTOR_ADDED,
        actor=actor,
        subject=user,
        data={"method": TOTP, "replaced": replaced},
        meta=meta,
    )
    codes = _first_recovery_codes(user, actor, meta)
    _notify(user, "added", TOTP, actor)
    return codes


@transaction.atomic
def add_passkey(
    *,
    user: User,
    credential_id: bytes,
    public_key: bytes,
    sign_count: int,
    transports: list[str],
    name: str,
    actor: User,
    meta: RequestMeta | None = None,
) -> tuple[Passkey, list[str]]:
    """Keep a registered passkey's public key; returns it and any first recovery codes."""
    if actor.pk != user.pk or not offered_to(user):
        raise NotFound(_("Cette page n'existe pas."))
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise Conflict(_("Cette clé d'accès est déjà enregistrée."))
    passkey = Passkey.objects.create(
        user=user,
        name=(name.strip() or _("Clé d'accès"))[:64],
        credential_id=credential_id,
        public_key=public_key,
        sign_count=sign_count,
        transports=transports,
    )
    audit.record(
        event=events.SECOND_FACTOR_ADDED,
        actor=actor,
        subject=user,
        data={"method": PASSKEY, "passkey": str(passkey.public_id)},
        meta=meta,
    )
    codes = _first_recovery_codes(user, actor, meta)
    _notify(user, "added", PASSKEY, actor)
    return passkey, codes


@transaction.atomic
def renew_recovery_codes(*, user: User, actor: User, meta: RequestMeta | None = None) -> list[str]:
    """New recovery codes; the old ones stop working at once."""
    if actor.pk != user.pk or not factors_of(user).any:
        raise NotFound(_("Cette page n'existe pas."))
    codes = _new_recovery_codes(user)
    audit.record(
        event=events.RECOVERY_CODES_CREATED,
        actor=actor,
        subject=user,
        data={"count": len(codes), "renewed": True},
        meta=meta,
    )
    return codes


# Using -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The answer to a second-factor attempt: the device that passed, or why none did."""

    device: Device | None
    wait_until: datetime | None = None  # throttled: no code is even checked until then
    left: int | None = None  # recovery codes left after this one


def _throttled(device: Any) -> datetime | None:
    allowed, info = device.verify_is_allowed()
    return None if allowed else (info or {}).get("locked_until", timezone.now())


def check_totp(*, user: User, code: str, meta: RequestMeta | None = None) -> Outcome:
    """Check a code from the person's app (each code works once), and journal the attempt."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return Outcome(None)
        wait = _throttled(device)
        passed = wait is None and device.verify_token(code.strip().replace(" ", ""))
        _journal_attempt(user, TOTP, passed, wait, meta)
    return Outcome(device if passed else None, wait_until=wait)


def check_recovery_code(*, user: User, code: str, meta: RequestMeta | None = None) -> Outcome:
    """Spend one recovery code, and journal it (with how many are left)."""
    with transaction.atomic():
        code_set = (
            RecoveryCodeSet.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        if code_set is None:
            _journal_attempt(user, RECOVERY, False, None, meta)
            return Outcome(None)
        wait = _throttled(code_set)
        passed = wait is None and code_set.verify_token(code)
        if not passed:
            _journal_attempt(user, RECOVERY, False, wait, meta)
            return Outcome(None, wait_until=wait)
        left = code_set.unused().count()
        audit.record(
            event=events.RECOVERY_CODE_USED,
            actor=user,
            subject=user,
            data={"left": left},
            meta=meta,
        )
    return Outcome(code_set, left=left)


@transaction.atomic
def passkey_used(*, passkey: Passkey, sign_count: int, meta: RequestMeta | None = None) -> Passkey:
    Passkey.objects.filter(pk=passkey.pk).update(sign_count=sign_count, last_used_at=timezone.now())
    _journal_attempt(passkey.user, PASSKEY, True, None, meta)
    return passkey


def passkey_failed(*, user: User, meta: RequestMeta | None = None) -> None:
    _journal_attempt(user, PASSKEY, False, None, meta)


def _journal_attempt(
    user: User, method: str, passed: bool, wait: datetime | None, meta: RequestMeta | None
) -> None:
    data: dict[str, Any] = {"method": method}
    if wait is not None:
        data["throttled"] = True
    audit.record(
        event=events.SECOND_FACTOR_VERIFIED if passed else events.SECOND_FACTOR_FAILED,
        actor=user,
        subject=user,
        data=data,
        meta=meta,
    )


# Losing and resetting ---------------------------------------------------------------------------


def _refuse_last_required(user: User, *, removing: int) -> None:
    factors = factors_of(user)
    remaining = (factors.totp is not None) + len(factors.passkeys) - removing
    if required_for(user) and remaining < 1:
        raise Conflict(
            _(
                "Votre rôle demande un second facteur : ajoutez-en un autre avant de retirer "
                "celui-ci."
            )
        )


@transaction.atomic
def remove_totp(*, user: User, actor: User, meta: RequestMeta | None = None) -> None:
    if actor.pk != user.pk:
        raise NotFound(_("Cette page n'existe pas."))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise NotFound(_("Aucune application n'est configurée."))
    _refuse_last_required(user, removing=1)
    TOTPDevice.objects.filter(user=user).delete()
    _removed(user, TOTP, actor, meta)


@transaction.atomic
def remove_passkey(*, passkey: Passkey, actor: User, meta: RequestMeta | None = None) -> None:
    user = passkey.user
    if actor.pk != user.pk:
        raise NotFound(_("Cette clé d'accès n'existe pas."))
    _refuse_last_required(user, removing=1)
    public_id = str(passkey.public_id)
    passkey.delete()
    _removed(user, PASSKEY, actor, meta, passkey=public_id)


def _removed(user: User, method: str, actor: User, meta: RequestMeta | None, **data: str) -> None:
    audit.record(
        event=events.SECOND_FACTOR_REMOVED,
        actor=actor,
        subject=user,
        data={"method": method, **data},
        meta=meta,
    )
    if not factors_of(user).any:
        RecoveryCodeSet.objects.filter(user=user).delete()
    _notify(user, "removed", method, actor)


@transaction.atomic
def turn_off(*, user: User, actor: User, meta: RequestMeta | None = None) -> int:
    """A teacher or parent turns their second factor off: every factor and code goes."""
    if actor.pk != user.pk:
        raise NotFound(_("Cette page n'existe pas."))
    if required_for(user):
        raise Conflict(_("Votre rôle demande un second facteur : il ne peut pas être désactivé."))
    removed = _delete_all(user)
    if not removed:
        raise Conflict(_("La double authentification n'est pas activée."))
    audit.record(
        event=events.SECOND_FACTOR_REMOVED,
        actor=actor,
        subject=user,
        data={"method": "all", "factors": removed},
        meta=meta,
    )
    _notify(user, "removed", "all", actor)
    return removed


def _delete_all(user: User) -> int:
    removed = TOTPDevice.objects.filter(user=user, confirmed=True).count()
    removed += Passkey.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()
    RecoveryCodeSet.objects.filter(user=user).delete()
    return removed


@transaction.atomic
def reset_factors(*, person: User, actor: User, meta: RequestMeta | None = None) -> int:
    """The DPO or IT resets another person's factors (a lost phone): every factor and recovery
    code goes, the person's sessions end, and the person is told by email. Never one's own.
    """
    if actor.role not in RESETTERS:
        raise NotFound(_("Cette page n'existe pas."))
    if actor.pk == person.pk:
        raise ActionError(
            _(
                "Vous ne pouvez pas réinitialiser votre propre second facteur : demandez-le à "
                "un collègue du service informatique ou au délégué à la protection des données."
            ),
            code="own_factor",
        )
    removed = _delete_all(person)
    sessions = person.sessions.all().delete()[0]
    audit.record(
        event=events.SECOND_FACTOR_RESET,
        actor=actor,
        subject=person,
        data={"factors": removed, "sessions_ended": sessions},
        meta=meta,
    )
    _notify(person, "reset", "all", actor)
    return removed
