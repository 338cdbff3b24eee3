"""The usage figures of one scope (a class, a school, the platform) for one school year.

Read from the aggregates (`Activity`), never from the events; suppressed by `disclosure`;
kept in the cache until the aggregates move (the cursor's time is part of the key).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum

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


MEASURES = {
    "people": Count("pseudonym_id", distinct=True),
    "events": Sum("events"),
    "exercises": Sum("exercises"),
    "successes": Sum("successes"),
    "lessons": Sum("lessons"),
}
COLUMN = {"competency": "competency_id", "hour": "hour", "class": "class_id"}


def _fill(cell: Cell, values: dict[str, Any]) -> None:
    for name in MEASURES:
        setattr(cell, name, int(values.get(name) or 0))


def _filter(cell: Cell) -> Q:
    q = Q(week__in=sorted(cell.weeks))
    if cell.dimension != "total":
        q &= Q(**{COLUMN[cell.dimension]: cell.value})
    return q


def build(
    scope: Scope, first_year: int, *, k: int | None = None, complementary: bool = True
) -> Outcome:
    """Every cell of the publication, suppressed."""
    k = k or settings.CHARTE_STATISTICS_K
    periods = period_weeks(first_year)
    base = scope.rows().filter(week__gte=periods["year"][0], week__lte=periods["year"][-1])
    cells: dict[Key, Cell] = {}
    relations: list[Relation] = []
    iso = {p: frozenset(w.isoformat() for w in weeks) for p, weeks in periods.items()}
    for period in PERIODS:
        key: Key = ("total", period, None)
        cells[key] = Cell(key=key, weeks=iso[period])
        _fill(cells[key], base.filter(week__in=periods[period]).aggregate(**MEASURES))
    by_week = {
        row["week"].isoformat(): row
        for row in base.values("week").annotate(**MEASURES).order_by("week")
    }
    for period in ("t1", "t2", "t3"):
        parts = []
        for week in periods[period]:
            name = week.isoformat()
            key = ("total", f"w{name}", None)
            cells[key] = Cell(key=key, weeks=frozenset({name}))
            _fill(cells[key], dict(by_week.get(name, {})))
            parts.append(key)
        relations.append(Relation(total=("total", period, None), parts=tuple(parts)))
    relations.append(
        Relation(
            total=("total", "year", None),
            parts=tuple(("total", t, None) for t in ("t1", "t2", "t3")),
        )
    )
    for dimension in scope.dimensions:
        column = COLUMN[dimension]
        values: set[Any] = set()
        for period in PERIODS:
            for row in (
                base.filter(week__in=periods[period])
                .values(column)
                .annotate(**MEASURES)
                .order_by(column)
            ):
                key = (dimension, period, row[column])
                cells[key] = Cell(key=key, weeks=iso[period])
                _fill(cells[key], row)
                values.add(row[column])
        for period in PERIODS:
            parts = []
            for value in values:
                key = (dimension, period, value)
                if key not in cells:
                    cells[key] = Cell(key=key, weeks=iso[period])
                parts.append(key)
            relations.append(Relation(total=("total", period, None), parts=tuple(parts)))
        for value in values:
            relations.append(
                Relation(
                    total=(dimension, "year", value),
                    parts=tuple((dimension, t, value) for t in ("t1", "t2", "t3")),
                )
            )

    def union(hidden: list[Cell]) -> int:
        q = Q()
        for cell in hidden:
            q |= _filter(cell)
        return base.filter(q).aggregate(n=Count("pseudonym_id", distinct=True))["n"] or 0

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
