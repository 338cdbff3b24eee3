"""Reads of the reports: who may open which, and the figures each shows."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from charte.accounts.models import Role, User
from charte.coach import queries as coach
from charte.content.models import Competency
from charte.core.access import as_public_id
from charte.core.errors import NotFound
from charte.reports.models import ClassPrint, PrintedReport
from charte.results import queries as results
from charte.schools import queries as schools
from charte.schools.models import SchoolClass, SchoolYear
from charte.statistics.disclosure import Cell, Outcome
from charte.statistics.publication import PERIODS, Scope, period_weeks, publication

OPERATOR_STAFF = frozenset({Role.DPO, Role.IT, Role.SALES, Role.MARKETING})
PERIOD_NAMES = {
    "year": gettext_lazy("Année scolaire"),
    "t1": gettext_lazy("1er trimestre"),
    "t2": gettext_lazy("2e trimestre"),
    "t3": gettext_lazy("3e trimestre"),
}


@dataclass(frozen=True)
class Period:
    first_year: int
    code: str

    @property
    def name(self) -> str:
        return f"{PERIOD_NAMES[self.code]} {self.first_year}-{self.first_year + 1}"

    @property
    def weeks(self) -> list[date]:
        return period_weeks(self.first_year)[self.code]

    @property
    def starts_on(self) -> date:
        return self.weeks[0]

    @property
    def ends_on(self) -> date:
        return self.weeks[-1] + timedelta(days=6)

    def bounds(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(self.starts_on, time.min))
        end = timezone.make_aware(datetime.combine(self.ends_on + timedelta(days=1), time.min))
        return start, end


def current_first_year() -> int:
    first, _, _ = SchoolYear.bounds(timezone.localdate())
    return first


def parse_period(params: Any) -> Period:
    """The period a page asks for (`?annee=2026&periode=t1`); this school year by default."""
    now = current_first_year()
    try:
        first = int(params.get("annee") or now)
    except ValueError:
        first = now
    if not now - 2 <= first <= now:
        first = now
    code = params.get("periode") or "year"
    if code not in PERIODS:
        code = "year"
    return Period(first_year=first, code=code)


def period_choices(period: Period) -> list[Period]:
    return [Period(first_year=period.first_year, code=code) for code in PERIODS]


def print_period_choices() -> list[Period]:
    """The periods a class's reports may be printed for: this school year's and last year's."""
    now = current_first_year()
    return [Period(first_year=year, code=code) for year in (now, now - 1) for code in PERIODS]


def parse_print_period(value: str) -> Period | None:
    """The period a teacher chose to print ("2026-t1"), or None if it is not one offered."""
    year, _sep, code = (value or "").partition("-")
    found = [p for p in print_period_choices() if f"{p.first_year}" == year and p.code == code]
    return found[0] if found else None


def pupil_report_context(viewer: User, pupil: User, period: Period) -> dict[str, object]:
    """What a pupil's individual report shows, as a page or a PDF, to `viewer`."""
    since, until = period.bounds()
    return {
        "pupil": pupil,
        "period": period,
        "periods": period_choices(period),
        "report": results.pupil_report(pupil, since=since, until=until),
        "advice": coach.advice_for(pupil),
        "school_class": schools.current_class_of(pupil),
        "is_own": viewer.pk == pupil.pk,
        "made_on": timezone.localdate(),
    }


# A class's reports printed at once --------------------------------------------------------------

# Long enough to download and print them; the register's rule "class_prints" sweeps them then.
PRINT_LIFETIME = timedelta(days=7)
# A job that has not drawn a report for this long was interrupted (a worker stopped).
PRINT_STALLED_AFTER = timedelta(minutes=10)
# Runs after which a printing that still stalls is given up (a report the worker cannot draw).
MAX_PRINT_RUNS = 3


def access_class_to_print(*, viewer: User, public_id: uuid.UUID | str) -> SchoolClass:
    """A class whose reports the viewer may print: one they teach now (not archived)."""
    if viewer.role != Role.TEACHER:
        raise NotFound(_("Classe introuvable."))
    return schools.access_class_by_teacher(viewer=viewer, public_id=public_id)


def access_class_print(*, viewer: User, public_id: uuid.UUID | str) -> ClassPrint:
    """A printing of a class's reports, for the class's current teachers (whoever of them
    asked for it), while it is kept; anyone else, and after it expired: not found."""
    found = (
        ClassPrint.objects.select_related("school_class")
        .filter(public_id=as_public_id(public_id, not_found=_("Impression introuvable.")))
        .first()
    )
    if found is None:
        raise NotFound(_("Impression introuvable."))
    if found.created_at + PRINT_LIFETIME <= timezone.now():
        raise NotFound(_("Impression introuvable."))
    if viewer.role != Role.TEACHER:
        raise NotFound(_("Impression introuvable."))
    if not schools.teaches_class(viewer, found.school_class):
        raise NotFound(_("Impression introuvable."))
    if found.school_class.archived_at is not None:
        raise NotFound(_("Impression introuvable."))
    return found


