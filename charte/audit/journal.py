"""Writing to the journal: `record` for actions and security events, `record_read` for reads.

Design: an entry names people only by their public id ("user:<uuid>"), never by name or email,
so that erasing a person leaves in the journal nothing that identifies them to a reader without
the accounts table, while the year of traceability that the law asks for is kept. Payloads
carry identifiers, codes and counts; free text typed by people never goes in. The request's IP
address and user agent go in only for the events declared in `events.py` as needing them.

Each entry is chained to the one before and signed (`chain.py`); once written, the watch
(`watch.py`) looks at it and may lock a sign-in out or raise an alert.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import models
from django.http import HttpRequest

from charte.audit import chain, events
from charte.audit.models import Entry
from charte.core.actors import Actor, actor_ref, person_ref
from charte.core.net import client_address

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

MAX_USER_AGENT = 200
WHAT = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class RequestMeta(TypedDict):
    ip: str | None
    user_agent: str


def request_meta(request: HttpRequest) -> RequestMeta:
    """The IP address and user agent of a request, for the events that need them.

    The address is the client's, read through our trusted proxies (`charte.core.net`)."""
    return {
        "ip": client_address(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT],
    }


def record(
    *,
    event: str,
    actor: Actor,
    subject: "AbstractBaseUser | None" = None,
    data: Mapping[str, Any] | None = None,
    meta: RequestMeta | None = None,
    along: Sequence[models.Model] = (),
) -> Entry:
    """Append one entry to the journal. Call it inside the action's transaction, last; or, for
    an action that is only new rows, give them as `along`: they go in with the entry, all or
    none, in one statement on PostgreSQL, which needs no transaction around it
    (`chain.append`)."""
    if meta is not None and not events.carries_connection_data(event):
        raise ValueError(
            f"The journal keeps no IP address or user agent for {event!r}: drop meta=, or "
            "declare why this event needs them with events.declare_connection_data()."
        )
    entry = chain.append(
        event=event,
        actor_ref=actor_ref(actor),
        subject_ref=person_ref(subject) if subject is not None else "",
        data=data or {},
        ip=meta["ip"] if meta else None,
        user_agent=meta["user_agent"] if meta else "",
        along=along,
    )
    from charte.audit import watch

    watch.look_at(entry, actor=actor)
    return entry


def record_read(
    *,
    viewer: Actor,
    subject: "AbstractBaseUser",
    what: str,
    data: Mapping[str, Any] | None = None,
    meta: RequestMeta | None = None,
) -> Entry | None:
    """Journal that `viewer` saw `subject`'s personal data; `what` names it ("results", ...).

    Call it where a page, an export or an API answer shows someone else's data: a teacher
    opening a pupil's results, customer service opening an account, a guardian reading a
    child's work. Reading one's own data is not journalled, except downloading an archive of it
    (`what="archive"`, with `meta=audit.request_meta(request)`): that one is always recorded,
    with its address, and watched for addresses the account has never used.
    Returns the entry, or None when nothing needed recording.
    """
    if not WHAT.match(what):
        raise ValueError(f"`what` is a short code such as 'results', not {what!r}.")
    event = events.READ_PREFIX + what
    if event != events.ARCHIVE_DOWNLOADED and actor_ref(viewer) == person_ref(subject):
        return None
    return record(event=event, actor=viewer, subject=subject, data=data, meta=meta)


def record_reads(
    *,
    viewer: Actor,
    subjects: Iterable["AbstractBaseUser"],
    what: str,
    data: Mapping[str, Any] | None = None,
) -> list[Entry]:
    """`record_read` for a page, export or API answer that shows many people at once (a class's
    results): one entry per person, each person once, the viewer's own data left out, appended
    in one batch (one lane claimed, one multi-row insert: `chain.append_many`) so that the
    page's queries do not grow with its rows. The watch looks at the batch once, as at its last
    entry, which counts the whole batch. No connection data: an archive is downloaded alone.
    Returns the entries written.
    """
    if not WHAT.match(what):
        raise ValueError(f"`what` is a short code such as 'results', not {what!r}.")
    event = events.READ_PREFIX + what
    if events.carries_connection_data(event):
        raise ValueError(f"{event!r} is journalled one at a time, with record_read(meta=...).")
    viewer_ref = actor_ref(viewer)
    seen = {viewer_ref}
    said = []
    for subject in subjects:
        ref = person_ref(subject)
        if ref in seen:
            continue
        seen.add(ref)
        said.append(chain.Said(event, viewer_ref, ref, data or {}))
    entries = chain.append_many(said)
    if entries:
        from charte.audit import watch

        watch.look_at(entries[-1], actor=viewer)
    return entries
