"""Changes to accounts. Each one names its actor and writes its journal entry in its transaction."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts import guardian_rule
from charte.accounts.models import STAFF_ROLES, Guardianship, Role, Session, User
from charte.accounts.queries import guardians_of
from charte.audit import events
from charte.audit.journal import RequestMeta
from charte.core import notices
from charte.core.actors import GUARD, Actor, SystemActor
from charte.core.errors import ActionError, Conflict, NotFound
from charte.privacy import processing


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip()
    return BaseUserManager.normalize_email(email).lower() if email else None


@transaction.atomic
def create_account(
    *,
    actor: Actor,
    role: Role | str,
    first_name: str,
    last_name: str = "",
    email: str | None = None,
    username: str | None = None,
    password: str | None = None,
    birth_date: date | None = None,
    country: str = "FR",
    phone: str = "",
    language: str = "fr",
    is_active: bool = True,
) -> User:
    """Create an account. A pupil may have a username instead of an email address."""
    role = Role(role)
    email = normalise_email(email)
    username = (username or "").strip().lower() or None
    if email is None and username is None:
        raise ActionError(_("Un compte a besoin d'une adresse e-mail ou d'un identifiant."))
    if email is not None and User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("Un compte utilise déjà cette adresse e-mail."))
    if username is not None and User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("Cet identifiant est déjà pris."))
    user = User(
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        username=username,
        birth_date=birth_date,
        country=country.upper(),
        phone=phone.strip(),
        language=language,
        is_active=is_active,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up took the same login
        raise Conflict(
            _("Un compte utilise déjà cette adresse e-mail ou cet identifiant.")
        ) from exc
    audit.record(event="account.created", actor=actor, subject=user, data={"role": role.value})
    return user


@transaction.atomic
def change_password(
    *,
    user: User,
    password: str,
    actor: Actor,
    reason: str = "change",
    meta: RequestMeta | None = None,
    keep_session: str | None = None,
) -> User:
    """Set a new password (`reason`: "change" by the person, "reset" through an emailed link).

    Every session of the account ends, except `keep_session` (the one the person changed it
    from): whoever was signed in elsewhere, with the old password, is signed in no more.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(event=f"auth.password_{reason}", actor=actor, subject=user, meta=meta)
    end_sessions(user=user, actor=actor, reason=f"password_{reason}", keep=keep_session)
    return user


@transaction.atomic
def change_role(
    *, user: User, role: Role | str, actor: Actor, meta: RequestMeta | None = None
) -> User:
    """Give an account another role: a change of privileges, journalled as such.

    Only the IT service (or a system job at an operator's command) changes roles, and never its
    own: nobody grants themselves privileges. A move to or between staff roles raises an alert
    to IT and the DPO (charte.audit.watch).
    """
    role = Role(role)
    if not isinstance(actor, SystemActor) and (
        getattr(actor, "role", None) != Role.IT or actor.pk == user.pk
    ):
        raise NotFound(_("Ce compte n'existe pas, ou vous ne pouvez pas le modifier."))
    previous = Role(user.role)
    if previous == role:
        raise Conflict(_("Ce compte a déjà ce rôle."))
    change = guardian_rule.check(
        person=user, actor=actor, changes={"role": role}, day=timezone.localdate()
    )
    assert change is not None
    user.role = role
    user._guardian_fields_allowed = change.fields
    user.save(update_fields=["role"])
    user.refresh_from_db(fields=["role", "is_staff"])
    audit.record(
        event=events.ROLE_CHANGED,
        actor=actor,
        subject=user,
        data={"from": previous.value, "to": role.value, "staff": role in STAFF_ROLES},
        meta=meta,
    )
    return user


def record_activity(*, user: User, at: datetime) -> None:
    """Stamp the person's last click (charter: "last activity").

    Not journalled: the journal records sign-ins and actions; a stamp every few minutes would
    only repeat them. Written as one UPDATE, at most once per resolution period per session.
    """
    User.objects.filter(pk=user.pk).update(last_seen_at=at)
    user.last_seen_at = at


@transaction.atomic
def propose_guardianship(*, child: User, guardian: User, actor: Actor) -> Guardianship:
    """Link a guardian to a child. The link is confirmed only when the guardian acts themself.

    A parent creating their child's account is confirmed at once; a second guardian named by
    the first, or a school, stays pending until that guardian confirms.
    """
    if child.role != Role.PUPIL:
        raise ActionError(_("Seul un élève peut avoir un responsable légal sur la plateforme."))
    if guardian.role != Role.PARENT:
        raise ActionError(_("Un responsable légal doit avoir un compte parent."))
    if Guardianship.objects.filter(child=child, guardian=guardian).exists():
        raise Conflict(_("Ce responsable est déjà lié à cet enfant."))
    if Guardianship.objects.filter(child=child).count() >= Guardianship.MAX_PER_CHILD:
        raise Conflict(_("Un enfant a au plus deux responsables légaux sur la plateforme."))
    by_guardian = isinstance(actor, User) and actor.pk == guardian.pk
    link = Guardianship.objects.create(
        guardian=guardian,
        child=child,
        status=Guardianship.Status.CONFIRMED if by_guardian else Guardianship.Status.PENDING,
        confirmed_at=timezone.now() if by_guardian else None,
    )
    audit.record(
        event="guardianship.proposed",
        actor=actor,
        subject=child,
        data={"guardianship": str(link.public_id), "confirmed": by_guardian},
    )
    return link


