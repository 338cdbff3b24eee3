"""A new sign-in address reaches the recipients of the former one (GDPR art. 19).

The sign-in address changes in `accounts`, below this app, through its own confirmed
procedure; the journal records each change (and each change cancelled from the old address),
and the periodic sweep reads those entries back: a reference derived from the entry makes a
rerun tell no one twice. Within the window, a worker stopped for days catches up.
"""

import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from charte.accounts.models import User
from charte.audit import events
from charte.core.actors import Actor
from charte.privacy.register import NoticeKind
from charte.recipients.models import Disclosure, Notice
from charte.recipients.notices import WORKER, Subject, field_categories, queue_notices, told_of

EMAIL_CHANGES = (events.EMAIL_CHANGED, events.EMAIL_CHANGE_CANCELLED)
EMAIL_WINDOW = timedelta(days=7)
_EMAIL_CHANGE_NAMESPACE = uuid.UUID("5f0b0c1e-8a55-4a57-9a4f-1c2d7e3b9a60")


def tell_of_email_changes(*, now: datetime | None = None, actor: Actor = WORKER) -> int:
    """Each recipient of a person's former sign-in address hears of the new one (art. 19), as
    of a correction made in "Mes informations". Returns how many notices were queued."""
    from charte.audit.models import Entry

    now = now or timezone.now()
    entries = Entry.objects.filter(event__in=EMAIL_CHANGES, at__gte=now - EMAIL_WINDOW).values_list(
        "lane", "seq", "event", "subject_ref", "data"
    )
    changes: dict[str, uuid.UUID] = {}  # reference -> the person's public id
    for lane, seq, event, subject_ref, data in entries.order_by("at"):
        if event == events.EMAIL_CHANGE_CANCELLED and not (data or {}).get("restored"):
            continue  # the address had not changed yet: nothing to correct
        public_id = _uuid_or_none(str(subject_ref or "").removeprefix("user:"))
        if public_id is not None:
            changes[str(uuid.uuid5(_EMAIL_CHANGE_NAMESPACE, f"{lane}:{seq}"))] = public_id
    people = dict(
        User.objects.filter(public_id__in=set(changes.values())).values_list("public_id", "pk")
    )
    # Only those whose address went to a recipient told of corrections, and not told yet.
    contact = str(field_categories()["email"])
    reached = {
        person_id
        for person_id, categories in Disclosure.objects.filter(
            person_id__in=list(people.values()), recipient__in=list(told_of(NoticeKind.CORRECT))
        ).values_list("person_id", "categories")
        if contact in categories
    }
    done = set(
        Notice.objects.filter(request_reference__in=list(changes)).values_list(
            "request_reference", flat=True
        )
    )
    subjects = [
        Subject(person_id=people[public_id], reference=reference, fields=("email",))
        for reference, public_id in changes.items()
        if people.get(public_id) in reached and reference not in done
    ]
    queued = 0
    for subject in subjects:  # one journal entry per change, like a correction on the page
        queued += len(
            queue_notices(
                kind=NoticeKind.CORRECT,
                subjects=[subject],
                actor=actor,
                origin=Notice.Origin.SELF_SERVICE,
            )
        )
    return queued


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
