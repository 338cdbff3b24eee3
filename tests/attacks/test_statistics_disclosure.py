"""The attack on the usage reports: as each role, fetch every report for every period, then
try every subtraction between nested cells (their figures, and their people counts, which
tell how many were in one and never in the other) and between a total and its parts. No figure about
fewer than k people may be read or derived. The same attack finds leaks when complementary
suppression is switched off, so that it is known to bite.
"""

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from charte.accounts.models import Role, User
from charte.core.actors import SEED
from charte.learning import actions as learning
from charte.schools import actions as school_actions
from charte.schools.models import School, SchoolClass, SchoolMember
from charte.statistics import actions as statistics
from charte.statistics import publication
from charte.statistics.aggregate import monday
from charte.statistics.publication import period_weeks
from tests.conftest import client_for
from tests.factories import make_user

K = 10
CELL = re.compile(
    r'data-cell="(?P<key>[^"]*)" data-hidden="(?P<hidden>[01])" data-people="(?P<people>\d+)" '
    r'data-exercises="(?P<exercises>\d+)" data-successes="(?P<successes>\d+)" '
    r'data-lessons="(?P<lessons>\d+)"'
)


@dataclass(frozen=True)
class Truth:
    """One event as the test made it: whose, when, in which class and competency."""

    n: int
    person: int
    school: int
    klass: int
    at: datetime
    competency: int
    kind: str
    success: bool

    @property
    def week(self) -> str:
        return monday(timezone.localtime(self.at).date()).isoformat()

    @property
    def hour(self) -> int:
        return timezone.localtime(self.at).hour


@dataclass
class World:
    truths: list[Truth]
    viewers: dict[
        str, tuple[User, list[tuple[str, int, str]]]
    ]  # name -> (user, [(url, scope id, kind)])
    years: list[int]


def _moment(rng: random.Random, day: datetime) -> datetime:
    return day.replace(hour=rng.choice([8, 9, 10, 14, 16, 20]), minute=rng.randrange(60))


@pytest.fixture
def world(db: None, staff_david: User, teacher_chloe: User, it_jules: User) -> World:
    rng = random.Random(16)
    school = school_actions.create_school(name="Collège Jean-Moulin", city="Lyon", actor=SEED)
    other_school = school_actions.create_school(name="École du Port", city="Brest", actor=SEED)
    teacher_bruno = make_user(role=Role.TEACHER, first_name="Bruno")
    school_actions.add_school_member(
        school=school, person=staff_david, role=SchoolMember.Role.STAFF, actor=SEED
    )
    for teacher in (teacher_chloe, teacher_bruno):
        school_actions.add_school_member(
            school=school, person=teacher, role=SchoolMember.Role.TEACHER, actor=SEED
        )
    class_a = school_actions.create_class(
        teacher=teacher_chloe, name="5e A", level="5e", school=school, actor=teacher_chloe
    )
    class_b = school_actions.create_class(
        teacher=teacher_bruno, name="5e B", level="5e", school=school, actor=teacher_bruno
    )
    class_c = SchoolClass.objects.create(
        school=other_school, year=class_a.year, name="CM2", level=class_a.level
    )
    # Sizes chosen so that single cells and their differences fall under k: a big class,
    # a small one, a tiny school elsewhere.
    groups = [(class_a, 14), (class_b, 4), (class_c, 3)]
    rows: list[learning.Row] = []
    truths: list[Truth] = []
    now = timezone.now()
    first = now.year if now.month >= 9 else now.year - 1
    years = [first - 1, first]
    n = 0
    for klass, size in groups:
        for _ in range(size):
            pupil = make_user(role=Role.PUPIL, consents=False)
            for year in years:
                weeks = [
                    w for w in period_weeks(year)["year"] if w < now.date() - timedelta(days=7)
                ]
                active = rng.sample(weeks, k=min(len(weeks), rng.randrange(2, 9)))
                for week in active:
                    for _ in range(rng.randrange(1, 4)):
                        day = timezone.make_aware(
                            datetime.combine(week + timedelta(days=rng.randrange(5)), time(12))
                        )
                        at = _moment(rng, day)
                        kind = rng.choice(["exercise", "exercise", "exercise", "lesson"])
                        competency = rng.choice([1, 2, 3])
                        success = kind == "exercise" and rng.random() < 0.6
                        pseudonym = learning.pseudonym_for(pupil, at)
                        rows.append(
                            learning.Row(
                                pseudonym_id=pseudonym.pk,
                                at=at,
                                verb="completed" if kind == "exercise" else "experienced",
                                kind=kind,
                                ref="x",
                                competency_id=competency,
                                school_id=klass.school_id,
                                class_id=klass.pk,
                                score=0.8 if success else 0.3,
                                success=success if kind == "exercise" else None,
                            )
                        )
                        truths.append(
                            Truth(
                                n,
                                pupil.pk,
                                school.pk if klass.school_id == school.pk else other_school.pk,
                                klass.pk,
                                at,
                                competency,
                                kind,
                                success,
                            )
                        )
                        n += 1
    learning.record_many(rows=rows, actor=SEED)
    statistics.refresh(actor=SEED)
    viewers = {
        "teacher_chloe": (
            teacher_chloe,
            [(f"/rapports/usage/classes/{class_a.public_id}/", class_a.pk, "class")],
        ),
        "teacher_bruno": (
            teacher_bruno,
            [(f"/rapports/usage/classes/{class_b.public_id}/", class_b.pk, "class")],
        ),
        "staff_david": (
            staff_david,
            [(f"/rapports/usage/etablissements/{school.public_id}/", school.pk, "school")],
        ),
        "it_jules": (it_jules, [("/rapports/usage/plateforme/", 0, "platform")]),
    }
    assert isinstance(other_school, School)
    return World(truths=truths, viewers=viewers, years=years)


