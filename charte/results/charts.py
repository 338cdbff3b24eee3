"""The chart of a pupil's progress over time, drawn on the server as SVG (no script, no CDN).

Each week, from the pupil's first attempt to this week, gets a point: how far along the whole
course they were at the end of that week (see `levels.progress_of`), and a bar: how many
exercises they did that week. The template `results/includes/progress_chart.html` draws it;
the same numbers are given as a table for screen readers.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from charte.results.levels import Latest, Level, level_of, progress_of

WIDTH = 640
HEIGHT = 240
LEFT = 44
RIGHT = 12
TOP = 14
BOTTOM = 34
MAX_WEEKS = 26


@dataclass(frozen=True)
class Week:
    starts_on: date
    progress: float  # 0..1
    exercises: int
    x: float = 0
    y: float = 0
    bar_x: float = 0
    bar_y: float = 0
    bar_height: float = 0

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


@dataclass(frozen=True)
class Chart:
    weeks: list[Week]
    width: int = WIDTH
    height: int = HEIGHT
    gridlines: list[tuple[float, int]] = field(default_factory=list)  # (y, percent)
    bar_width: float = 0
    left: int = LEFT
    right: int = WIDTH - RIGHT
    axis_label_x: int = LEFT - 6

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{w.x:.1f},{w.y:.1f}" for i, w in enumerate(self.weeks)
        )

    @property
    def area(self) -> str:
        if not self.weeks:
            return ""
        base = HEIGHT - BOTTOM
        return f"{self.path} L{self.weeks[-1].x:.1f},{base} L{self.weeks[0].x:.1f},{base} Z"

    @property
    def labelled(self) -> list[Week]:
        """The weeks whose date is written under the axis (about six of them)."""
        step = max(1, len(self.weeks) // 6)
        return [w for i, w in enumerate(self.weeks) if i % step == 0]

    @property
    def last(self) -> Week | None:
        return self.weeks[-1] if self.weeks else None

    @property
    def empty(self) -> bool:
        return not self.weeks


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_progress(
    attempts: Sequence[Latest], *, competencies: int, today: date | None = None
) -> Chart:
    """`attempts`: every attempt of one pupil (not only the latest), in time order."""
    if not attempts:
        return Chart(weeks=[])
    today = today or timezone.localdate()
    first = _monday(timezone.localtime(attempts[0].at).date())
    this_week = _monday(today)
    start = max(first, this_week - timedelta(weeks=MAX_WEEKS - 1))
    latest: dict[int, Latest] = {}
    raw: list[tuple[date, float, int]] = []
    index = 0
    monday = first
    while monday <= this_week:
        end = datetime.combine(monday + timedelta(days=7), datetime.min.time())
        end_aware = timezone.make_aware(end)
        done = 0
        while index < len(attempts) and attempts[index].at < end_aware:
            latest[attempts[index].exercise_id] = attempts[index]
            index += 1
            done += 1
        if monday >= start:
            by_competency: dict[int, list[Latest]] = {}
            for row in latest.values():
                by_competency.setdefault(row.competency_id, []).append(row)
            levels: list[Level] = [level_of(rows)[0] for rows in by_competency.values()]
            raw.append((monday, progress_of(levels, competencies), done))
        monday += timedelta(days=7)
    return _place(raw)


def _place(raw: list[tuple[date, float, int]]) -> Chart:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = len(raw)
    step = plot_w / max(n - 1, 1)
    most = max((count for _, _, count in raw), default=0) or 1
    bar_max = plot_h * 0.35
    bar_width = min(18.0, step * 0.6) if n > 1 else 18.0
    weeks = []
    for i, (monday, progress, count) in enumerate(raw):
        x = LEFT + (i * step if n > 1 else plot_w / 2)
        bar_height = bar_max * count / most
        weeks.append(
            Week(
                starts_on=monday,
                progress=progress,
                exercises=count,
                x=x,
                y=TOP + plot_h * (1 - progress),
                bar_x=x - bar_width / 2,
                bar_y=TOP + plot_h - bar_height,
                bar_height=bar_height,
            )
        )
    gridlines = [(TOP + plot_h * (1 - p / 100), p) for p in (0, 25, 50, 75, 100)]
    return Chart(weeks=weeks, gridlines=gridlines, bar_width=bar_width)