@transaction.atomic
def confirm_guardianship(*, guardianship: Guardianship, actor: Actor) -> Guardianship:
    """The guardian confirms the link; nobody else can."""
    if not (isinstance(actor, User) and actor.pk == guardianship.guardian_id):
        raise ActionError(_("Seul le responsable légal lui-même peut confirmer ce lien."))
    if guardianship.status == Guardianship.Status.CONFIRMED:
        raise Conflict(_("Ce lien est déjà confirmé."))
    guardianship.status = Guardianship.Status.CONFIRMED
    guardianship.confirmed_at = timezone.now()
    guardianship.save(update_fields=["status", "confirmed_at"])
    audit.record(
        event="guardianship.confirmed",
        actor=actor,
        subject=guardianship.child,
        data={"guardianship": str(guardianship.public_id)},
    )
    return guardianship


@transaction.atomic
def end_guardianship(*, guardianship: Guardianship, actor: Actor) -> None:
    """Remove a link (a guardian steps back, or staff correct an error)."""
    audit.record(
        event="guardianship.ended",
        actor=actor,
        subject=guardianship.child,
        data={"guardianship": str(guardianship.public_id)},
    )
    guardianship.delete()


@transaction.atomic
def set_active(*, person: User, active: bool, actor: Actor, reason: str) -> User:
    """Open or close an account. Closing ends its sessions at once: nothing runs for it any more.

    `reason` is a code for the journal ("guardian_consent", "consent_withdrawn", ...).
    """
    if person.is_active == active:
        return person
    person.is_active = active
    person.save(update_fields=["is_active"])
    if not active:
        person.sessions.all().delete()
    audit.record(
        event="account.activated" if active else "account.deactivated",
        actor=actor,
        subject=person,
        data={"reason": reason},
    )
    return person


@transaction.atomic
def rename(*, person: User, first_name: str, last_name: str, actor: Actor) -> User:
    """Correct a person's name (themself, or a guardian for their child).

    Frozen while a restriction holds (GDPR art. 18: the data is kept as it is while its
    accuracy is examined), except for whoever may lift it.
    """
    processing.require_edit_allowed(person, actor)
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name:
        raise ActionError(_("Le prénom est obligatoire."))
    person.first_name, person.last_name = first_name[:80], last_name[:80]
    person.save(update_fields=["first_name", "last_name"])
    audit.record(event="account.renamed", actor=actor, subject=person)
    return person


GUARDIAN_FIELDS_CHANGED = "account.guardian_fields_changed"


@transaction.atomic
def change_guardian_fields(
    *,
    person: User,
    actor: Actor,
    changes: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
) -> guardian_rule.Change | None:
    """Change the birth date or country of `person`, as `guardian_rule` allows `actor` to.

    The one way these fields change (the role changes through `change_role`). Journals what
    the change means for parental control, never the values; tells every confirmed guardian
    by email when the person needs a guardian before or after; closes the account of a person
    the change puts under a guardian when none is on record (as when a child signs up alone:
    it waits for a guardian's consent). Returns None when nothing changes.
    """
    processing.require_edit_allowed(person, actor)
    if "role" in changes:
        raise guardian_rule.GuardianRuleError(_("Le rôle d'un compte ne se modifie pas ici."))
    locked = User.objects.select_for_update().get(pk=person.pk)
    change = guardian_rule.check(
        person=locked, actor=actor, changes=changes, day=timezone.localdate()
    )
    if change is None:
        return None
    for name, value in change.values.items():
        field = User._meta.get_field(name)
        try:
            field.clean(value, locked)  # type: ignore[union-attr]
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages)) from exc
        if name == "country" and not re.fullmatch(r"[A-Z]{2}", value):
            raise ActionError(_("Un pays s'écrit avec son code de deux lettres, comme FR."))
        if name == "birth_date" and value is not None and value > timezone.localdate():
            raise ActionError(_("Une date de naissance ne peut pas être dans le futur."))
        setattr(locked, name, value)
    locked._guardian_fields_allowed = change.fields
    locked.save(update_fields=list(change.fields))
    for name in change.fields:
        setattr(person, name, getattr(locked, name))
    person._remember_guardian_fields(only=change.fields)
    audit.record(
        event=GUARDIAN_FIELDS_CHANGED,
        actor=actor,
        subject=person,
        data={**change.journal_data(), **(data or {})},
    )
    if change.guardian_after and not change.guardian_before and not guardians_of(person).exists():
        set_active(person=person, active=False, actor=actor, reason="guardian_needed")
    if change.concerns_a_child:
        notices.sender().notify(
            kind=GUARDIAN_FIELDS_CHANGED,
            person=person,
            actor=actor,
            context={
                "fields": list(change.fields),
                "by": change.by.value,
                "actor_name": actor.get_full_name() if isinstance(actor, User) else "",
                "actor_id": actor.pk if isinstance(actor, User) else None,
                "guardian_before": change.guardian_before,
                "guardian_after": change.guardian_after,
                "consent_age": change.consent_age_after,
            },
        )
    return change


