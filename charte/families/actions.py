"""Changes to families: children's accounts made by a parent or by the child, and invitations.

Design: a child under the age of digital consent who signs up alone gets an account that is
closed and holds only what is needed to reach their guardian (a first name, a login, a birth
date, a country, and the guardian's address on the invitation) until a guardian, following
the signed link, signs in, reads the purposes and consents; without that in 14 days, the
account and all about it are erased (`tasks.erase_unconfirmed_children`). A parent who creates
their child's account consents right there, so the account is open at once. Nobody becomes
a child's guardian without confirming it themself.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts.models import Guardianship, Role, User
from charte.audit.journal import RequestMeta
from charte.consent import actions as consent
from charte.consent.models import Act, Channel, Verification
from charte.consent.purposes import purposes_for
from charte.consent.queries import latest_records
from charte.core.actors import Actor
from charte.core.errors import ActionError, Conflict
from charte.families import progress, queries
from charte.families.models import Invitation
from charte.families.tokens import (
    display_letter_code,
    invitation_url,
    letter_digest,
    new_letter_code,
)
from charte.notifications.actions import notify
from charte.privacy import processing

# The invitations a closed child's account waits on: a parent's consent opens it.
WAITING_KINDS = frozenset({Invitation.Kind.CONSENT, Invitation.Kind.LETTER})


def _invite(
    *, kind: str, child: User, email: str, invited_by: User | None, actor: Actor
) -> Invitation:
    email = accounts.normalise_email(email) or ""
    if not email:
        raise ActionError(_("Indiquez l'adresse e-mail du responsable légal."))
    if child.email and email == child.email.lower():
        raise ActionError(_("Cette adresse est celle de l'enfant : indiquez celle d'un parent."))
    invitation = Invitation.objects.create(
        kind=kind,
        child=child,
        email=email,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=Invitation.VALID_DAYS),
    )
    audit.record(
        event="families.invitation_sent",
        actor=actor,
        subject=child,
        data={"invitation": str(invitation.public_id), "kind": kind},
    )
    notify(
        kind=f"families.{kind}_invitation",
        person=child,
        actor=actor,
        address=email,
        context={
            "url": invitation_url(invitation),
            "inviter": invited_by.first_name if invited_by else "",
            "days": Invitation.VALID_DAYS,
        },
    )
    return invitation


@transaction.atomic
def sign_up_pupil(
    *,
    actor: Actor,
    first_name: str,
    birth_date: date,
    country: str,
    username: str,
    password: str,
    guardian_email: str = "",
    email: str = "",
    language: str = "fr",
) -> User:
    """A pupil signs up alone. Under the age of consent: a closed account and an invitation."""
    probe = User(role=Role.PUPIL, birth_date=birth_date, country=country)
    child = probe.needs_guardian(timezone.localdate())
    if child and not guardian_email.strip():
        raise ActionError(
            _("Indique l'adresse e-mail de ton parent : c'est lui qui doit accepter.")
        )
    person = accounts.create_account(
        actor=actor,
        role=Role.PUPIL,
        first_name=first_name,
        username=username,
        # Under the age, nothing beyond what reaches the guardian: no address of the child's own.
        email=None if child else (email or None),
        password=password,
        birth_date=birth_date,
        country=country,
        language=language,
        is_active=not child,
    )
    if child:
        _invite(
            kind=Invitation.Kind.CONSENT,
            child=person,
            email=guardian_email,
            invited_by=None,
            actor=actor,
        )
    return person


@transaction.atomic
def create_child(
    *,
    parent: User,
    first_name: str,
    last_name: str,
    birth_date: date,
    username: str,
    password: str,
    choices: dict[str, bool],
    texts: dict[str, str],
    language: str = "fr",
    email: str = "",
    meta: RequestMeta | None = None,
) -> User:
    """A parent creates their child's account, is its guardian, and consents right there."""
    if parent.role != Role.PARENT:
        raise ActionError(_("Seul un compte parent peut créer le compte d'un enfant."))
    probe = User(role=Role.PUPIL, birth_date=birth_date, country=parent.country)
    needs_guardian = probe.needs_guardian(timezone.localdate())
    child = accounts.create_account(
        actor=parent,
        role=Role.PUPIL,
        first_name=first_name,
        last_name=last_name,
        username=username,
        email=None if needs_guardian else (email or None),
        password=password,
        birth_date=birth_date,
        country=parent.country,
        language=language,
        is_active=True,
    )
    accounts.propose_guardianship(child=child, guardian=parent, actor=parent)
    if needs_guardian:
        consent.record_choices(
            person=child,
            choices=choices,
            actor=parent,
            channel=Channel.FAMILY,
            language=language,
            texts=texts,
            meta=meta,
        )
        _require_account_consent(child)
    return child


def _require_account_consent(child: User) -> None:
    """Every purpose the account needs has a guardian's consent (the account may be closed)."""
    latest = latest_records(child)
    missing = [
        p
        for p in purposes_for(child)
        if not p.separable and (p.code not in latest or latest[p.code].act != Act.GIVEN)
    ]
    if missing:
        raise ActionError(
            _("Sans votre accord pour ce qui est nécessaire au compte, il ne peut pas être créé.")
        )