@dataclass(frozen=True)
class Seen:
    scope: str
    scope_id: int
    year: int
    key: str
    hidden: bool
    people: int
    exercises: int
    successes: int
    lessons: int


def fetch_all(client: Client, pages: list[tuple[str, int, str]], years: list[int]) -> list[Seen]:
    seen: dict[tuple[str, int, int, str], Seen] = {}
    for url, scope_id, scope in pages:
        for year in years:
            for period in ("year", "t1", "t2", "t3"):
                response = client.get(url, {"annee": year, "periode": period})
                assert response.status_code == 200, url
                for m in CELL.finditer(response.content.decode()):
                    cell = Seen(
                        scope,
                        scope_id,
                        year,
                        m["key"],
                        m["hidden"] == "1",
                        int(m["people"]),
                        int(m["exercises"]),
                        int(m["successes"]),
                        int(m["lessons"]),
                    )
                    previous = seen.setdefault((scope, scope_id, year, m["key"]), cell)
                    assert previous == cell, "the same cell differs between two pages"
    return list(seen.values())


def rows_of(cell: Seen, truths: list[Truth]) -> frozenset[int]:
    dimension, period, value = cell.key.split("|")
    periods = period_weeks(cell.year)
    weeks = {period[1:]} if period.startswith("w") else {w.isoformat() for w in periods[period]}
    out = set()
    for t in truths:
        if cell.scope == "class" and t.klass != cell.scope_id:
            continue
        if cell.scope == "school" and t.school != cell.scope_id:
            continue
        if t.week not in weeks:
            continue
        if dimension == "competency" and str(t.competency) != value:
            continue
        if dimension == "hour" and str(t.hour) != value:
            continue
        if dimension == "class" and str(t.klass) != value:
            continue
        out.add(t.n)
    return frozenset(out)


