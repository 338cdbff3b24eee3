"""Keeping the aggregates up to date from the learning events, incrementally.

Design:
- A cursor holds the id of the last event added. Each run reads the next events by id in
  batches of bounded size (keyset), sums them per grain (person, week, hour, competency,
  class), adds the sums to the rows of `Activity` with one upsert per batch (`ON CONFLICT ...
  DO UPDATE SET n = n + excluded.n`, on SQLite and PostgreSQL alike) and moves the cursor, in
  one transaction: a run killed mid-way leaves whole batches done, and the next run goes on
  from there. Running it again adds nothing twice.
- Events only up to a few seconds old are read, so that an event whose transaction started
  before a newer one's committed is not skipped by the cursor.
- Events of an excluded pseudonym (an objection to statistics, a restriction) are not added;
  when a person becomes excluded their rows are deleted, and when they are included again
  their events are added anew (`rebuild_person`).
- No report ever reads the events: they read these rows.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from charte.learning.models import LearningEvent, Pseudonym
from charte.statistics.models import Activity, Cursor

CURSOR = "activity"
BATCH = 50_000
LAG = timedelta(seconds=5)

type Key = tuple[int, date, int, int, int, int]
type Sums = list[int]  # events, exercises, successes, lessons


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _grain(
    pseudonym_id: int,
    at: datetime,
    competency_id: int | None,
    school_id: int | None,
    class_id: int | None,
) -> Key:
    local = timezone.localtime(at)
    return (
        pseudonym_id,
        monday(local.date()),
        local.hour,
        competency_id or 0,
        school_id or 0,
        class_id or 0,
    )


def _sum(rows: Iterable[tuple[Any, ...]]) -> dict[Key, Sums]:
    sums: dict[Key, Sums] = defaultdict(lambda: [0, 0, 0, 0])
    for pseudonym_id, at, kind, competency_id, school_id, class_id, success in rows:
        cell = sums[_grain(pseudonym_id, at, competency_id, school_id, class_id)]
        cell[0] += 1
        if kind == "exercise":
            cell[1] += 1
            if success:
                cell[2] += 1
        elif kind == "lesson":
            cell[3] += 1
    return sums


UPSERT = (
    "INSERT INTO statistics_activity "
    "(pseudonym_id, week, hour, competency_id, school_id, class_id, "
    "events, exercises, successes, lessons) VALUES ({values}) "
    "ON CONFLICT (pseudonym_id, week, hour, competency_id, school_id, class_id) DO UPDATE SET "
    "events = statistics_activity.events + excluded.events, "
    "exercises = statistics_activity.exercises + excluded.exercises, "
    "successes = statistics_activity.successes + excluded.successes, "
    "lessons = statistics_activity.lessons + excluded.lessons"
)


def _add(sums: dict[Key, Sums]) -> None:
    if not sums:
        return
    params: list[tuple[Any, ...]] = [(*key, *values) for key, values in sums.items()]
    placeholders = ", ".join(["%s"] * 10)
    with connection.cursor() as cursor:
        cursor.executemany(UPSERT.format(values=placeholders), params)


FIELDS = ("pseudonym_id", "at", "kind", "competency_id", "school_id", "class_id", "success")


def refresh(*, batch_size: int = BATCH, lag: timedelta = LAG) -> int:
    """Add every event not yet added to the aggregates; returns how many were read."""
    horizon = timezone.now() - lag
    read = 0
    while True:
        with transaction.atomic():
            cursor, _ = Cursor.objects.select_for_update().get_or_create(name=CURSOR)
            rows = list(
                LearningEvent.objects.filter(pk__gt=cursor.last_event_id, at__lte=horizon)
                .order_by("pk")
                .values_list("pk", *FIELDS)[:batch_size]
            )
            if not rows:
                return read
            excluded = _excluded({row[1] for row in rows})
            _add(_sum(row[1:] for row in rows if row[1] not in excluded))
            cursor.last_event_id = rows[-1][0]
            cursor.updated_at = timezone.now()
            cursor.save(update_fields=["last_event_id", "updated_at"])
            read += len(rows)
        if len(rows) < batch_size:
            return read


def _excluded(pseudonym_ids: set[int]) -> set[int]:
    return set(
        Pseudonym.objects.filter(pk__in=pseudonym_ids, excluded=True).values_list("pk", flat=True)
    )


@transaction.atomic
def drop_pseudonyms(pseudonym_ids: Iterable[int]) -> int:
    """Take these pseudonyms out of every aggregate."""
    deleted, _ = Activity.objects.filter(pseudonym_id__in=list(pseudonym_ids)).delete()
    _moved()
    return deleted


def _moved() -> None:
    """Tell the cached publications that the aggregates changed."""
    Cursor.objects.get_or_create(name=CURSOR)
    Cursor.objects.filter(name=CURSOR).update(updated_at=timezone.now())


@transaction.atomic
def rebuild_pseudonyms(pseudonym_ids: Iterable[int]) -> int:
    """Add these pseudonyms' events anew (those the cursor has passed), after an inclusion."""
    ids = list(pseudonym_ids)
    Activity.objects.filter(pseudonym_id__in=ids).delete()
    cursor, _ = Cursor.objects.select_for_update().get_or_create(name=CURSOR)
    rows = LearningEvent.objects.filter(
        pseudonym_id__in=ids, pseudonym__excluded=False, pk__lte=cursor.last_event_id
    ).values_list(*FIELDS)
    sums = _sum(rows.iterator(chunk_size=5000))
    _add(sums)
    _moved()
    return len(sums)
