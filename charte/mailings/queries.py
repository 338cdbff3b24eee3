"""Who a mailing may reach, how far its sending is, and who may see it."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import PLATFORM_ROLES, Role, User
from charte.consent.queries import is_adult
from charte.core.access import as_public_id
from charte.core.errors import NotFound
from charte.mailings.models import Mailing
from charte.notifications.models import Message
from charte.privacy import processing


def access_mailings(*, viewer: User) -> QuerySet[Mailing]:
    """Only the marketing service writes and sends the news."""
    if viewer.role != Role.MARKETING:
        raise NotFound(_("Page introuvable."))
    return Mailing.objects.select_related("created_by", "sent_by")


def access_mailing(*, viewer: User, public_id: uuid.UUID | str) -> Mailing:
    mailings = access_mailings(viewer=viewer)
    found = mailings.filter(
        public_id=as_public_id(public_id, not_found=_("Envoi introuvable."))
    ).first()
    if found is None:
        raise NotFound(_("Envoi introuvable."))
    return found


def _candidates(*, after: int = 0) -> QuerySet[User]:
    return (
        User.objects.filter(
            role__in=sorted(PLATFORM_ROLES), is_active=True, email__isnull=False, pk__gt=after
        )
        .exclude(email="")
        .order_by("pk")
    )


def may_receive(person: User, purpose: str) -> bool:
    """An adult (never a pupil, of any age) whose consent to `purpose` holds right now."""
    return is_adult(person, timezone.localdate()) and processing.consent_given(person, purpose)


def audience_batch(purpose: str, *, after: int, size: int) -> tuple[list[User], int | None]:
    """The people after account key `after` who may receive a message for `purpose` now,
    looking at `size` accounts; and the last key looked at (None when there were no more)."""
    looked = list(_candidates(after=after)[:size])
    if not looked:
        return [], None
    return [p for p in looked if may_receive(p, purpose)], looked[-1].pk


def audience(purpose: str, *, size: int = 500) -> Iterator[User]:
    after = 0
    while True:
        chosen, last = audience_batch(purpose, after=after, size=size)
        if last is None:
            return
        yield from chosen
        after = last


def audience_count(purpose: str) -> int:
    return sum(1 for _person in audience(purpose))


@dataclass(frozen=True)
class Progress:
    """How far a sending is: copies prepared, delivered, stopped (a consent withdrawn meanwhile,
    or an address given up), still waiting."""

    planned: int
    queued: int
    sent: int
    stopped: int
    waiting: int
    preparing: bool

    @property
    def whole(self) -> int:
        """Copies to send: all of them once every batch is queued, those queued so far until."""
        return max(self.planned, self.queued)

    @property
    def percent(self) -> int:
        whole = self.whole
        if whole == 0:
            return 0 if self.preparing else 100
        return min(100, round(100 * (self.sent + self.stopped) / whole))

    @property
    def done(self) -> bool:
        return not self.preparing and self.waiting == 0


def progress(mailing: Mailing) -> Progress:
    counts = dict(
        Message.objects.filter(campaign=mailing.campaign)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    sent = counts.get(Message.Status.SENT, 0)
    stopped = counts.get(Message.Status.ABANDONED, 0)
    waiting = counts.get(Message.Status.QUEUED, 0) + counts.get(Message.Status.FAILED, 0)
    return Progress(
        planned=mailing.planned,
        queued=mailing.queued,
        sent=sent,
        stopped=stopped,
        waiting=waiting,
        preparing=mailing.status == Mailing.Status.SENDING,
    )


def marketing_counts() -> dict[str, int]:
    """How many people each purpose may reach now, never who."""
    return {purpose: audience_count(purpose) for purpose in Mailing.Purpose.values}


def marketing_panel(user: User) -> dict[str, Any]:
    """Marketing's home block: how many people each list holds, never who."""
    month = timezone.localdate().replace(day=1)
    return {
        **marketing_counts(),
        "sent_this_month": Mailing.objects.filter(started_at__date__gte=month).count(),
    }
