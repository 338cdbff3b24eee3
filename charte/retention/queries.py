"""What has expired, what will, and what is held: reads that carry the retention rules.

Every selection here is one database query built from the register and the registry, so that
the sweep, the dry run, the DPO's view and the tests all ask the same question the same way.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from charte.core.errors import NotFound
from charte.privacy.erasure import subject_q_many
from charte.privacy.register import RETENTION_BY_CODE, Anchor, RetentionRule
from charte.privacy.registry import Declaration, Ref, registry
from charte.retention import dates
from charte.retention.models import LegalHold, Renewal

if TYPE_CHECKING:
    from charte.accounts.models import User

ACTIVE_DAYS = 30  # "active lately": the DPO is warned before such an account goes


# Holds -------------------------------------------------------------------------------------


@dataclass
class Holds:
    """The legal holds in force on a day, resolved to what they protect.

    A hold on a person protects everything about them. A hold on an object protects that row
    and, since deleting an account takes with it what hangs on it, the accounts of every
    person the row is about.
    """

    day: date
    by_person: dict[int, list[LegalHold]] = field(default_factory=lambda: defaultdict(list))
    through_objects: dict[int, list[LegalHold]] = field(default_factory=lambda: defaultdict(list))
    by_object: dict[str, dict[str, LegalHold]] = field(default_factory=lambda: defaultdict(dict))

    def blocks_person(self, pk: int) -> bool:
        """Are this person's data (all of them) held?"""
        return pk in self.by_person

    def blocks_account(self, pk: int) -> bool:
        """May this person's account not go (held itself, or something about them is)?"""
        return pk in self.by_person or pk in self.through_objects

    def blocks_object(self, label: str, public_id: str) -> bool:
        return str(public_id) in self.by_object.get(label, {})

    @property
    def people(self) -> set[int]:
        return set(self.by_person)

    @property
    def accounts(self) -> set[int]:
        return set(self.by_person) | set(self.through_objects)

    def objects_of(self, label: str) -> set[str]:
        return set(self.by_object.get(label, {}))

    def reasons_for_account(self, pk: int) -> list[LegalHold]:
        return [*self.by_person.get(pk, []), *self.through_objects.get(pk, [])]


def holds_in_force(day: date) -> Holds:
    holds = Holds(day=day)
    for hold in LegalHold.objects.in_force(day).order_by("pk"):
        if hold.person_id is not None:
            holds.by_person[hold.person_id].append(hold)
            continue
        holds.by_object[hold.model_label][hold.object_id] = hold
        for pk in people_about_object(hold.model_label, hold.object_id):
            holds.through_objects[pk].append(hold)
    return holds


def people_about_object(label: str, public_id: str) -> set[int]:
    """The accounts a declared row (named by model label and public id) is about."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return set()
    declaration = registry.declaration_for(model)
    if declaration is None or not _has_public_id(model):
        return set()
    rows = model._default_manager.filter(public_id=public_id)
    found: set[int] = set()
    user_model = get_user_model()
    for subject in declaration.subjects:
        if isinstance(subject, Ref):
            refs = [r for r in rows.values_list(subject.field, flat=True) if r]
            uuids = [r.removeprefix("user:") for r in refs if r.startswith("user:")]
            found |= set(
                user_model._default_manager.filter(public_id__in=_valid_uuids(uuids)).values_list(
                    "pk", flat=True
                )
            )
        else:
            found |= {pk for pk in rows.values_list(subject or "pk", flat=True) if pk}
    return found


def _valid_uuids(values: list[str]) -> list[str]:
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


def _has_public_id(model: type[models.Model]) -> bool:
    return any(f.name == "public_id" for f in model._meta.get_fields())


# Accounts (the "account" rule: the school year + 3 months) -----------------------------------


def platform_accounts() -> models.QuerySet[Any]:
    """Accounts under the platform's retention: staff accounts are outside it."""
    return get_user_model()._default_manager.filter(is_staff=False)


def renewed_beyond(day: date, as_of: datetime | None = None) -> Exists:
    renewals = Renewal.objects.filter(person=OuterRef("pk"), kept_until__gte=day)
    if as_of is not None:
        renewals = renewals.filter(renewed_at__lt=as_of)
    return Exists(renewals)


def accounts_expired_on(today: date, as_of: datetime | None = None) -> models.QuerySet[Any]:
    """Platform accounts no longer kept on `today` (holds aside): one query, no loop.

    With `as_of`, renewals recorded from that moment on are not seen: the sweep fixes the
    question when it starts, so that the same query keeps selecting the same accounts while
    it erases them, slice by slice.
    """
    last_day = dates.last_created_day_expired(today)
    return (
        platform_accounts()
        .filter(created_at__lt=dates.start_of(last_day + timedelta(days=1)))
        .exclude(renewed_beyond(today, as_of))
    )


def accounts_expiring_between(first: date, last: date) -> models.QuerySet[Any]:
    """Accounts whose last kept day falls between `first` and `last` (both included): expired
    the day after `last`, and on `first` still kept, by their creation's date or a renewal.
    Written as conditions on each account (no `NOT IN` over the expired ones, which PostgreSQL
    cannot hash at a country's scale: the DPO's forecast then took minutes)."""
    kept_on_first = dates.start_of(dates.last_created_day_expired(first) + timedelta(days=1))
    return accounts_expired_on(last + timedelta(days=1)).filter(
        models.Q(created_at__gte=kept_on_first) | models.Q(renewed_beyond(first))
    )


