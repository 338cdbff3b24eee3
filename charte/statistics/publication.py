"""The usage figures of one scope (a class, a school, the platform) for one school year.

Read from the aggregates (`Activity`) in one indexed read, never from the events; suppressed by `disclosure`;
kept in the cache until the aggregates move (the cursor's time is part of the key).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from charte.statistics.aggregate import CURSOR, monday
from charte.statistics.disclosure import Cell, Key, Outcome, Relation, suppress
from charte.statistics.models import Activity, Cursor

PERIODS = ("year", "t1", "t2", "t3")
DIMENSIONS = ("competency", "hour", "class")


@dataclass(frozen=True)
class Scope:
    kind: str  # "class", "school", "platform"
    id: int = 0

    def rows(self) -> QuerySet[Activity]:
        if self.kind == "class":
            return Activity.objects.filter(class_id=self.id)
        if self.kind == "school":
            return Activity.objects.filter(school_id=self.id)
        return Activity.objects.all()

    @property
    def dimensions(self) -> tuple[str, ...]:
        return DIMENSIONS if self.kind == "school" else ("competency", "hour")


def school_year_start(first_year: int) -> date:
    return monday(date(first_year, 9, 1))


def period_weeks(first_year: int) -> dict[str, list[date]]:
    """Each period as the Mondays of its weeks: a week belongs to one term only."""
    bounds = [
        school_year_start(first_year),
        monday(date(first_year + 1, 1, 1)),
        monday(date(first_year + 1, 4, 1)),
        school_year_start(first_year + 1),
    ]
    periods: dict[str, list[date]] = {}
    for n in range(3):
        weeks = []
        day = bounds[n]
        while day < bounds[n + 1]:
            weeks.append(day)
            day += timedelta(days=7)
        periods[f"t{n + 1}"] = weeks
    periods["year"] = periods["t1"] + periods["t2"] + periods["t3"]
    return periods


COLUMN = {"competency": "competency_id", "hour": "hour", "class": "class_id"}
FIELDS = ("pseudonym_id", "week", "hour", "competency_id", "class_id")
SUMS = ("events", "exercises", "successes", "lessons")


def build(
    scope: Scope, first_year: int, *, k: int | None = None, complementary: bool = True
) -> Outcome:
    """Every cell of the publication, suppressed.

    One indexed read of the scope's aggregate rows for the year; every cell is then summed in
    memory, with the set of people it is about, so that the union of hidden cells (for
    complementary suppression) is a union of sets, not another query.
    """
    k = k or settings.CHARTE_STATISTICS_K
    periods = period_weeks(first_year)
    term_of = {w: t for t in ("t1", "t2", "t3") for w in periods[t]}
    iso = {p: frozenset(w.isoformat() for w in weeks) for p, weeks in periods.items()}
    dimensions = scope.dimensions
    at = {"competency": 1, "hour": 0, "class": 2}
    positions = [(d, at[d]) for d in dimensions]
    people: dict[Key, set[int]] = defaultdict(set)
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    values: dict[str, set[Any]] = {d: set() for d in dimensions}
    # The keys a row adds to, but for its dimensions' values: its week, its term, the year.
    week_keys: dict[date, tuple[str, tuple[Key, ...]]] = {
        w: (t, (("total", f"w{w.isoformat()}", None), ("total", t, None), ("total", "year", None)))
        for w, t in term_of.items()
    }
    rows = (
        scope.rows()
        .filter(week__gte=periods["year"][0], week__lte=periods["year"][-1])
        .values_list(*FIELDS, *SUMS)
    )
    for pseudonym, week, *rest in rows:
        found = week_keys.get(week)
        if found is None:
            continue
        term, keys = found
        measures = rest[3:]
        for dimension, index in positions:
            value = rest[index]
            values[dimension].add(value)
            keys += ((dimension, term, value), (dimension, "year", value))
        for key in keys:
            people[key].add(pseudonym)
            total = sums[key]
            total[0] += measures[0]
            total[1] += measures[1]
            total[2] += measures[2]
            total[3] += measures[3]

    cells: dict[Key, Cell] = {}

    def cell(key: Key, weeks: frozenset[str]) -> Key:
        found = sums.get(key, [0, 0, 0, 0])
        cells[key] = Cell(
            key=key,
            weeks=weeks,
            people=len(people.get(key, ())),
            events=found[0],
            exercises=found[1],
            successes=found[2],
            lessons=found[3],
        )
        return key

    relations: list[Relation] = []
    for period in PERIODS:
        cell(("total", period, None), iso[period])
    for period in ("t1", "t2", "t3"):
        parts = tuple(
            cell(("total", f"w{w.isoformat()}", None), frozenset({w.isoformat()}))
            for w in periods[period]
        )
        relations.append(Relation(total=("total", period, None), parts=parts))
    relations.append(
        Relation(
            total=("total", "year", None),
            parts=tuple(("total", t, None) for t in ("t1", "t2", "t3")),
        )
    )
    for dimension in dimensions:
        ordered = sorted(values[dimension], key=lambda v: (v is None, v))
        for period in PERIODS:
            parts = tuple(cell((dimension, period, v), iso[period]) for v in ordered)
            relations.append(Relation(total=("total", period, None), parts=parts))
        for value in ordered:
            relations.append(
                Relation(
                    total=(dimension, "year", value),
                    parts=tuple((dimension, t, value) for t in ("t1", "t2", "t3")),
                )
            )

    def union(hidden: list[Cell]) -> int:
        return len(set().union(*(people.get(c.key, set()) for c in hidden)))

    return suppress(cells, relations, k=k, union=union, complementary=complementary)


def publication(scope: Scope, first_year: int) -> Outcome:
    """`build`, kept in the cache until the aggregates change."""
    cursor = Cursor.objects.filter(name=CURSOR).values_list("updated_at", flat=True).first()
    key = (
        f"statistics:{scope.kind}:{scope.id}:{first_year}:"
        f"{cursor.timestamp() if cursor else 0}:{settings.CHARTE_STATISTICS_K}"
    )
    found = cache.get(key)
    if found is None:
        found = build(scope, first_year)
        cache.set(key, found, 60 * 60)
    return found