@transaction.atomic
def invite_guardian(*, child: User, inviter: User, email: str) -> Invitation:
    """The child's guardian invites the other holder of parental authority to join."""
    email = accounts.normalise_email(email) or ""
    if email and email == (inviter.email or "").lower():
        raise ActionError(_("C'est votre propre adresse : indiquez celle de l'autre parent."))
    links = Guardianship.objects.filter(child=child).count()
    pending = Invitation.objects.open().filter(child=child, kind=Invitation.Kind.GUARDIAN).count()
    if links + pending >= Guardianship.MAX_PER_CHILD:
        raise Conflict(_("Un enfant a au plus deux responsables légaux sur la plateforme."))
    if Guardianship.objects.filter(child=child, guardian__email__iexact=email).exists():
        raise Conflict(_("Cette personne est déjà responsable de cet enfant."))
    return _invite(
        kind=Invitation.Kind.GUARDIAN, child=child, email=email, invited_by=inviter, actor=inviter
    )


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    guardian: User,
    choices: dict[str, bool] | None = None,
    texts: dict[str, str] | None = None,
    language: str = "fr",
    meta: RequestMeta | None = None,
) -> Invitation:
    """The invited guardian confirms the link themself and, for a waiting account, consents."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise Conflict(_("Cette invitation a déjà servi ou a expiré."))
    if guardian.role != Role.PARENT:
        raise ActionError(_("Pour répondre, connectez-vous avec un compte parent."))
    child = invitation.child
    link = Guardianship.objects.filter(child=child, guardian=guardian).first()
    if link is None:
        accounts.propose_guardianship(child=child, guardian=guardian, actor=guardian)
    elif link.status == Guardianship.Status.PENDING:
        accounts.confirm_guardianship(guardianship=link, actor=guardian)
    if invitation.kind in WAITING_KINDS:
        letter = invitation.kind == Invitation.Kind.LETTER
        consent.record_choices(
            person=child,
            choices=choices or {},
            actor=guardian,
            channel=Channel.GUARDIAN_LINK,
            language=language,
            texts=texts,
            meta=meta,
            # The school's letter reached the parent through the child's school: the stronger check.
            verification=Verification.SCHOOL_LETTER if letter else None,
        )
        _require_account_consent(child)
        accounts.set_active(person=child, active=True, actor=guardian, reason="guardian_consent")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = guardian
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        event="families.invitation_accepted",
        actor=guardian,
        subject=child,
        data={"invitation": str(invitation.public_id), "kind": invitation.kind},
        meta=meta,
    )
    return invitation


@transaction.atomic
def cancel_invitation(*, invitation: Invitation, actor: User) -> None:
    audit.record(
        event="families.invitation_cancelled",
        actor=actor,
        subject=invitation.child,
        data={"invitation": str(invitation.public_id)},
    )
    invitation.delete()


@transaction.atomic
def set_child_password(*, child: User, password: str, actor: User) -> User:
    """A guardian chooses a new password for their child (who has no address to reset it)."""
    return accounts.change_password(
        user=child, password=password, actor=actor, reason="set_by_guardian"
    )


@transaction.atomic
def rename_child(*, child: User, first_name: str, last_name: str, actor: User) -> User:
    return accounts.rename(person=child, first_name=first_name, last_name=last_name, actor=actor)


@transaction.atomic
def correct_child_facts(*, child: User, birth_date: date, country: str, actor: User) -> list[str]:
    """A guardian corrects their child's birth date or country; the other guardian is told.

    Through `accounts.change_guardian_fields`, the one action that checks who may change what
    decides parental control; returns the fields that changed.
    """
    change = accounts.change_guardian_fields(
        person=child, actor=actor, changes={"birth_date": birth_date, "country": country}
    )
    return list(change.fields) if change else []


@transaction.atomic
def remove_child(*, child: User, actor: User) -> None:
    """A guardian removes their child's account: their consent ends and the account closes.

    Its data goes to erasure after the notice period of the register, like any withdrawal. A
    child old enough to consent keeps their own account: the guardian only stops managing it.
    """
    if child.needs_guardian(timezone.localdate()):
        consent.withdraw_for_child(child=child, actor=actor, channel=Channel.PRIVACY_CENTRE)
        return
    link = Guardianship.objects.get(child=child, guardian=actor)
    accounts.end_guardianship(guardianship=link, actor=actor)


@transaction.atomic
def erase_unconfirmed_child(*, child: User, actor: Actor) -> None:
    """Erase a child's account that no guardian confirmed: the account and all about it.

    The journal records that one such account went, and never whose: no reference, no name.
    """
    consent.erase_account(person=child, actor=actor, reason="unconfirmed_child")
    audit.record(
        event="families.unconfirmed_child_erased",
        actor=actor,
        data={"count": 1, "after_days": queries.unconfirmed_child_days()},
    )


@transaction.atomic
def delete_expired_invitations(*, actor: Actor, now: datetime | None = None) -> int:
    count, _by_model = Invitation.objects.filter(expires_at__lt=now or timezone.now()).delete()
    if count:
        audit.record(event="families.invitations_expired", actor=actor, data={"count": count})
    return count


# Letters, resending and refusing ----------------------------------------------------------------
#
# Design: a school brings in a child under the age of digital consent with what its registry
# holds (names, birth date, class); the account stays closed and holds nothing else until a
# parent consents (D3). The school cannot reach the parent by email (D4: the child is reached
# through the parent, and the school's list carries no address), so it prints a letter: the
# parent signs in or creates an account, types the letter's code and consents as with an
# emailed invitation. A code is random, kept as a keyed hash, works once, expires, and
# printing a new letter replaces the previous one. Whoever holds an invitation (the link or
# the letter) may also refuse it: a pending child's account then goes at once, with all
# about it, through the erasure engine.


@transaction.atomic
def issue_letter(*, child: User, actor: User) -> str:
    """A new letter code for a closed child's account; returns the code, shown once (printed).

    Replaces the child's earlier letters: only the latest printed code works.
    """
    if child.role != Role.PUPIL or child.is_active:
        raise ActionError(_("Seul le compte d'un élève en attente d'un parent a une lettre."))
    Invitation.objects.filter(
        child=child, kind=Invitation.Kind.LETTER, accepted_at__isnull=True
    ).delete()
    code = new_letter_code()
    invitation = Invitation.objects.create(
        kind=Invitation.Kind.LETTER,
        child=child,
        email="",
        code_digest=letter_digest(code),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=Invitation.LETTER_VALID_DAYS),
    )
    audit.record(
        event="families.letter_issued",
        actor=actor,
        subject=child,
        data={"invitation": str(invitation.public_id)},
    )
    return display_letter_code(code)


@transaction.atomic
def resend_consent_invitation(*, child: User, actor: Actor) -> Invitation:
    """Send the parent's invitation of a waiting child again, to the same address."""
    invitation = (
        Invitation.objects.open()
        .select_for_update()
        .filter(child=child, kind=Invitation.Kind.CONSENT)
        .order_by("-created_at")
        .first()
    )
    if invitation is None or child.is_active:
        raise Conflict(_("Aucune invitation n'attend de réponse pour ce compte."))
    invitation.expires_at = timezone.now() + timedelta(days=Invitation.VALID_DAYS)
    invitation.save(update_fields=["expires_at"])
    audit.record(
        event="families.invitation_resent",
        actor=actor,
        subject=child,
        data={"invitation": str(invitation.public_id)},
    )
    notify(
        kind="families.consent_invitation",
        person=child,
        actor=actor,
        address=invitation.email,
        context={"url": invitation_url(invitation), "inviter": "", "days": Invitation.VALID_DAYS},
    )
    return invitation