def renewed_until(today: date) -> date:
    """Until when a renewal made on `today` keeps an account (the next school year's end, plus
    the register's period)."""
    return dates.kept_until_renewed(today)


def not_renewed_until(people: models.QuerySet[Any], day: date) -> models.QuerySet[Any]:
    """Those of `people` whom no renewal, whoever made it, keeps until `day`."""
    return people.exclude(pk__in=Renewal.objects.filter(kept_until__gte=day).values("person"))


def kept_until(person: "User") -> date | None:
    """The last day this person's account is kept (None: outside retention, a staff account)."""
    if person.is_staff:
        return None
    created = dates.kept_until_created(dates.local_day(person.created_at))
    renewed = Renewal.objects.filter(person=person).aggregate(last=models.Max("kept_until"))["last"]
    return max(created, renewed) if renewed else created


def active_since(day: date, prefix: str = "") -> models.Q:
    """People (reached through `prefix`) whose last activity (charter, U2) is on or after `day`."""
    since = dates.start_of(day)
    return (
        models.Q(**{f"{prefix}last_seen_at__gte": since})
        | models.Q(**{f"{prefix}last_login__gte": since})
        | models.Q(**{f"{prefix}last_order_at__gte": since})
    )


def inactive_before(moment: datetime) -> models.Q:
    """Accounts whose last activity, or creation when they never acted, is before `moment`."""
    q = models.Q(created_at__lt=moment)
    for name in ("last_seen_at", "last_login", "last_order_at"):
        q &= models.Q(**{f"{name}__lt": moment}) | models.Q(**{f"{name}__isnull": True})
    return q


# Rows (rules anchored on a date of the row, or on the person's last activity) -----------------


def cutoff(rule: RetentionRule, today: date) -> datetime:
    """Rows anchored strictly before this moment are past `rule`'s period on `today`."""
    return dates.start_of(dates.row_cutoff(rule, today))


def rows_past(declaration: Declaration, today: date) -> models.QuerySet[Any]:
    """Rows of a ROW_TIME declaration whose own date is past its rule's period (holds aside)."""
    rule = RETENTION_BY_CODE[declaration.retention]
    assert declaration.retention_from is not None
    anchor = declaration.model._meta.get_field(declaration.retention_from)
    limit: date | datetime = (
        cutoff(rule, today)
        if isinstance(anchor, models.DateTimeField)
        else dates.row_cutoff(rule, today)
    )
    return declaration.model._default_manager.filter(**{f"{declaration.retention_from}__lt": limit})


def without_held(
    declaration: Declaration, queryset: models.QuerySet[Any], holds: Holds
) -> models.QuerySet[Any]:
    """`queryset` less the rows a hold protects (held objects, and rows about held people)."""
    held_objects = holds.objects_of(declaration.label)
    if held_objects and _has_public_id(declaration.model):
        queryset = queryset.exclude(public_id__in=list(held_objects))
    if holds.people:
        people = list(get_user_model()._default_manager.filter(pk__in=holds.people))
        about_held = models.Q()
        for subject in declaration.subjects:
            about_held |= subject_q_many(subject, people)
        queryset = queryset.exclude(about_held)
    return queryset


def people_inactive_for(rule: RetentionRule, today: date) -> models.QuerySet[Any]:
    """Accounts whose last activity is past a LAST_ACTIVITY rule's period on `today`."""
    return get_user_model()._default_manager.filter(inactive_before(cutoff(rule, today)))


def declarations_under(rule: RetentionRule) -> list[Declaration]:
    return [d for d in registry.declarations() if d.retention == rule.code]


def rules_in_sweep_order() -> list[RetentionRule]:
    """Rows first (their own dates), then inactivity, then accounts (which take the rest)."""
    order = {Anchor.ROW_TIME: 0, Anchor.LAST_ACTIVITY: 1, Anchor.SCHOOL_YEAR: 2, Anchor.ACCOUNT: 3}
    return sorted(RETENTION_BY_CODE.values(), key=lambda r: order[Anchor(r.anchor)])


# Access ------------------------------------------------------------------------------------


def access_retention_by_viewer(*, viewer: "User") -> None:
    """The retention overview, the dry run and the holds are the DPO's."""
    if not getattr(viewer, "is_authenticated", False):
        raise NotFound(_("Page introuvable."))
    if getattr(viewer, "role", None) != "dpo":
        raise NotFound(_("Page introuvable."))


def access_account_by_dpo(*, viewer: "User", public_id: uuid.UUID | str) -> "User":
    access_retention_by_viewer(viewer=viewer)
    person = get_user_model()._default_manager.filter(public_id=public_id).first()
    if person is None:
        raise NotFound(_("Personne introuvable."))
    return person


def access_hold_by_dpo(*, viewer: "User", public_id: uuid.UUID | str) -> LegalHold:
    access_retention_by_viewer(viewer=viewer)
    hold = LegalHold.objects.filter(public_id=public_id).first()
    if hold is None:
        raise NotFound(_("Gel introuvable."))
    return hold
