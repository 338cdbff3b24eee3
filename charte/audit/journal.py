"""Writing to the journal.

Design: an entry names people only by their public id ("user:<uuid>"), never by name or email,
so that erasing a person leaves in the journal nothing that identifies them to a reader without
the accounts table, while the year of traceability that the law asks for is kept. Payloads
carry identifiers, codes and counts; free text typed by people never goes in.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django.http import HttpRequest

from charte.audit.models import Entry
from charte.core.actors import Actor, actor_ref, person_ref

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

MAX_USER_AGENT = 200


class RequestMeta(TypedDict):
    ip: str | None
    user_agent: str


def request_meta(request: HttpRequest) -> RequestMeta:
    """The IP address and user agent of a request, for the events that need them."""
    return {
        "ip": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT],
    }


def record(
    *,
    event: str,
    actor: Actor,
    subject: "AbstractBaseUser | None" = None,
    data: Mapping[str, Any] | None = None,
    meta: RequestMeta | None = None,
) -> Entry:
    """Append one entry to the journal. Call it inside the action's transaction."""
    return Entry.objects.create(
        event=event,
        actor_ref=actor_ref(actor),
        subject_ref=person_ref(subject) if subject is not None else "",
        data=dict(data or {}),
        ip=meta["ip"] if meta else None,
        user_agent=meta["user_agent"] if meta else "",
    )
