"""Changes to accounts. Each one names its actor and writes its journal entry in its transaction."""

from datetime import date, datetime

from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import STAFF_ROLES, Role, User
from charte.audit import events
from charte.audit.journal import RequestMeta
from charte.core.actors import Actor, SystemActor
from charte.core.errors import ActionError, Conflict, NotFound


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
