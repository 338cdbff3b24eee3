"""Recording learning events: one at a time as pupils work, or in batches (imports, benchmark).

Design: an event is written after the pupil's own transaction has committed (see
`charte.core.activity`), with the pseudonym of the current school year and the class and
school the pupil is in at that moment. Batches go in with one COPY on PostgreSQL (a bulk
insert elsewhere), pseudonyms resolved once per person and year. Events are observations,
not changes of anyone's data, so they are not journalled one by one (the journal would be
their copy); a batch is journalled with its count.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from charte import audit
from charte.accounts.models import Role, User
from charte.core.activity import Activity
from charte.core.actors import Actor
from charte.learning import pseudonyms
from charte.learning.models import LearningEvent, Pseudonym
from charte.privacy import processing
from charte.schools import queries as schools

COLUMNS = (
    "pseudonym_id",
    "at",
    "verb",
    "kind",
    "ref",
    "competency_id",
    "school_id",
    "class_id",
    "score",
    "success",
)


def pseudonym_for(person: User, at: datetime) -> Pseudonym:
    """The person's pseudonym for the school year of `at`, made on first use."""
    year = pseudonyms.school_year_of(timezone.localtime(at).date())
    found = Pseudonym.objects.filter(person=person, school_year=year).first()
    if found is not None:
        return found
    with transaction.atomic():
        found, _ = Pseudonym.objects.get_or_create(
            person=person,
            school_year=year,
            defaults={
                "value": pseudonyms.pseudonym(person.public_id, year),
                "excluded": not processing.allowed(person, "statistics"),
            },
        )
    return found


def record_activity(activity: Activity) -> LearningEvent | None:
    """The sink of `charte.core.activity`: one event, for a pupil, after their commit."""
    pupil = User.objects.filter(pk=activity.pupil_id, role=Role.PUPIL).first()
    if pupil is None:
        return None
    enrolment = schools.current_enrolment(pupil)
    return LearningEvent.objects.create(
        pseudonym=pseudonym_for(pupil, activity.at),
        at=activity.at,
        verb=str(activity.verb),
        kind=str(activity.kind),
        ref=activity.ref[:80],
        competency_id=activity.competency_id,
        school_id=enrolment.school_class.school_id if enrolment else None,
        class_id=enrolment.school_class_id if enrolment else None,
        score=activity.score,
        success=activity.success,
    )


def record_from_activity(activity: Activity) -> None:
    record_activity(activity)


@dataclass(frozen=True, slots=True)
class Row:
    """An event ready to store (what `record_many` takes): the pseudonym already resolved."""

    pseudonym_id: int
    at: datetime
    verb: str
    kind: str
    ref: str
    competency_id: int | None
    school_id: int | None
    class_id: int | None
    score: float | None
    success: bool | None


def record_many(*, rows: Iterable[Row], actor: Actor, batch_size: int = 20_000) -> int:
    """Store events in batches (COPY on PostgreSQL, bulk inserts elsewhere); returns the count."""
    total = 0
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            total += _write(batch)
            batch = []
    if batch:
        total += _write(batch)
    audit.record(event="learning.events_imported", actor=actor, data={"count": total})
    return total


def _write(batch: Sequence[Row]) -> int:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(
                    f"COPY learning_learningevent ({', '.join(COLUMNS)}) FROM STDIN"
                ) as copy:
                    for row in batch:
                        copy.write_row(
                            (
                                row.pseudonym_id,
                                row.at,
                                row.verb,
                                row.kind,
                                row.ref,
                                row.competency_id,
                                row.school_id,
                                row.class_id,
                                row.score,
                                row.success,
                            )
                        )
        else:
            LearningEvent.objects.bulk_create(
                [
                    LearningEvent(
                        pseudonym_id=r.pseudonym_id,
                        at=r.at,
                        verb=r.verb,
                        kind=r.kind,
                        ref=r.ref,
                        competency_id=r.competency_id,
                        school_id=r.school_id,
                        class_id=r.class_id,
                        score=r.score,
                        success=r.success,
                    )
                    for r in batch
                ],
                batch_size=1000,
            )
    return len(batch)


@transaction.atomic
def set_excluded(*, person: User, excluded: bool, actor: Actor) -> list[int]:
    """Mark every pseudonym of `person` in or out of the statistics; returns those changed."""
    changed = list(
        Pseudonym.objects.filter(person=person)
        .exclude(excluded=excluded)
        .values_list("pk", flat=True)
    )
    if changed:
        Pseudonym.objects.filter(pk__in=changed).update(excluded=excluded)
        audit.record(
            event="learning.excluded" if excluded else "learning.included",
            actor=actor,
            subject=person,
            data={"pseudonyms": len(changed)},
        )
    return changed