# Sessions, the sign-in address and its confirmation -------------------------------------------
#
# Design: the sign-in address is how an account is recovered (a password reset goes there), so
# whoever changes it owns the account. A change therefore needs the current password (checked
# by the form, as every password re-entry), takes effect only once a link sent to the new
# address is followed, and is told at once to the current address with a link that cancels it
# for a week, even after it went through: cancelling puts the old address back, ends every
# session and disables the password, which only a reset through the old address sets again.
# Changing the password or the address ends the account's other sessions. The links carry no
# table (`charte.accounts.tokens`); the journal holds no address, only that a change happened.


@transaction.atomic
def end_sessions(
    *,
    user: User,
    actor: Actor,
    reason: str,
    keep: str | None = None,
    meta: RequestMeta | None = None,
) -> int:
    """End every session of `user` except `keep` (a session key); journalled when any ended."""
    sessions = Session.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    count, _by_model = sessions.delete()
    if count:
        audit.record(
            event=events.SESSIONS_ENDED,
            actor=actor,
            subject=user,
            data={"reason": reason, "count": count, "kept_current": bool(keep)},
            meta=meta,
        )
    return count


def _only_themself(person: User, actor: Actor) -> None:
    """The sign-in address is changed by its holder only, never by a guardian or a job."""
    if not (isinstance(actor, User) and actor.pk == person.pk):
        raise NotFound(_("Ce compte n'existe pas, ou vous ne pouvez pas le modifier."))
    if person.needs_guardian(timezone.localdate()):
        raise ActionError(
            _("Un enfant n'a pas d'adresse e-mail sur la plateforme : ses parents sont contactés.")
        )


