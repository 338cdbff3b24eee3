"""Learning events: recorded as the pupil works, pseudonymous, valid xAPI, gone on erasure."""

from datetime import timedelta

import pytest
from django.urls import reverse
from ralph.models.xapi.base.statements import BaseXapiStatement  # type: ignore[import-untyped]

from charte.accounts.models import User
from charte.core.actors import SEED
from charte.learning.models import LearningEvent, Pseudonym
from charte.learning.xapi import statement
from charte.privacy import erasure
from charte.statistics import actions as statistics
from charte.statistics.models import Activity
from tests.conftest import client_for, journal
from tests.learning import attempt


@pytest.mark.django_db
def test_work_becomes_pseudonymous_xapi_events(
    catalogue: None, ben_in_class: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        attempt(ben_in_class, "republique-symboles", right=4)
        client_for(ben_in_class).get(reverse("content:lesson", args=["symboles-et-valeurs"]))
    events = list(LearningEvent.objects.select_related("pseudonym").order_by("pk"))
    assert [e.verb for e in events] == ["completed", "experienced"]
    event = events[0]
    assert event.pseudonym.person_id == ben_in_class.pk
    assert event.class_id is not None
    assert event.school_id is not None
    xapi = statement(event)
    BaseXapiStatement(**xapi)  # an independent implementation accepts it
    flat = str(xapi)
    name = xapi["actor"]["account"]["name"]
    assert len(name) == 64
    assert name == event.pseudonym.value
    assert str(ben_in_class.public_id) not in flat
    assert "Ben" not in flat
    assert xapi["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert xapi["result"]["success"] is True


@pytest.mark.django_db
def test_objection_leaves_the_aggregates_and_erasure_leaves_nothing(
    catalogue: None, ben_in_class: User, forbid, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        attempt(ben_in_class, "republique-symboles", right=4)
    statistics.aggregate.refresh(lag=timedelta(0))
    assert Activity.objects.filter(pseudonym__person=ben_in_class).exists()
    forbid(ben_in_class, "statistics")
    statistics.recheck_exclusions(actor=SEED)
    assert not Activity.objects.filter(pseudonym__person=ben_in_class).exists()
    assert Pseudonym.objects.get(person=ben_in_class).excluded
    # New work is not counted either.
    with django_capture_on_commit_callbacks(execute=True):
        attempt(ben_in_class, "republique-symboles", right=2)
    statistics.aggregate.refresh(lag=timedelta(0))
    assert not Activity.objects.filter(pseudonym__person=ben_in_class).exists()
    erasure.erase(people=User.objects.filter(pk=ben_in_class.pk), actor=SEED, reason="test")
    assert not LearningEvent.objects.exists()
    assert not Pseudonym.objects.exists()


@pytest.mark.django_db
def test_batches_aggregate_once_and_erasure_reaches_every_month(
    catalogue: None, ben_in_class: User
) -> None:
    """On PostgreSQL: COPY into the monthly partitions, the upsert adds each event once however
    often the refresh runs, and erasure empties every partition of the person's events."""
    from datetime import datetime

    from django.db import connection
    from django.utils import timezone

    from charte.learning import actions as learning
    from charte.learning import partitions

    months = [timezone.make_aware(datetime(2025, m, 10, 9)) for m in (9, 10, 11)]
    rows = [
        learning.Row(
            pseudonym_id=learning.pseudonym_for(ben_in_class, at).pk,
            at=at + timedelta(minutes=i),
            verb="completed",
            kind="exercise",
            ref="x",
            competency_id=1,
            school_id=1,
            class_id=1,
            score=1.0,
            success=True,
        )
        for at in months
        for i in range(3)
    ]
    assert learning.record_many(rows=rows, actor=SEED, batch_size=4) == 9
    assert statistics.aggregate.refresh(lag=timedelta(0), batch_size=2) == 9
    assert statistics.aggregate.refresh(lag=timedelta(0)) == 0
    assert sum(a.exercises for a in Activity.objects.all()) == 9
    assert sorted({a.successes for a in Activity.objects.all()}) == [3]
    if connection.vendor == "postgresql":
        assert partitions.is_partitioned()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ONLY learning_learningevent_202510")
            assert cursor.fetchone() == (3,)
            cursor.execute("SELECT count(*) FROM ONLY learning_learningevent_default")
            assert cursor.fetchone() == (0,)
    erasure.erase(people=User.objects.filter(pk=ben_in_class.pk), actor=SEED, reason="test")
    assert not LearningEvent.objects.exists()
    assert not Activity.objects.exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM learning_learningevent")
            assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_a_restriction_or_objection_reaches_the_aggregates_and_page_views_at_once(
    catalogue: None, ben_in_class: User, dpo_elise: User, django_capture_on_commit_callbacks
) -> None:
    """No periodic job runs here: the DPO's decision alone takes the person out, on commit."""
    import uuid

    from charte.audience.models import PageView
    from charte.subject_requests.models import Kind, Limitation
    from tests.subject_requests.helpers import online, staff_url

    with django_capture_on_commit_callbacks(execute=True):
        attempt(ben_in_class, "republique-symboles", right=4)
    statistics.aggregate.refresh(lag=timedelta(0))
    PageView.objects.create(
        visitor=uuid.uuid4(), user=ben_in_class, consent_record=uuid.uuid4(), path="/"
    )
    assert Activity.objects.filter(pseudonym__person=ben_in_class).exists()

    request = online(ben_in_class, Kind.RESTRICTION, details="Je conteste mes résultats")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})

    assert not Activity.objects.filter(pseudonym__person=ben_in_class).exists()
    assert Pseudonym.objects.get(person=ben_in_class).excluded
    assert not PageView.objects.filter(user=ben_in_class).exists()
    assert journal("learning.excluded")
    assert journal("audience.removed")

    # Lifted: back in the aggregates at once, with the events the cursor had passed.
    limitation = Limitation.objects.get(person=ben_in_class)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(reverse("subject_requests:lift", args=[limitation.public_id]))
    assert not Pseudonym.objects.get(person=ben_in_class).excluded
    assert Activity.objects.filter(pseudonym__person=ben_in_class, exercises__gt=0).exists()


@pytest.mark.django_db
def test_objecting_to_improvement_removes_page_views_at_once(
    ben_in_class: User, django_capture_on_commit_callbacks
) -> None:
    import uuid

    from charte.audience.models import PageView
    from charte.privacy import processing

    PageView.objects.create(
        visitor=uuid.uuid4(), user=ben_in_class, consent_record=uuid.uuid4(), path="/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        processing.record_objection(person=ben_in_class, purpose="improvement", actor=ben_in_class)
    assert not PageView.objects.filter(user=ben_in_class).exists()


@pytest.mark.django_db
def test_a_report_sums_its_terms_and_year_from_its_weeks_and_leaves_the_settings_alone(
    catalogue: None, ben_in_class: User
) -> None:
    """The database groups the finest cells only; a term, the year and a competency over the
    year are their sums and unions. On PostgreSQL the statement's own memory setting is gone
    once it has run, even inside a longer transaction (as a test is)."""
    from datetime import datetime

    from django.db import connection
    from django.utils import timezone

    from charte.learning import actions as learning
    from charte.statistics import publication

    days = [timezone.make_aware(datetime(2025, m, 10, 9)) for m in (9, 10, 11)]
    days.append(timezone.make_aware(datetime(2026, 2, 10, 9)))
    rows = [
        learning.Row(
            pseudonym_id=learning.pseudonym_for(ben_in_class, at).pk,
            at=at + timedelta(minutes=i),
            verb="completed",
            kind="exercise",
            ref="x",
            competency_id=7,
            school_id=3,
            class_id=5,
            score=1.0,
            success=i == 0,
        )
        for at in days
        for i in range(2)
    ]
    learning.record_many(rows=rows, actor=SEED)
    statistics.aggregate.refresh(lag=timedelta(0))

    def work_mem() -> str | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    before = work_mem()
    cells = publication.build(publication.Scope("school", 3), 2025, k=5).cells
    assert work_mem() == before
    figures = {
        key: (cells[key].people, cells[key].exercises, cells[key].successes)
        for key in [
            ("total", "year", None),
            ("total", "t1", None),
            ("total", "t2", None),
            ("total", "t3", None),
            ("competency", "year", 7),
            ("competency", "t2", 7),
            ("class", "year", 5),
            ("hour", "t1", 9),
        ]
    }
    assert figures == {
        ("total", "year", None): (1, 8, 4),
        ("total", "t1", None): (1, 6, 3),
        ("total", "t2", None): (1, 2, 1),
        ("total", "t3", None): (0, 0, 0),
        ("competency", "year", 7): (1, 8, 4),
        ("competency", "t2", 7): (1, 2, 1),
        ("class", "year", 5): (1, 8, 4),
        ("hour", "t1", 9): (1, 6, 3),
    }