def attack(world: World) -> list[str]:
    """Every leak found: a figure about 1 to k-1 people, read or derived by subtraction."""
    by_n = {t.n: t for t in world.truths}

    def people(rows: frozenset[int]) -> set[int]:
        return {by_n[n].person for n in rows}

    leaks = []
    for name, (user, pages) in world.viewers.items():
        cells = fetch_all(client_for(user), pages, world.years)
        assert cells, name
        rows = {c: rows_of(c, world.truths) for c in cells}
        shown = [c for c in cells if not c.hidden and rows[c]]
        for c in shown:
            p = people(rows[c])
            assert c.people == len(p), (name, c)
            assert c.exercises == sum(by_n[n].kind == "exercise" for n in rows[c]), (name, c)
            if len(p) < K:
                leaks.append(f"{name} reads {c.key} ({c.year}) about {len(p)} people")
        # Nested cells: A contains B; their difference is about the rows of A outside B.
        for a in shown:
            for b in shown:
                if a is b or not rows[b] < rows[a]:
                    continue
                rest = people(rows[a] - rows[b])
                if 0 < len(rest) < K:
                    leaks.append(f"{name}: {a.key} - {b.key} ({a.year}) about {len(rest)} people")
                # Their people counts: those in A and never in B (active in the year, not in
                # its first term), a group of its own.
                only = people(rows[a]) - people(rows[b])
                if 0 < a.people - b.people < K:
                    assert len(only) == a.people - b.people
                    leaks.append(f"{name}: people of {a.key} - {b.key} ({a.year}): {len(only)}")
        # A total and its parts: the total minus the parts shown gives the hidden parts' sum.
        families: dict[tuple[object, ...], list[Seen]] = defaultdict(list)
        for c in cells:
            dimension, period, value = c.key.split("|")
            if period.startswith("w"):
                week = period[1:]
                for term in ("t1", "t2", "t3"):
                    if week in {w.isoformat() for w in period_weeks(c.year)[term]}:
                        families[(c.scope, c.scope_id, c.year, "weeks", term)].append(c)
            elif dimension == "total" and period != "year":
                families[(c.scope, c.scope_id, c.year, "terms", "year")].append(c)
            elif dimension != "total":
                families[(c.scope, c.scope_id, c.year, dimension, period)].append(c)
                if period != "year":
                    families[(c.scope, c.scope_id, c.year, f"{dimension}-terms", value)].append(c)
        for c in shown:
            for parts in families.values():
                union = frozenset().union(*(rows[p] for p in parts))
                if union != rows[c] or any(p == c for p in parts):
                    continue
                hidden = frozenset().union(*(rows[p] for p in parts if p.hidden))
                about = people(hidden)
                if 0 < len(about) < K:
                    leaks.append(
                        f"{name}: {c.key} minus its shown parts ({c.year}) about {len(about)}"
                    )
    return leaks


@pytest.mark.django_db
def test_no_figure_about_fewer_than_k_people_can_be_read_or_derived(world: World, settings) -> None:
    settings.CHARTE_STATISTICS_K = K
    leaks = attack(world)
    assert leaks == []
    # And the reports do say something: figures are shown, not everything hidden.
    client = client_for(world.viewers["staff_david"][0])
    page = client.get(
        world.viewers["staff_david"][1][0][0], {"annee": world.years[0]}
    ).content.decode()
    assert 'data-hidden="0" data-people="1' in page or 'data-hidden="0" data-people="2' in page


@pytest.mark.django_db
def test_the_attack_finds_leaks_without_complementary_suppression(
    world: World, settings, monkeypatch
) -> None:
    settings.CHARTE_STATISTICS_K = K
    primary_only = publication.suppress

    def suppress(*args, **kwargs):
        return primary_only(*args, **{**kwargs, "complementary": False})

    monkeypatch.setattr(publication, "suppress", suppress)
    leaks = attack(world)
    assert leaks, "the attack must find what primary suppression alone leaves"


@pytest.mark.django_db
def test_other_viewers_cannot_open_these_reports(world: World, cs_farid: User) -> None:
    chloe = client_for(world.viewers["teacher_chloe"][0])
    bruno_page = world.viewers["teacher_bruno"][1][0][0]
    assert chloe.get(bruno_page).status_code == 404
    assert chloe.get(world.viewers["staff_david"][1][0][0]).status_code == 404
    assert chloe.get("/rapports/usage/plateforme/").status_code == 404
    assert client_for(cs_farid).get("/rapports/usage/plateforme/").status_code == 404
