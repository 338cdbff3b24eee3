"""No figure about fewer than k people, read or derived: primary and complementary suppression.

Design: a publication is every cell a viewer can open about one scope (a class, a school, the
platform) and one school year: the year, its three terms and their weeks, each broken down by
competency, hour of the day and (for a school) class. Every measure of a cell (people,
exercises, success, lessons opened) is shown, or all of them are replaced by "< k".

1. Primary: a cell about 1 to k-1 people (distinct pseudonyms, not rows) is hidden.
2. Complementary, until nothing changes:
   - a total and its parts (the year and its terms, a term and its weeks, a period and its
     competencies, hours or classes): when the total is shown and some parts are hidden, the
     hidden parts together can be recovered by subtraction, so they must cover k people or
     more (counted as a union, by the database); if not, the smallest part still shown is
     hidden as well, or the total when none is left;
   Nested cells (a class and its school, a term and its year, a week and its term) are all
   tied by such relations, so that a difference between two shown cells is always about k
   people or more: the attack test checks every such difference.
   - nested cells' people: when a shown cell contains another shown one (the year and its
     first term, a term and one of its weeks, a period and one competency in it), the
     difference of their people counts is the number of people in the larger and never in
     the smaller (active in the year but not in its first term); when it is 1 to k-1, the
     smaller cell is hidden.
Limit: people counts of cells that overlap without one containing the other (a competency
over the year beside the first term) give no exact count of a group by subtraction and are
left as they are.
A zero is shown: it is about nobody. The attack test (tests/attacks/
test_statistics_disclosure.py) tries every subtraction as every role and fails without step 2.
"""

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str, Any]  # (dimension, period, value): ("total", "t1", None)


@dataclass
class Cell:
    key: Key
    weeks: frozenset[str]
    people: int = 0
    events: int = 0
    exercises: int = 0
    successes: int = 0
    lessons: int = 0
    hidden: bool = False

    @property
    def dimension(self) -> str:
        return self.key[0]

    @property
    def value(self) -> Any:
        return self.key[2]

    def contains(self, other: "Cell") -> bool:
        """Every row of `other` is a row of this cell."""
        if self.key == other.key:
            return False
        if self.dimension != "total" and (
            self.dimension != other.dimension or self.value != other.value
        ):
            return False
        return other.weeks <= self.weeks


@dataclass(frozen=True)
class Relation:
    total: Key
    parts: tuple[Key, ...]


@dataclass
class Outcome:
    cells: dict[Key, Cell]
    primary: int = 0
    complementary: int = 0
    rounds: int = 0
    log: list[str] = field(default_factory=list)


type Union = Callable[[list[Cell]], int]
"""How many distinct people the rows of these cells are about, together."""


def suppress(
    cells: dict[Key, Cell],
    relations: Iterable[Relation],
    *,
    k: int,
    union: Union,
    complementary: bool = True,
) -> Outcome:
    relations = list(relations)
    outcome = Outcome(cells=cells)
    for cell in cells.values():
        if 0 < cell.people < k:
            cell.hidden = True
            outcome.primary += 1
    if not complementary:
        return outcome
    known_unions: dict[frozenset[Key], int] = {}
    changed = True
    while changed:
        changed = False
        outcome.rounds += 1
        for relation in relations:
            total = cells.get(relation.total)
            if total is None or total.hidden or not total.people:
                continue
            parts = [cells[p] for p in relation.parts if p in cells and cells[p].people]
            hidden = [p for p in parts if p.hidden]
            if not hidden:
                continue
            signature = frozenset(p.key for p in hidden)
            if signature not in known_unions:
                known_unions[signature] = union(hidden)
            if known_unions[signature] >= k:
                continue
            shown = [p for p in parts if not p.hidden]
            victim = min(shown, key=lambda c: (c.people, c.exercises)) if shown else total
            victim.hidden = True
            outcome.complementary += 1
            outcome.log.append(f"{victim.key} hidden for {relation.total}")
            changed = True
        # People of nested cells: when A contains B, everyone B is about is in A, so
        # A.people - B.people counts those in A and never in B (active in the year, not in
        # its first term). Under k, the smaller cell B is hidden.
        shown_cells = sorted(
            (c for c in cells.values() if not c.hidden and c.people), key=lambda c: c.people
        )
        if _hide_nested(shown_cells, k, outcome):
            changed = True
    return outcome


def _hide_nested(shown_cells: list[Cell], k: int, outcome: Outcome) -> bool:
    """One pass over the shown cells, the fewest people first: a cell that a shown cell with 1
    to k-1 more people contains is hidden. Returns whether any was.

    Only a total (of any period) or a cell of the same dimension and value can contain another,
    so each cell is compared with those alone, among the cells with more people but fewer
    than k more (found by bisection): the outcome, and the cell each log line names, are
    those of comparing every pair in order, without the quadratic walk.
    """
    lineages: dict[tuple[str, Any], list[tuple[int, int, Cell]]] = {}
    for position, c in enumerate(shown_cells):
        lineage = ("total", None) if c.dimension == "total" else (c.dimension, c.value)
        lineages.setdefault(lineage, []).append((c.people, position, c))
    counts = {lineage: [entry[0] for entry in group] for lineage, group in lineages.items()}
    changed = False
    for small in shown_cells:
        if small.hidden:
            continue
        found: tuple[int, Cell] | None = None
        names = [("total", None)] if ("total", None) in lineages else []
        if small.dimension != "total":
            names.append((small.dimension, small.value))
        for name in names:
            group = lineages[name]
            start = bisect.bisect_right(counts[name], small.people)
            for people, position, big in group[start:]:
                if people - small.people >= k or (found is not None and position > found[0]):
                    break
                if not big.hidden and big.contains(small):
                    found = (position, big)
                    break
        if found is not None:
            small.hidden = True
            outcome.complementary += 1
            outcome.log.append(f"{small.key} hidden: people differ from {found[1].key}")
            changed = True
    return changed
