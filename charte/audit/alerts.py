"""Alerts: journalled as "alert.<rule>" entries, then emailed to IT and the DPO after commit.

`send_alert_email` is the one place that emails; when a notifications app exists, it is the
one function to route through it.
"""

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from charte.audit import events
from charte.audit.chain import normalise_ip
from charte.audit.journal import RequestMeta, record
from charte.audit.models import Entry
from charte.core.actors import SystemActor, person_ref

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

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


def send_alert_email(entry: Entry) -> int:
    """Email one alert to every active IT and DPO account, each in their language."""
    sent = 0
    for user in alert_recipients(entry):
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            context = {
                "entry": entry,
                "label": events.label(entry.event),
                "link": search_link(entry),
                "data": sorted(entry.data.items()),
                "operator": settings.CHARTE_OPERATOR,
            }
            subject = render_to_string("audit/email/alert_subject.txt", context).strip()
            body = render_to_string("audit/email/alert.txt", context)
        sent += EmailMessage(subject=subject, body=body, to=[user.email]).send()  # type: ignore[attr-defined]
    return sent
