"""The usage figures of one scope (a class, a school, the platform) for one school year.

Read from the aggregates (`Activity`) in one statement, never from the events; suppressed by `disclosure`;
kept in the cache until the aggregates move (the cursor's time is part of the key).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
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
NOBODY: tuple[frozenset[int], int, int, int, int] = (frozenset(), 0, 0, 0, 0)


def build(
    scope: Scope, first_year: int, *, k: int | None = None, complementary: bool = True
) -> Outcome:
    """Every cell of the publication, suppressed.

    The database sums every cell and gathers its distinct people in one statement over the
    scope's aggregate rows for the year (read once through the scope's index, then grouped by
    week, by term and over the year, each alone and by each dimension): only the 200-odd cells
    come back, each with the set of people it is about, so that the union of hidden cells (for
    complementary suppression) is a union of sets, not another query.
    """
    k = k or settings.CHARTE_STATISTICS_K
    periods = period_weeks(first_year)
    iso = {p: frozenset(w.isoformat() for w in weeks) for p, weeks in periods.items()}
    dimensions = scope.dimensions
    first, last = periods["year"][0], periods["year"][-1]
    found = _cells_in_database(scope, dimensions, first, last, periods)
    values: dict[str, list[Any]] = {
        d: sorted(v for (dim, period, v) in found if dim == d and period == "year")
        for d in dimensions
    }

    cells: dict[Key, Cell] = {}
    people: dict[Key, frozenset[int]] = {}

    def cell(key: Key, weeks: frozenset[str]) -> Key:
        members, events, exercises, successes, lessons = found.get(key, NOBODY)
        people[key] = members
        cells[key] = Cell(
            key=key,
            weeks=weeks,
            people=len(members),
            events=events,
            exercises=exercises,
            successes=successes,
            lessons=lessons,
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
        ordered = values[dimension]
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
        return len(frozenset().union(*(people[c.key] for c in hidden)))

    return suppress(cells, relations, k=k, union=union, complementary=complementary)


# For the report's statement, on PostgreSQL. The planner budgets 8 kB for each group of
# `array_agg` and, not knowing how many terms the CASE makes, guesses thousands of groups
# where there are about 200: with the default 4 MB it sorts the rows once per grouping
# instead of hashing them in one pass (3 to 4 times slower). A school's hash table takes
# well under 1 MB; one larger than this would spill to disk, not grow.
GROUPING_WORK_MEM = "64MB"


def _cells_in_database(
    scope: Scope,
    dimensions: tuple[str, ...],
    first: date,
    last: date,
    periods: dict[str, list[date]],
) -> dict[Key, tuple[frozenset[int], int, int, int, int]]:
    """Each non-empty cell's people (their pseudonyms' ids), events, exercises, successes and
    lessons, by its key.

    One statement over the scope's rows of the year, each given its term, grouped for the
    finest cells only: by week, and by term and each dimension's value. PostgreSQL groups in
    one pass (GROUPING SETS, hashed); SQLite, which has no grouping sets, groups once per kind
    over a common table expression (UNION ALL). A column a cell is not grouped by comes back
    NULL (none of them is ever NULL in a row), which tells which cell a result is.

    The coarser cells (a term, the year, a dimension's value over the year) are the sums and
    the unions of people of the finest ones they are made of (a week belongs to one term),
    here: the database reads the rows once and hashes each into four or five cells, not nine.
    """
    table = connection.ops.quote_name(Activity._meta.db_table)
    where, params = {
        "class": ("class_id = %s", [scope.id]),
        "school": ("school_id = %s", [scope.id]),
        "platform": ("1 = 1", []),
    }[scope.kind]
    columns = ("week", "term", *(COLUMN[d] for d in dimensions))
    finest: list[tuple[str, ...]] = [("week",)]
    for dimension in dimensions:
        finest.append(("term", COLUMN[dimension]))
    postgresql = connection.vendor == "postgresql"
    people = "array_agg(pseudonym_id)" if postgresql else "group_concat(pseudonym_id)"
    sums = "SUM(events), SUM(exercises), SUM(successes), SUM(lessons)"
    # Only our own constants and column names go into the statement; the scope and the dates
    # are parameters.
    rows = (
        f"SELECT {', '.join(columns[2:])}, pseudonym_id, week, events, exercises, successes, "  # noqa: S608
        "lessons, CASE WHEN week < %s THEN 't1' WHEN week < %s THEN 't2' ELSE 't3' END AS term "
        f"FROM {table} WHERE {where} AND week >= %s AND week <= %s"
    )
    if postgresql:
        sql = (
            f"SELECT {', '.join(columns)}, {people}, {sums} FROM ({rows}) r "  # noqa: S608
            f"GROUP BY GROUPING SETS ({', '.join(f'({", ".join(g)})' for g in finest)})"
        )
    else:
        sql = f"WITH r AS ({rows}) " + " UNION ALL ".join(
            f"SELECT {', '.join(c if c in g else 'NULL' for c in columns)}, {people}, {sums} "  # noqa: S608
            f"FROM r GROUP BY {', '.join(g)}"
            for g in finest
        )
    found: dict[Key, tuple[frozenset[int], int, int, int, int]] = {}
    with connection.cursor() as cursor:
        if postgresql:
            # The setting travels with the statement, in one round trip (on a busy server each
            # one costs); Django binds parameters client-side, which allows several statements.
            # Statements sent together run in one transaction, which SET LOCAL lasts for;
            # inside a longer one, the last SET gives the default back.
            sql = (
                f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'; {sql}; SET LOCAL work_mem TO DEFAULT"
            )
        cursor.execute(sql, [periods["t2"][0], periods["t3"][0], *params, first, last])
        if postgresql:
            cursor.nextset()
        for week, term, *rest in cursor.fetchall():
            grouped = rest[: len(dimensions)]
            who, *measures = rest[len(dimensions) :]
            key: Key
            if week is not None:
                key = ("total", "w" + (week if isinstance(week, str) else week.isoformat()), None)
            else:
                key = ("total", term, None)
                for dimension, value in zip(dimensions, grouped, strict=True):
                    if value is not None:
                        key = (dimension, term, value)
            members = frozenset(who if isinstance(who, list) else map(int, who.split(",")))
            events, exercises, successes, lessons = (int(m or 0) for m in measures)
            found[key] = (members, events, exercises, successes, lessons)

    def gathered(key: Key, parts: list[Key]) -> None:
        present = [found[p] for p in parts if p in found]
        if present:
            found[key] = (
                frozenset().union(*(p[0] for p in present)),
                sum(p[1] for p in present),
                sum(p[2] for p in present),
                sum(p[3] for p in present),
                sum(p[4] for p in present),
            )

    terms = ("t1", "t2", "t3")
    for term in terms:
        weeks = [("total", f"w{w.isoformat()}", None) for w in periods[term]]
        gathered(("total", term, None), weeks)
    gathered(("total", "year", None), [("total", t, None) for t in terms])
    for dimension in dimensions:
        for value in {k[2] for k in found if k[0] == dimension}:
            gathered((dimension, "year", value), [(dimension, t, value) for t in terms])
    return found


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
