"""Alerts: journalled as "alert.<rule>" entries, then sent to IT and the DPO after commit.

The journal sits below the notifications app (which journals every message it queues), so it
does not send email itself: the notifications app sets the sender (`set_sender`) in its
`AppConfig.ready()`, and each alert goes out as a message of kind "audit.alert", in each
recipient's language, kept in the outbox and retried like any other. With no sender set, an
alert raises rather than being lost without a word.
"""

from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from charte.audit import events
from charte.audit.chain import normalise_ip
from charte.audit.journal import RequestMeta, record
from charte.audit.models import Entry
from charte.core.actors import SystemActor, person_ref

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Sends one alert to one recipient with this context; returns how many messages it queued.
type Sender = Callable[["AbstractBaseUser", Mapping[str, Any]], int]
_sender: list[Sender] = []

WATCH = SystemActor("watch")
# The staff roles that receive alerts (charte.accounts.models.Role.IT and Role.DPO).
ALERT_ROLES = ("it", "dpo")


def raise_alert(
    *,
    event: str,
    subject: "AbstractBaseUser | None" = None,
    data: dict[str, Any],
    meta: RequestMeta | None = None,
    once_per: timedelta | None = None,
    same: dict[str, Any] | None = None,
) -> Entry | None:
    """Journal an alert and email it after commit; None if the same one was raised lately.

    `once_per` with `same` (payload keys that make two alerts "the same") keeps an ongoing
    attack from flooding IT's mailbox: the first alert says it, the journal counts the rest.
    """
    if once_per is not None:
        recent = Entry.objects.filter(event=event, at__gte=timezone.now() - once_per)
        if subject is not None:
            recent = recent.filter(subject_ref=person_ref(subject))
        if meta is not None and meta["ip"]:
            recent = recent.filter(ip=normalise_ip(meta["ip"]))
        for name, value in (same or {}).items():
            recent = recent.filter(**{f"data__{name}": value})
        if recent.exists():
            return None
    entry = record(event=event, actor=WATCH, subject=subject, data=data, meta=meta)
    from charte.audit.tasks import email_alert

    transaction.on_commit(partial(email_alert.enqueue, entry_id=entry.pk))
    return entry


def alert_recipients(entry: Entry) -> list["AbstractBaseUser"]:
    """Active IT and DPO accounts, but not the one the alert is about (they learn it otherwise)."""
    return [
        user
        for user in get_user_model()
        .objects.filter(role__in=ALERT_ROLES, is_active=True, email__isnull=False)
        .order_by("pk")
        if person_ref(user) != entry.subject_ref
    ]


def search_link(entry: Entry) -> str:
    """The journal search around the alert: same person (or address), from the day before."""
    query: dict[str, str] = {"start": (entry.at - timedelta(days=1)).date().isoformat()}
    if entry.subject_ref:
        query["person"] = entry.subject_ref
    return f"{settings.SITE_URL}{reverse('audit:search')}?{urlencode(query)}"


def set_sender(sender: Sender) -> None:
    """Set by the notifications app: how an alert reaches one of its recipients."""
    _sender[:] = [sender]


def alert_context(entry: Entry) -> dict[str, Any]:
    """What the message says: the alert, the account or address in cause, the journal's link.

    Names people only as the journal does (their public id), never by name or email.
    """
    return {
        "label": events.label(entry.event),
        "at": entry.at,
        "data": sorted(entry.data.items()),
        "subject_ref": entry.subject_ref,
        "ip": entry.ip,
        "link": search_link(entry),
        "seq": entry.number,
    }


def send_alert_email(entry: Entry) -> int:
    """Send one alert to every active IT and DPO account, through the notifications app."""
    if not _sender:
        raise RuntimeError("No alert sender is set: alerts need the notifications app.")
    context = alert_context(entry)
    # All or none: a retry after one recipient failed must not queue it twice for the others.
    with transaction.atomic():
        return sum(_sender[0](user, context) for user in alert_recipients(entry))
