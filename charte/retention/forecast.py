"""What the DPO reviews: per rule, what expires in the next days, with samples and warnings.

Reads only; the same selections as the sweep (`queries`), taken at two days and subtracted, so
that the forecast can never disagree with what the sweep will do on those nights.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from charte.privacy.register import RETENTION_BY_CODE, Anchor, RetentionRule
from charte.privacy.registry import Declaration, Ref
from charte.retention import dates, handlers, queries
from charte.retention.queries import Holds

SAMPLES = 5


@dataclass(frozen=True)
class Sample:
    label: str  # what it is (a role, a kind of row)
    public_id: str  # the row's or the account's public id, if it has one
    person: str  # the public id of the account it is about (for the link), if any
    anchor: date | datetime | None  # the date the period runs from
    kept_until: date | None
    active: bool  # the person it is about acted in the last 30 days
    held: bool


@dataclass
class Forecast:
    rule: RetentionRule
    unit: str = "rows"
    due_now: int = 0  # already past, goes at the next sweep (holds aside)
    upcoming: int = 0  # goes within the window
    active: int = 0  # of those, about someone active in the last 30 days
    held: int = 0  # of those, spared by a hold
    per_model: dict[str, int] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    def as_data(self) -> dict[str, Any]:
        """The counts, as the nightly job stores them (`StoredForecast.rules`): no sample, no
        note (the home page shows neither, and a stored sample would name someone)."""
        return {
            "rule": self.rule.code,
            "unit": self.unit,
            "due_now": self.due_now,
            "upcoming": self.upcoming,
            "active": self.active,
            "held": self.held,
            "per_model": dict(self.per_model),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Forecast | None":
        """The counts stored by `as_data`; None for a rule the register no longer has."""
        rule = RETENTION_BY_CODE.get(data["rule"])
        if rule is None:
            return None
        return cls(
            rule=rule,
            unit=data["unit"],
            due_now=data["due_now"],
            upcoming=data["upcoming"],
            active=data["active"],
            held=data["held"],
            per_model=dict(data["per_model"]),
        )


def forecast(today: date, days: int = 30) -> list[Forecast]:
    holds = queries.holds_in_force(today)
    result = []
    for rule in queries.rules_in_sweep_order():
        item = _forecast_rule(rule, today, days, holds)
        if item is not None:
            result.append(item)
    return result


def _forecast_rule(rule: RetentionRule, today: date, days: int, holds: Holds) -> Forecast | None:
    declarations = queries.declarations_under(rule)
    handler = handlers.handler_for(rule.code)
    if handler is not None or rule.code in handlers.OWNER_HANDLED:
        return _by_owner(rule, today, days, holds, handler)
    if not declarations:
        return None
    if rule.anchor == Anchor.SCHOOL_YEAR:
        return _accounts(rule, today, days, holds)
    if rule.anchor == Anchor.ROW_TIME:
        return _rows(rule, declarations, today, days, holds)
    if rule.anchor == Anchor.LAST_ACTIVITY:
        return _inactive(rule, declarations, today, days)
    item = Forecast(rule=rule)
    item.note = _("Ces données partent avec le compte auquel elles appartiennent.")
    item.per_model = {d.label: 0 for d in declarations}
    return item


def _by_owner(
    rule: RetentionRule,
    today: date,
    days: int,
    holds: Holds,
    handler: handlers.Handler | None,
) -> Forecast:
    item = Forecast(rule=rule)
    if handler is None:
        item.note = _(
            "Supprimé par l'application qui en est responsable, qui n'a pas encore fourni sa "
            "procédure : rien n'est supprimé pour l'instant."
        )
        return item

    def count(day: date) -> int:
        return handler(
            handlers.Expiry(
                rule=rule,
                today=day,
                cutoff=queries.cutoff(rule, day),
                dry_run=True,
                batch_size=1000,
                holds=holds,
            )
        )

    item.due_now = count(today)
    item.upcoming = count(today + timedelta(days=days)) - item.due_now
    item.note = _("Supprimé par l'application qui en est responsable, par blocs entiers.")
    return item


def _accounts(rule: RetentionRule, today: date, days: int, holds: Holds) -> Forecast:
    item = Forecast(rule=rule, unit="accounts")
    due_now = queries.accounts_expired_on(today)
    upcoming = queries.accounts_expiring_between(today, today + timedelta(days=days - 1))
    item.due_now = due_now.exclude(pk__in=holds.accounts).count()
    item.upcoming = upcoming.count()
    item.held = upcoming.filter(pk__in=holds.accounts).count()
    item.active = upcoming.filter(queries.active_since(today - timedelta(days=30))).count()
    since = today - timedelta(days=30)
    for person in upcoming.order_by("created_at", "pk")[:SAMPLES]:
        last = person.last_activity
        item.samples.append(
            Sample(
                label=person.get_role_display(),
                public_id=str(person.public_id),
                person=str(person.public_id),
                anchor=dates.local_day(person.created_at),
                kept_until=queries.kept_until(person),
                active=last is not None and dates.local_day(last) >= since,
                held=holds.blocks_account(person.pk),
            )
        )
    return item


def _first_person_path(declaration: Declaration) -> str | None:
    for subject in declaration.subjects:
        if not isinstance(subject, Ref):
            return subject
    return None


def _rows(
    rule: RetentionRule,
    declarations: list[Declaration],
    today: date,
    days: int,
    holds: Holds,
) -> Forecast:
    item = Forecast(rule=rule)
    since = today - timedelta(days=30)
    for declaration in declarations:
        now = queries.rows_past(declaration, today)
        later = queries.rows_past(declaration, today + timedelta(days=days))
        upcoming = later.exclude(pk__in=now.values("pk"))
        item.due_now += queries.without_held(declaration, now, holds).count()
        count = upcoming.count()
        item.upcoming += count
        item.held += count - queries.without_held(declaration, upcoming, holds).count()
        item.per_model[declaration.label] = count
        path = _first_person_path(declaration)
        if path is not None:
            prefix = f"{path}__" if path else ""
            item.active += upcoming.filter(queries.active_since(since, prefix)).count()
        for sample in _row_samples(declaration, upcoming, path, holds):
            if len(item.samples) < SAMPLES:
                item.samples.append(sample)
    return item


def _row_samples(
    declaration: Declaration, rows: models.QuerySet[Any], path: str | None, holds: Holds
) -> Iterator[Sample]:
    assert declaration.retention_from is not None
    anchor_field = declaration.retention_from
    has_public_id = queries._has_public_id(declaration.model)
    fields = [anchor_field, *(["public_id"] if has_public_id else [])]
    person_field = None
    if path is not None:
        person_field = f"{path}__public_id" if path else "public_id"
        fields.append(person_field)
    rule = RETENTION_BY_CODE[declaration.retention]
    for values in rows.order_by(anchor_field).values(*fields)[:SAMPLES]:
        anchor = values[anchor_field]
        day = dates.local_day(anchor) if isinstance(anchor, datetime) else anchor
        public_id = str(values.get("public_id") or "")
        yield Sample(
            label=str(declaration.model._meta.verbose_name),
            public_id=public_id,
            person=str(values.get(person_field) or "") if person_field else "",
            anchor=anchor,
            kept_until=dates.add_period(day, rule.years, rule.months, rule.days) if day else None,
            active=False,
            held=bool(public_id) and holds.blocks_object(declaration.label, public_id),
        )


def _inactive(
    rule: RetentionRule, declarations: list[Declaration], today: date, days: int
) -> Forecast:
    item = Forecast(rule=rule)
    now = queries.people_inactive_for(rule, today)
    later = queries.people_inactive_for(rule, today + timedelta(days=days))
    people = later.exclude(pk__in=now.values("pk"))
    for declaration in declarations:
        q = models.Q()
        for subject in declaration.subjects:
            if not isinstance(subject, Ref):
                q |= models.Q(**{f"{subject or 'pk'}__in": people.values("pk")})
        count = declaration.model._default_manager.filter(q).count() if q else 0
        item.per_model[declaration.label] = count
        item.upcoming += count
    return item


def csv_rows(today: date, days: int = 30) -> Iterator[list[str]]:
    """Every account that expires in the window, one line each, for the DPO's spreadsheet."""
    holds = queries.holds_in_force(today)
    since = today - timedelta(days=30)
    yield [
        _("règle"),
        _("type"),
        _("identifiant public"),
        _("créé le"),
        _("conservé jusqu'au"),
        _("dernière activité"),
        _("actif ces 30 derniers jours"),
        _("gel"),
    ]
    upcoming = queries.accounts_expiring_between(today, today + timedelta(days=days - 1))
    upcoming = upcoming.annotate(renewed=models.Max("retention_renewals__kept_until"))
    for person in upcoming.order_by("created_at", "pk").iterator(chunk_size=2000):
        last = person.last_activity
        kept = dates.kept_until_created(dates.local_day(person.created_at))
        kept = max(kept, person.renewed) if person.renewed else kept
        yield [
            "account",
            person.role,
            str(person.public_id),
            dates.local_day(person.created_at).isoformat(),
            kept.isoformat() if kept else "",
            dates.local_day(last).isoformat() if last else "",
            "1" if last is not None and dates.local_day(last) >= since else "0",
            "1" if holds.blocks_account(person.pk) else "0",
        ]