def prints_of_class(school_class: SchoolClass) -> list[ClassPrint]:
    """The class's printings still kept, the latest first."""
    since = timezone.now() - PRINT_LIFETIME
    return list(ClassPrint.objects.filter(school_class=school_class, created_at__gt=since)[:10])


def stored_reports(job: ClassPrint) -> list[PrintedReport]:
    """The reports of a printing that are stored, in the document's order."""
    return list(
        job.reports.exclude(file_name="").select_related("pupil").order_by("position", "pk")
    )


def stalled_prints(*, given_up: bool = False) -> list[int]:
    """The printings a worker left unfinished, to take up again; with `given_up`, those that
    stalled `MAX_PRINT_RUNS` times already, to give up."""
    runs = Q(runs__gte=MAX_PRINT_RUNS)
    return list(
        ClassPrint.objects.filter(
            runs if given_up else ~runs,
            status__in=[ClassPrint.Status.QUEUED, ClassPrint.Status.RUNNING],
            touched_at__lt=timezone.now() - PRINT_STALLED_AFTER,
            created_at__gt=timezone.now() - PRINT_LIFETIME,
        ).values_list("pk", flat=True)
    )


def access_platform_usage(*, viewer: User) -> None:
    if viewer.role not in OPERATOR_STAFF:
        raise NotFound(_("Rapport introuvable."))


def access_releases(*, viewer: User) -> None:
    if viewer.role != Role.DPO:
        raise NotFound(_("Page introuvable."))


# Usage reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A cell as the page shows it: its numbers, or "< k" for all of them."""

    key: str
    label: str
    hidden: bool
    people: int
    exercises: int
    successes: int
    lessons: int
    bar: float = 0.0  # 0..1, the chart's bar for exercises

    @property
    def success(self) -> int | None:
        if self.hidden or not self.exercises:
            return None
        return round(100 * self.successes / self.exercises)


def _shown(cell: Cell | None, key: str, label: str) -> Shown:
    if cell is None:
        return Shown(
            key=key, label=label, hidden=False, people=0, exercises=0, successes=0, lessons=0
        )
    return Shown(
        key=key,
        label=label,
        hidden=cell.hidden,
        people=0 if cell.hidden else cell.people,
        exercises=0 if cell.hidden else cell.exercises,
        successes=0 if cell.hidden else cell.successes,
        lessons=0 if cell.hidden else cell.lessons,
    )


def _key(dimension: str, period: str, value: Any) -> str:
    return f"{dimension}|{period}|{'' if value is None else value}"


def _with_bars(rows: list[Shown]) -> list[Shown]:
    most = max((r.exercises for r in rows if not r.hidden), default=0) or 1
    return [Shown(**{**r.__dict__, "bar": 0.0 if r.hidden else r.exercises / most}) for r in rows]


@dataclass(frozen=True)
class UsageReport:
    period: Period
    k: int
    total: Shown
    weeks: list[Shown]
    competencies: list[Shown]
    hours: list[Shown]
    classes: list[Shown]

    @property
    def cells(self) -> list[Shown]:
        return [self.total, *self.weeks, *self.competencies, *self.hours, *self.classes]


def usage_report(scope: Scope, period: Period) -> UsageReport:
    outcome: Outcome = publication(scope, period.first_year)
    cells = outcome.cells
    p = period.code
    weeks = [
        _shown(
            cells.get(("total", f"w{w.isoformat()}", None)),
            _key("total", f"w{w.isoformat()}", None),
            w.strftime("%d/%m"),
        )
        for w in period.weeks
        if w <= timezone.localdate()
    ]
    titles = {c.pk: c.display_title for c in Competency.objects.all()}
    competencies = [
        _shown(cell, _key("competency", p, cell.value), titles.get(cell.value, _("Autre")))
        for key, cell in sorted(cells.items(), key=lambda kv: str(kv[0][2]))
        if key[0] == "competency" and key[1] == p
    ]
    hours = [
        _shown(cell, _key("hour", p, cell.value), f"{cell.value} h")
        for key, cell in sorted(cells.items(), key=lambda kv: str(kv[0][2]).zfill(2))
        if key[0] == "hour" and key[1] == p
    ]
    names = (
        dict(SchoolClass.objects.filter(school_id=scope.id).values_list("pk", "name"))
        if scope.kind == "school"
        else {}
    )
    classes = [
        _shown(cell, _key("class", p, cell.value), names.get(cell.value, _("Sans classe")))
        for key, cell in sorted(cells.items(), key=lambda kv: str(kv[0][2]))
        if key[0] == "class" and key[1] == p
    ]
    return UsageReport(
        period=period,
        k=settings.CHARTE_STATISTICS_K,
        total=_shown(cells.get(("total", p, None)), _key("total", p, None), str(period.name)),
        weeks=_with_bars(weeks),
        competencies=_with_bars(competencies),
        hours=_with_bars(hours),
        classes=_with_bars(classes),
    )
