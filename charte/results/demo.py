"""Attempts spread over the weeks since the start of the school year, so that levels, success
rates and the progress chart mean something.

Each pupil of Chloé's class has an ability that grows week after week; each week they do a few
exercises, climbing in difficulty where they succeed. Their answers are generated right or
wrong according to that ability and corrected by the real correction, so scores and levels
come out exactly as they would for real answers. Ben is an average pupil who is improving,
Léa a strong one, Nour a beginner. Volume pupils (`--pupils N`) get a few attempts each.
"""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from charte import audit
from charte.accounts.models import User
from charte.content.correction import grade
from charte.content.models import Exercise, Question
from charte.core.actors import SEED
from charte.core.demo import Demo
from charte.results.levels import PASS
from charte.results.models import Attempt
from charte.schools.demo import school_year_day

# handle -> (ability at the start of the year, gain per week, exercises per week)
PROFILES: dict[str, tuple[float, float, int]] = {
    "child_ben": (0.5, 0.035, 2),
    "child_lea": (0.72, 0.025, 3),
    "child_nour": (0.35, 0.02, 1),
}


def answer(question: Question, right: bool, rng: random.Random) -> Any:
    """A response to `question`, right or wrong, as a pupil could give it."""
    data = question.data
    match question.kind:
        case Question.Kind.CHOICE:
            if right:
                return list(data["answers"])
            wrong = [i for i in range(len(data["options"])) if i not in data["answers"]]
            return [rng.choice(wrong)] if wrong else []
        case Question.Kind.TRUE_FALSE:
            return data["answer"] if right else not data["answer"]
        case Question.Kind.MATCHING:
            order = list(range(len(data["pairs"])))
            if not right:
                i, j = rng.sample(order, 2)
                order[i], order[j] = order[j], order[i]
            return order
        case _:
            return data["accepted"][0] if right else rng.choice(["je ne sais pas", "", "la loi"])


def make_attempt(
    pupil: User, exercise: Exercise, ability: float, at: datetime, rng: random.Random
) -> Attempt:
    chance = max(0.05, min(0.97, ability - 0.12 * (exercise.difficulty - 1)))
    questions = list(exercise.questions.all())
    responses = {q.key: answer(q, rng.random() < chance, rng) for q in questions}
    grading = grade(exercise, responses)
    return Attempt(
        pupil=pupil,
        exercise=exercise,
        answers=grading.answers(),
        score=round(grading.score, 4),
        created_at=at,
    )


def _school_moment(monday: datetime, rng: random.Random) -> datetime:
    return monday + timedelta(
        days=rng.randrange(0, 6), hours=rng.randrange(1, 10), minutes=rng.randrange(60)
    )


def season(
    pupil: User,
    exercises: Sequence[Exercise],
    *,
    ability: float,
    gain: float,
    per_week: int,
    start: datetime,
    rng: random.Random,
) -> list[Attempt]:
    """A pupil's attempts from `start` to last week: up the difficulty where they succeed."""
    by_competency: dict[int, list[Exercise]] = {}
    for exercise in exercises:
        by_competency.setdefault(exercise.competency_id, []).append(exercise)
    competencies = list(by_competency)
    rng.shuffle(competencies)
    opened = competencies[:3]
    latest: dict[int, float] = {}
    attempts: list[Attempt] = []
    now = timezone.now()
    monday = start
    week = 0
    while monday + timedelta(days=7) < now:
        for _ in range(max(0, per_week + rng.choice([-1, 0, 0, 1]))):
            if rng.random() < 0.25 and len(opened) < len(competencies):
                opened.append(competencies[len(opened)])
            competency = rng.choice(opened)
            ladder = by_competency[competency]
            passed = [e.difficulty for e in ladder if latest.get(e.pk, 0) >= PASS]
            target = min(max(passed, default=0) + 1, 3)
            options = [e for e in ladder if e.difficulty == target] or ladder
            exercise = rng.choice(options)
            attempt = make_attempt(
                pupil, exercise, ability + gain * week, _school_moment(monday, rng), rng
            )
            latest[exercise.pk] = attempt.score
            attempts.append(attempt)
        monday += timedelta(days=7)
        week += 1
    return attempts


def seed(demo: Demo) -> None:
    rng = random.Random(2026_11)  # noqa: S311  (repeatable demo data, not a secret)
    exercises = list(Exercise.objects.published().prefetch_related("questions").order_by("pk"))
    start = school_year_day(9, 7)
    start -= timedelta(days=start.weekday())
    handles = [
        "child_ben",
        "child_lea",
        "child_nour",
        *sorted(h for h in demo.people if h.startswith("pupil_")),
    ]
    batch: list[Attempt] = []
    for handle in handles:
        pupil = demo.person(handle)
        if Attempt.objects.filter(pupil=pupil).exists():
            continue
        ability, gain, per_week = PROFILES.get(
            handle, (rng.uniform(0.35, 0.8), rng.uniform(0.0, 0.03), rng.choice([1, 2, 2, 3]))
        )
        batch += season(
            pupil, exercises, ability=ability, gain=gain, per_week=per_week, start=start, rng=rng
        )
    Attempt.objects.bulk_create(batch, batch_size=1000)
    if batch:
        audit.record(event="demo.attempts_generated", actor=SEED, data={"count": len(batch)})
    if demo.pupils:
        _volume(exercises, rng, demo)


def _volume(exercises: list[Exercise], rng: random.Random, demo: Demo) -> None:
    """A few attempts for each generated pupil who has none, in bulk."""
    pupils = list(
        User.objects.filter(username__startswith="eleve-", attempts__isnull=True).order_by("pk")
    )
    if not pupils:
        return
    now = timezone.now()
    easy = [e for e in exercises if e.difficulty == 1]
    rows: list[Attempt] = []
    created = 0
    for pupil in pupils:
        for n in range(3):
            exercise = rng.choice(easy if n == 0 else exercises)
            at = now - timedelta(days=rng.randrange(1, 70), minutes=rng.randrange(600))
            rows.append(make_attempt(pupil, exercise, rng.uniform(0.3, 0.9), at, rng))
        if len(rows) >= 6000:
            Attempt.objects.bulk_create(rows, batch_size=2000)
            created += len(rows)
            rows = []
    Attempt.objects.bulk_create(rows, batch_size=2000)
    created += len(rows)
    audit.record(event="demo.attempts_generated", actor=SEED, data={"count": created})
    demo.say(f"{created} attempts generated for {len(pupils)} generated pupils.")