@transaction.atomic
def refuse_invitation(*, invitation: Invitation, actor: Actor) -> bool:
    """Whoever holds an invitation says no ("Refuser", "Ce n'est pas mon enfant").

    A child's account waiting on it (closed, never consented for) goes at once with all about
    it, through the erasure engine; the journal counts it and does not name the child. Any
    other invitation is withdrawn and journalled. Returns whether an account was erased.
    """
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None or not locked.is_open:
        raise Conflict(_("Cette invitation a déjà servi ou a expiré."))
    invitation = locked
    child = invitation.child
    pending = invitation.kind in WAITING_KINDS and not child.is_active and not latest_records(child)
    if not pending:
        audit.record(
            event="families.invitation_refused",
            actor=actor,
            subject=child,
            data={"invitation": str(invitation.public_id), "kind": invitation.kind},
        )
        invitation.delete()
        return False
    kind = invitation.kind
    consent.erase_account(person=child, actor=actor, reason="refused_by_parent")
    audit.record(
        event="families.pending_child_erased",
        actor=actor,
        data={"count": 1, "kind": kind},
    )
    return True


def record_wrong_letter_code(*, actor: User) -> None:
    """A code that names no open letter: journalled (the rate limit stops guessing)."""
    audit.record(event="families.letter_code_refused", actor=actor, subject=actor)


@transaction.atomic
def send_weekly_progress(*, child: User, week: "progress.Week", actor: Actor) -> int:
    """Send `child`'s `week` to the guardians who asked for it; how many copies were queued.

    A week already sent for this child is not sent again, so the job may run any number of
    times (the child's row is locked meanwhile, so that two runs do not both send it). A child
    whose data may not be used for this (a restriction, an objection) is left out.
    """
    User.objects.select_for_update().filter(pk=child.pk).first()
    if progress.already_sent(child, week) or not processing.allowed(child, progress.PURPOSE):
        return 0
    summary = progress.week_summary(child, week)
    messages = notify(
        kind=progress.KIND,
        person=child,
        actor=actor,
        context={"summary": summary, "week": week},
        campaign=week.campaign,
    )
    if messages:
        audit.record(
            event="families.weekly_progress_sent",
            actor=actor,
            subject=child,
            data={"week": week.key, "messages": len(messages)},
        )
    return len(messages)
