"""Erasure of a child's account once the notice period after a guardian's withdrawal is over.

Design: withdrawing the consent an account cannot work without closes the account at once
(`actions.record_choices`); its data stays, untouched and unprocessed, for the notice period
of the register (rule "consent_withdrawn"), so that the family can take a copy or change its
mind, and is then erased by this daily job. Each account is erased in its own transaction, so
that a failure leaves the others done and the next run tries again. The journal says how many
accounts went, never whose.

The erasure itself is `actions.erase_account`: the registry's erasure engine when it is
installed, else the deletion of the account.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from charte import audit
from charte.accounts import tokens as account_tokens
from charte.accounts.models import Role, User
from charte.accounts.queries import unconfirmed_sign_ups
from charte.consent.actions import (
    erase_account,
    erase_unconfirmed_sign_up,
    tell_charter_change_batch,
)
from charte.consent.models import Act, CharterVersion, ConsentRecord
from charte.core.actors import RETENTION, SystemActor, person_ref
from charte.privacy import register

BATCH = 200


def notice_period() -> timedelta:
    rule = register.RETENTION_BY_CODE["consent_withdrawn"]
    return timedelta(days=rule.years * 365 + rule.months * 31 + rule.days)


def accounts_due(*, now: datetime | None = None) -> list[User]:
    """Closed pupils' accounts whose latest act on the account's consent is an old withdrawal.

    Closed accounts are few (those waiting for a guardian, or for this job), so they are
    looked at one by one.
    """
    cutoff = (now or timezone.now()) - notice_period()
    due = []
    for person in User.objects.filter(role=Role.PUPIL, is_active=False).order_by("pk"):
        last = (
            ConsentRecord.objects.filter(subject_ref=person_ref(person), purpose="account")
            .order_by("-id")
            .first()
        )
        if last is not None and last.act == Act.WITHDRAWN and last.at < cutoff:
            due.append(person)
        if len(due) >= BATCH:
            break
    return due


@transaction.atomic
def erase_withdrawn_account(*, person: User) -> None:
    """Erase one account closed by a guardian's withdrawal, its notice period over."""
    erase_account(person=person, actor=RETENTION, reason="consent_withdrawn")
    audit.record(event="consent.withdrawn_account_erased", actor=RETENTION, data={"count": 1})


@task()
def erase_after_withdrawal() -> int:
    erased = 0
    for person in accounts_due():
        erase_withdrawn_account(person=person)
        erased += 1
    return erased


@task()
def erase_unconfirmed_sign_ups() -> int:
    """Adults' accounts whose address was never confirmed go once their link has expired.

    Such an account is closed from the start and was never signed in: it holds what the
    sign-up form took and the consents given there, nothing else. Each in its own
    transaction; the job can run again at any time.
    """
    erased = 0
    cutoff = timezone.now() - account_tokens.SIGN_UP_VALIDITY
    for person in unconfirmed_sign_ups(older_than=cutoff)[:BATCH]:
        erase_unconfirmed_sign_up(person=person)
        erased += 1
    return erased


CHARTER = SystemActor("charter")


@task()
def tell_charter_change(*, number: int) -> int:
    """Tell everyone of the material change `number`, batch after batch; safe to run again."""
    version = CharterVersion.objects.filter(number=number).first()
    told = 0
    while version is not None:
        reached = tell_charter_change_batch(version=version, actor=CHARTER)
        if reached < 0:
            break
        told += reached
    return told


@task()
def tell_pending_charter_changes() -> int:
    """Go on with any telling a stopped worker left unfinished."""
    pending = CharterVersion.objects.filter(material=True, told_at__isnull=True)
    return sum(tell_charter_change.call(number=v.number) for v in pending.order_by("number"))
