"""Changes to accounts. Each one names its actor and writes its journal entry in its transaction."""

from datetime import date, datetime

from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import STAFF_ROLES, Guardianship, Role, Session, User
from charte.audit import events
from charte.audit.journal import RequestMeta
from charte.core.actors import Actor, SystemActor
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
) -> User:
    """Set a new password (`reason`: "change" by the person, "reset" through an emailed link)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(event=f"auth.password_{reason}", actor=actor, subject=user, meta=meta)
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
    User.objects.filter(pk=user.pk).update(role=role)
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
    """Sign out everywhere but here; returns how many sessions were closed."""
    if actor.pk != user.pk:
        raise NotFound(_("Cette page n'existe pas."))
    ended = user.sessions.exclude(session_key=keep).delete()[0]
    audit.record(
        event=events.OTHER_SESSIONS_ENDED,
        actor=actor,
        subject=user,
        data={"sessions": ended},
        meta=meta,
    )
    return ended
