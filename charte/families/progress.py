"""The weekly progress email: what a child did in one week, as their parents read it.

Design: a parent who asked for it (their own consent to "family_progress", given on their
consent page and withdrawn there or by the one-click link of any such email) receives, for each
of their children still under the age of digital consent, one email a week: the exercises done
and how well, the competencies whose level moved, the work handed in (late or not) and the
work now late. Who receives it, in which language, and whether the child's data may be used
(no restriction, no objection) is `notifications.notify`'s rule for `guardian_news` kinds, the
same door as every email, with the same unsubscribe link.

The week is a calendar week, Monday to Sunday in the platform's time zone, named by its ISO
key ("2026-W49"): every copy carries it as its campaign, so that a run of the job, however many
times it is repeated, sends a child's week once (`actions.send_weekly_progress`). Nothing else
is stored: the summary is read from the attempts and productions at sending time.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from charte.accounts.models import User
from charte.assignments.models import Assignment, Production
from charte.assignments.queries import Status, assignments_for_pupil, statuses
from charte.content.models import Competency
from charte.results.levels import PASS, Level
from charte.results.models import Attempt
from charte.results.queries import pupil_report

KIND = "families.weekly_progress"
PURPOSE = "family_progress"


@dataclass(frozen=True)
class Week:
    """Monday to Sunday, local time; `start` and `end` bound it as [start, end)."""

    monday: date

    @classmethod
    def before(cls, moment: datetime) -> "Week":
        """The last whole week before `moment`."""
        today = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date()
        return cls(today - timedelta(days=today.weekday() + 7))

    @classmethod
    def from_key(cls, key: str) -> "Week":
        year, _, number = key.partition("-W")
        return cls(date.fromisocalendar(int(year), int(number), 1))

    @property
    def key(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    @property
    def campaign(self) -> str:
        return f"progress:{self.key}"


@dataclass(frozen=True)
class Moved:
    competency: Competency
    before: Level
    after: Level

    @property
    def up(self) -> bool:
        return self.after.rank > self.before.rank


@dataclass(frozen=True)
class HandedIn:
    assignment: Assignment
    at: datetime
    late: bool


@dataclass(frozen=True)
class WeekSummary:
    child: User
    week: Week
    attempts: int = 0
    exercises: int = 0
    passed: int = 0
    average: int | None = None  # mean score of the week's attempts, in percent
    moved: list[Moved] = field(default_factory=list)
    handed_in: list[HandedIn] = field(default_factory=list)
    late: list[Assignment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.attempts or self.handed_in or self.late)


def week_summary(child: User, week: Week) -> WeekSummary:
    """What `child` did during `week`, read from their attempts and productions."""
    before = {c.competency.pk: c.level for c in pupil_report(child, until=week.start).competencies}
    moved = [
        Moved(
            competency=c.competency,
            before=Level(before.get(c.competency.pk, Level.NOT_STARTED)),
            after=c.level,
        )
        for c in pupil_report(child, until=week.end).competencies
        if c.level != before.get(c.competency.pk, Level.NOT_STARTED)
    ]
    done = list(
        Attempt.objects.filter(pupil=child, created_at__gte=week.start, created_at__lt=week.end)
        .order_by("created_at", "pk")
        .values_list("exercise_id", "score")
    )
    latest: dict[int, float] = {}
    for exercise_id, score in done:
        latest[exercise_id] = score
    productions = (
        Production.objects.filter(
            pupil=child, submitted_at__gte=week.start, submitted_at__lt=week.end
        )
        .select_related("assignment")
        .order_by("submitted_at", "pk")
    )
    handed_in = [
        HandedIn(assignment=p.assignment, at=p.submitted_at, late=p.late)
        for p in productions
        if p.submitted_at is not None  # the filter leaves no draft; the type cannot tell
    ]
    due = assignments_for_pupil(child).filter(due_at__gte=week.start, due_at__lt=week.end)
    late = [
        assignment for assignment in due if statuses(assignment, [child])[0].status == Status.LATE
    ]
    return WeekSummary(
        child=child,
        week=week,
        attempts=len(done),
        exercises=len(latest),
        passed=sum(1 for score in latest.values() if score >= PASS),
        average=round(100 * sum(s for _, s in done) / len(done)) if done else None,
        moved=moved,
        handed_in=handed_in,
        late=late,
    )


def guardians_who_asked() -> list[User]:
    """The parents whose consent to the weekly email holds now (a withdrawal, by the one-click
    link or the consent page, takes them off at once)."""
    from charte.consent.models import Act, ConsentRecord
    from charte.privacy import processing

    refs = (
        ConsentRecord.objects.filter(purpose=PURPOSE, act=Act.GIVEN)
        .values_list("subject_ref", flat=True)
        .distinct()
    )
    public_ids = [ref.removeprefix("user:") for ref in refs]
    found = User.objects.filter(public_id__in=public_ids, is_active=True).order_by("pk")
    return [g for g in found if processing.consent_given(g, PURPOSE)]


def children_to_tell() -> list[User]:
    """Each child, once, with a guardian who asked for the weekly email and still under the
    age of digital consent (older, the child decides alone; nobody is told)."""
    from charte.accounts.queries import children_of

    today = timezone.localdate()
    children: dict[int, User] = {}
    for guardian in guardians_who_asked():
        for child in children_of(guardian).filter(is_active=True):
            if child.needs_guardian(today):
                children.setdefault(child.pk, child)
    return [children[pk] for pk in sorted(children)]


def already_sent(child: User, week: Week) -> bool:
    from charte.notifications.models import Message

    return Message.objects.filter(kind=KIND, about=child, campaign=week.campaign).exists()


def _example() -> dict[str, object]:
    """A week as the email shows it, for previews and for the tests that send every kind."""
    from charte.content.models import Competency

    week = Week(date(2026, 11, 30))
    child = User(first_name="Ben", last_name="Martin")
    due = datetime(2026, 12, 1, 17, 0, tzinfo=ZoneInfo("Europe/Paris"))
    summary = WeekSummary(
        child=child,
        week=week,
        attempts=7,
        exercises=5,
        passed=4,
        average=72,
        moved=[
            Moved(
                competency=Competency(title="Les institutions", title_en="Institutions"),
                before=Level.IN_PROGRESS,
                after=Level.ACQUIRED,
            )
        ],
        handed_in=[
            HandedIn(
                assignment=Assignment(title="Exposé sur la laïcité", due_at=due),
                at=due + timedelta(days=1),
                late=True,
            )
        ],
        late=[Assignment(title="Fiche sur le vote", due_at=due)],
    )
    return {"summary": summary, "week": week}


EXAMPLE = _example()
