"""Reading the journal: who may, and what a search returns."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from charte.audit import events
from charte.audit.models import Entry, EntryQuerySet, Seal
from charte.core.errors import NotFound

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# IT and the DPO (charte.accounts.models.Role.IT and Role.DPO) read the journal; nobody else.
JOURNAL_READERS = frozenset({"it", "dpo"})


def access_journal(viewer: "AbstractBaseUser | AnonymousUser") -> "AbstractBaseUser":
    """The viewer, if they may search the journal; NotFound otherwise."""
    if not viewer.is_authenticated:
        raise NotFound("journal")
    if not viewer.is_active:
        raise NotFound("journal")
    if getattr(viewer, "role", None) not in JOURNAL_READERS:
        raise NotFound("journal")
    return viewer


def person_by_login(text: str) -> "AbstractBaseUser | None":
    """The account an email address, a username, a public id or a "user:<id>" names."""
    text = text.strip()
    users = get_user_model().objects
    if "@" in text:
        return users.filter(email__iexact=text).first()
    public_id = ref_public_id(text)
    if public_id is not None:
        return users.filter(public_id=public_id).first()
    return users.filter(username__iexact=text).first()


def ref_public_id(text: str) -> uuid.UUID | None:
    text = text.strip().removeprefix("user:")
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Search:
    """A search, as references only: what the journal keeps of it, and what filters it."""

    person: str = ""  # "user:<public id>"
    actor: str = ""  # "user:<public id>" or "system:<name>"
    event: str = ""  # an event, or a family ending with ".*"
    start: date | None = None
    end: date | None = None

    def filters(self) -> dict[str, Any]:
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in vars(self).items()
            if value
        }


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_entries(search: Search) -> EntryQuerySet:
    """Entries that match, newest first, as the journal stood when asked (not counting the
    entry that journals this very search)."""
    head = Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    entries = Entry.objects.filter(id__lte=head)
    if search.person:
        entries = entries.filter(subject_ref=search.person)
    if search.actor:
        entries = entries.filter(actor_ref=search.actor)
    if search.event.endswith(".*"):
        entries = entries.filter(event__startswith=search.event[:-1])
    elif search.event:
        entries = entries.filter(event=search.event)
    if search.start:
        entries = entries.filter(at__gte=_local_midnight(search.start))
    if search.end:
        entries = entries.filter(at__lt=_local_midnight(search.end + timedelta(days=1)))
    return entries.order_by("-id")


def people_named(refs: set[str]) -> dict[str, str]:
    """ "user:<id>" -> the login (email or username) of the accounts that still exist."""
    ids = [ref_public_id(ref) for ref in refs if ref.startswith("user:")]
    names: dict[str, str] = {}
    users = get_user_model().objects.filter(public_id__in=[i for i in ids if i is not None])
    for user in users.only("public_id", "email", "username"):
        login = getattr(user, "email", None) or getattr(user, "username", None) or ""
        names[f"user:{user.public_id}"] = login
    return names


def known_events() -> list[tuple[str, str]]:
    """Event codes to suggest in the search form, with families first."""
    families = [
        ("auth.*", "auth.*"),
        ("read.*", "read.*"),
        ("alert.*", "alert.*"),
        ("journal.*", "journal.*"),
    ]
    return families + sorted((code, str(label)) for code, label in events.LABELS.items())


@dataclass(frozen=True)
class Health:
    last_seal: Seal | None
    unsealed_entries: int
    last_verified: Entry | None


def alerts_since(day: date) -> EntryQuerySet:
    """The alerts raised since the start of `day` (local time), newest first."""
    return Entry.objects.filter(
        event__startswith=events.ALERT_PREFIX, at__gte=_local_midnight(day)
    ).order_by("-id")


def last_entry(event: str) -> Entry | None:
    """The latest entry of one event, if the journal still holds one."""
    return Entry.objects.filter(event=event).order_by("-id").first()


def journal_health() -> Health:
    last_seal = Seal.objects.order_by("-day").first()
    unsealed = (
        Entry.objects.exclude(last_seal.entries_through()).count()
        if last_seal
        else Entry.objects.count()
    )
    last_verified = last_entry(events.VERIFIED)
    return Health(last_seal=last_seal, unsealed_entries=unsealed, last_verified=last_verified)