@transaction.atomic
def request_email_change(
    *, person: User, new_email: str, actor: Actor, meta: RequestMeta | None = None
) -> None:
    """Send a confirmation link to `new_email` and tell the current address, with a cancel link.

    Nothing changes yet. An address already used by another account gets no link: its holder
    is told that someone tried to use it, and the person sees the same answer as for a free
    address, so that the form does not tell which addresses have an account.
    """
    from charte.accounts import tokens

    _only_themself(person, actor)
    processing.require_edit_allowed(person, actor)
    new = normalise_email(new_email)
    if new is None:
        raise ActionError(_("Indiquez la nouvelle adresse e-mail."))
    if new == (person.email or "").lower():
        raise ActionError(_("C'est déjà l'adresse de votre compte."))
    audit.record(event=events.EMAIL_CHANGE_REQUESTED, actor=actor, subject=person, meta=meta)
    holder = User.objects.filter(email__iexact=new).exclude(pk=person.pk).first()
    if holder is not None:
        notices.sender().notify(
            kind="accounts.address_in_use",
            person=holder,
            actor=GUARD,
            context={"attempt": "email_change", **tokens.recovery_urls()},
        )
    else:
        notices.sender().notify_own_address(
            kind="accounts.email_change_confirm",
            person=person,
            address=new,
            actor=actor,
            context={
                "url": tokens.email_change_url(person, new),
                "new_email": new,
                "hours": int(tokens.EMAIL_CHANGE_VALIDITY.total_seconds() // 3600),
            },
        )
    if person.email:
        notices.sender().notify(
            kind="accounts.email_change_requested",
            person=person,
            actor=actor,
            context={
                "new_email": new,
                "cancel_url": tokens.cancel_url(person, old=person.email, new=new),
                "days": tokens.CANCEL_VALIDITY.days,
            },
        )


@transaction.atomic
def confirm_email_change(
    *,
    person: User,
    new_email: str,
    actor: Actor,
    keep_session: str | None = None,
    meta: RequestMeta | None = None,
) -> str | None:
    """The new address's link was followed: it becomes the sign-in address. Returns the old one.

    Every other session ends (`keep_session`, the person's own in this browser, stays), and the
    old address is told, with the link that cancels the change.
    """
    from charte.accounts import tokens

    person = User.objects.select_for_update().get(pk=person.pk)
    new = normalise_email(new_email)
    if new is None or person.needs_guardian(timezone.localdate()):
        raise ActionError(_("Ce lien ne peut pas servir."))
    if User.objects.filter(email__iexact=new).exclude(pk=person.pk).exists():
        raise Conflict(_("Cette adresse est désormais celle d'un autre compte."))
    old = person.email
    person.email = new
    try:
        with transaction.atomic():
            person.save(update_fields=["email"])
    except IntegrityError as exc:  # taken at the same moment by a sign-up
        raise Conflict(_("Cette adresse est désormais celle d'un autre compte.")) from exc
    audit.record(event=events.EMAIL_CHANGED, actor=actor, subject=person, meta=meta)
    end_sessions(user=person, actor=actor, reason="email_changed", keep=keep_session, meta=meta)
    if old:
        notices.sender().notify_own_address(
            kind="accounts.email_changed",
            person=person,
            address=old,
            actor=actor,
            context={
                "new_email": new,
                "cancel_url": tokens.cancel_url(person, old=old, new=new),
                "days": tokens.CANCEL_VALIDITY.days,
            },
        )
    return old


@transaction.atomic
def cancel_email_change(
    *,
    person: User,
    old_email: str,
    actor: Actor,
    meta: RequestMeta | None = None,
) -> bool:
    """The old address refuses a change: it is the sign-in address again; returns whether it
    had to be put back. Every session ends and the password no longer works: whoever asked
    for the change knew it. A reset, sent to the old address, sets a new one."""
    person = User.objects.select_for_update().get(pk=person.pk)
    old = normalise_email(old_email)
    if old is None:
        raise ActionError(_("Ce lien ne peut pas servir."))
    restored = (person.email or "").lower() != old
    if restored:
        if User.objects.filter(email__iexact=old).exclude(pk=person.pk).exists():
            raise Conflict(
                _(
                    "Votre ancienne adresse est désormais celle d'un autre compte : écrivez à "
                    "notre service client pour retrouver le vôtre."
                )
            )
        person.email = old
    person.set_unusable_password()
    person.save(update_fields=["email", "password"])
    audit.record(
        event=events.EMAIL_CHANGE_CANCELLED,
        actor=actor,
        subject=person,
        data={"restored": restored},
        meta=meta,
    )
    end_sessions(user=person, actor=actor, reason="email_change_cancelled", meta=meta)
    return restored


@transaction.atomic
def confirm_sign_up(*, person: User, actor: Actor, meta: RequestMeta | None = None) -> User:
    """A new account's address is confirmed: the account opens, and a welcome email follows."""

    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise Conflict(_("Ce compte est déjà ouvert."))
    set_active(person=person, active=True, actor=actor, reason="email_confirmed")
    audit.record(event=events.SIGN_UP_CONFIRMED, actor=actor, subject=person, meta=meta)
    notices.sender().notify(
        kind="accounts.welcome",
        person=person,
        actor=actor,
        context={"login_url": settings.SITE_URL + reverse("accounts:login")},
    )
    return person


@transaction.atomic
def resend_sign_up_link(*, person: User, actor: Actor, meta: RequestMeta | None = None) -> None:
    """Send a new account's confirmation link again (asked for after its right password)."""
    from charte.accounts import tokens
    from charte.accounts.queries import awaiting_confirmation

    if not awaiting_confirmation(person):
        raise Conflict(_("Ce compte est déjà ouvert."))
    audit.record(event=events.SIGN_UP_LINK_RESENT, actor=actor, subject=person, meta=meta)
    notices.sender().notify(
        kind="accounts.sign_up_confirm",
        person=person,
        actor=actor,
        context={"url": tokens.sign_up_url(person), "days": tokens.SIGN_UP_VALIDITY.days},
    )


@transaction.atomic
def end_session(
    *, session: Session, actor: User, meta: RequestMeta | None = None, device: str = ""
) -> None:
    """Sign out one of the person's sessions from another ("Mes appareils")."""
    if session.user_id != actor.pk:
        raise NotFound(_("Cette session n'existe pas, ou elle est déjà fermée."))
    session.delete()
    audit.record(
        event=events.SESSION_ENDED,
        actor=actor,
        subject=actor,
        data={"device": device[:40]} if device else {},
        meta=meta,
    )


@transaction.atomic
def end_other_sessions(
    *, user: User, keep: str, actor: User, meta: RequestMeta | None = None
) -> int:
    """Sign out everywhere but here ("Mes appareils"); returns how many sessions were closed."""
    if actor.pk != user.pk:
        raise NotFound(_("Cette page n'existe pas."))
    return end_sessions(
        user=user, actor=actor, reason="signed_out_elsewhere", keep=keep or None, meta=meta
    )
