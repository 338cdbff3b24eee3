"""The main pages of each role make as many queries with 1,000 rows as with 10.

Each test opens its role's pages as that person does (signed in, over HTTP), counts the
queries with 10 rows behind the page (pupils in the class, attempts, requests...), adds 990
more in bulk, and counts again: the count must not grow. A page whose count grows with its
rows (one query per row, N+1) fails here, with the queries of both runs in the message.
"""

import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.content.models import Exercise
from charte.results.demo import make_attempt
from charte.results.models import Attempt
from charte.retention.models import StoredForecast
from charte.retention.tasks import store_forecast
from charte.schools.models import Enrolment, SchoolClass, SchoolYear
from charte.subject_requests.models import Channel, Kind, Status, SubjectRequest
from tests.conftest import client_for
from tests.learning import catalogue, chloe_class, enrol, school

__all__ = ["catalogue", "chloe_class", "school"]

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 1000


def count_queries(client, url: str) -> tuple[int, list[str]]:
    """The page's queries, its journal entries included: a page that shows many people's
    data journals one read entry for each, appended in one batch (`audit.record_reads`)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [q["sql"] for q in queries.captured_queries]
    return len(sql), sql


def assert_flat(client, urls: list[str], grow: Callable[[int], None]) -> None:
    """Each of `urls` makes no more queries once `grow` brought its rows from 10 to 1,000."""
    grow(SMALL)
    for url in urls:
        client.get(url)  # caches warmed (the charter's version, the consent state...)
    small = {url: count_queries(client, url) for url in urls}
    grow(LARGE - SMALL)
    for url in urls:
        count, sql = count_queries(client, url)
        before, before_sql = small[url]
        assert count <= before, (
            f"{url}: {before} queries with {SMALL} rows, {count} with {LARGE}\n"
            + "\n".join(
                f"{n} x {shape}"
                for shape, n in Counter(s[:120] for s in sql).most_common(8)
                if n > Counter(s[:120] for s in before_sql)[shape]
            )
        )


def _pupils(n: int, start: int) -> list[User]:
    """`n` pupils created in bulk (no password: they never sign in here)."""
    return User.objects.bulk_create(
        User(
            role=Role.PUPIL,
            username=f"perf.{start + i}",
            first_name=f"Élève{start + i}",
            last_name="Perf",
            password="!",
        )
        for i in range(n)
    )


def _attempts(pupils: list[User], per_pupil: int, seed: int) -> None:
    exercises = list(Exercise.objects.prefetch_related("questions")[:6])
    rng = random.Random(seed)
    now = timezone.now()
    Attempt.objects.bulk_create(
        [
            make_attempt(pupil, exercises[i % len(exercises)], 0.7, now - timedelta(hours=i), rng)
            for pupil in pupils
            for i in range(per_pupil)
        ],
        batch_size=500,
    )


def test_a_teachers_pages_stay_flat_as_the_class_grows(catalogue, chloe_class, teacher_chloe):
    made = 0

    def grow(n: int) -> None:
        nonlocal made
        pupils = _pupils(n, made)
        made += n
        Enrolment.objects.bulk_create(
            Enrolment(pupil=p, school_class=chloe_class, method=Enrolment.Method.CODE)
            for p in pupils
        )
        _attempts(pupils, 1, made)

    urls = [
        reverse("home"),
        reverse("schools:classes"),
        reverse("schools:class_detail", args=[chloe_class.public_id]),
        reverse("results:class_results", args=[chloe_class.public_id]),
    ]
    assert_flat(client_for(teacher_chloe), urls, grow)


def test_a_pupils_pages_stay_flat_as_their_attempts_grow(catalogue, chloe_class, pupil_lea):
    enrol(pupil_lea, chloe_class)

    def grow(n: int) -> None:
        _attempts([pupil_lea], n, n)

    urls = [reverse("home"), reverse("results:mine")]
    assert_flat(client_for(pupil_lea), urls, grow)


def test_a_parents_pages_stay_flat_as_their_childs_attempts_grow(
    catalogue, chloe_class, guardian_anna, child_ben
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    enrol(child_ben, chloe_class)

    def grow(n: int) -> None:
        _attempts([child_ben], n, n)

    urls = [
        reverse("home"),
        reverse("families:home"),
        reverse("families:child", args=[child_ben.public_id]),
        reverse("results:pupil", args=[child_ben.public_id]),
    ]
    assert_flat(client_for(guardian_anna), urls, grow)


def test_the_dpos_pages_stay_flat_as_requests_grow(dpo_elise):
    made = 0

    def grow(n: int) -> None:
        nonlocal made
        people = _pupils(n, 10_000 + made)
        made += n
        today = timezone.localdate()
        SubjectRequest.objects.bulk_create(
            SubjectRequest(
                kind=Kind.ACCESS,
                status=Status.IN_REVIEW,
                person=person,
                requester=person,
                channel=Channel.ONLINE,
                due_on=today + timedelta(days=30),
            )
            for person in people
        )

    urls = [reverse("home"), reverse("subject_requests:queue")]
    assert_flat(client_for(dpo_elise), urls, grow)


def test_the_dpos_home_stays_flat_as_accounts_past_their_end_grow(dpo_elise):
    """The retention block reads the figures the nightly job stored, however many accounts
    they count (computed on the page, they read most of the accounts table at each visit)."""
    made = 0

    def grow(n: int) -> None:
        nonlocal made
        people = _pupils(n, 20_000 + made)
        made += n
        User.objects.filter(pk__in=[p.pk for p in people]).update(
            created_at=timezone.now() - timedelta(days=3 * 365)
        )
        store_forecast.enqueue()  # the night's job, on the grown table

    assert_flat(client_for(dpo_elise), [reverse("home")], grow)
    stored = {d["rule"]: d for d in StoredForecast.objects.get().rules}
    assert stored["account"]["due_now"] == LARGE


def test_a_school_staff_members_pages_stay_flat_as_classes_grow(school, staff_david):
    made = 0
    year = SchoolYear.current()

    def grow(n: int) -> None:
        nonlocal made
        SchoolClass.objects.bulk_create(
            SchoolClass(school=school, year=year, name=f"Classe {made + i}", level="6e")
            for i in range(n)
        )
        made += n

    urls = [reverse("home"), reverse("schools:school_detail", args=[school.public_id])]
    assert_flat(client_for(staff_david), urls, grow)
