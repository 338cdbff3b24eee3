"""Results through the API: the same access rules, and the same journal, as the pages."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from charte.content import queries as content
from charte.content.correction import coerce_response
from charte.core.access import viewer_of
from charte.core.schemas import InputSchema, refusals
from charte.results import actions, queries
from charte.schools import queries as schools

router = Router(tags=["results"])


class CompetencyOut(Schema):
    code: str
    title: str
    level: str
    level_label: str
    score: int | None  # percent


class ExerciseStatOut(Schema):
    slug: str
    title: str
    competency: str
    difficulty: int
    attempts: int
    latest: int  # percent
    best: int  # percent
    last_at: datetime


class PupilResultsOut(Schema):
    pupil: UUID
    first_name: str
    progress: int  # percent of the whole course
    competencies: list[CompetencyOut]
    exercises: list[ExerciseStatOut]


class AttemptOut(Schema):
    public_id: UUID
    exercise: str
    score: int  # percent
    created_at: datetime


class AnswerOut(Schema):
    question: str
    score: float


class AttemptDetailOut(AttemptOut):
    answers: list[AnswerOut]
    level: str


class AttemptIn(InputSchema):
    responses: dict[str, Any]


class ClassPupilOut(Schema):
    pupil: UUID
    first_name: str
    last_name: str
    progress: int
    levels: dict[str, str]  # competency code -> level


class ClassResultsOut(Schema):
    pupils: list[ClassPupilOut]
    success_per_exercise: dict[str, int]  # exercise slug -> percent


@router.get(
    "/pupils/{public_id}",
    response={200: PupilResultsOut, **refusals(401, 404, 422)},
    summary="A pupil's results",
)
def pupil_results(request: HttpRequest, public_id: UUID) -> PupilResultsOut:
    """Levels per competency and success per exercise: for the pupil, their guardians and
    their current teachers. Reads by anyone but the pupil are journalled."""
    viewer = viewer_of(request)
    pupil = queries.access_pupil_results(viewer=viewer, public_id=public_id)
    actions.record_results_viewed(viewer=viewer, pupils=[pupil], via="api")
    report = queries.pupil_report(pupil)
    return PupilResultsOut(
        pupil=pupil.public_id,
        first_name=pupil.first_name,
        progress=report.progress_percent,
        competencies=[
            CompetencyOut(
                code=c.competency.code,
                title=c.competency.display_title,
                level=c.level.value,
                level_label=str(c.level.label),
                score=c.percent,
            )
            for c in report.competencies
        ],
        exercises=[
            ExerciseStatOut(
                slug=s.exercise.slug,
                title=s.exercise.display_title,
                competency=c.competency.code,
                difficulty=s.exercise.difficulty,
                attempts=s.attempts,
                latest=s.latest_percent,
                best=s.best_percent,
                last_at=s.last_at,
            )
            for c in report.competencies
            for s in c.exercises
        ],
    )


@router.get(
    "/pupils/{public_id}/attempts",
    response={200: list[AttemptOut], **refusals(401, 404, 422)},
    summary="A pupil's attempts",
)
def pupil_attempts(request: HttpRequest, public_id: UUID) -> list[AttemptOut]:
    viewer = viewer_of(request)
    pupil = queries.access_pupil_results(viewer=viewer, public_id=public_id)
    actions.record_results_viewed(viewer=viewer, pupils=[pupil], via="api")
    return [
        AttemptOut(
            public_id=a.public_id,
            exercise=a.exercise.slug,
            score=a.percent,
            created_at=a.created_at,
        )
        for a in pupil.attempts.select_related("exercise")[:500]
    ]


@router.post(
    "/exercises/{slug}/attempts",
    response={201: AttemptDetailOut, **refusals(400, 401, 403, 404, 422)},
    summary="Answer an exercise (pupils)",
)
def answer(request: HttpRequest, slug: str, payload: AttemptIn) -> Status[AttemptDetailOut]:
    """`responses` maps each question key (q1, q2...) to the answer: a list of option indices
    (multiple choice), true or false, a list of right-hand indices (matching), or text."""
    viewer = viewer_of(request)
    exercise = content.exercise_by_slug(slug)
    responses = {
        q.key: coerce_response(q, payload.responses.get(q.key)) for q in exercise.questions.all()
    }
    attempt, grading = actions.submit_attempt(
        pupil=viewer, exercise=exercise, responses=responses, actor=viewer
    )
    level, _ = queries.levels_of(viewer)[exercise.competency_id]
    out = AttemptDetailOut(
        public_id=attempt.public_id,
        exercise=exercise.slug,
        score=attempt.percent,
        created_at=attempt.created_at,
        answers=[AnswerOut(question=r.question.key, score=r.score) for r in grading.results],
        level=level.value,
    )
    return Status(201, out)


@router.get(
    "/classes/{public_id}",
    response={200: ClassResultsOut, **refusals(401, 404, 422)},
    summary="A class's results",
)
def class_results(request: HttpRequest, public_id: UUID) -> ClassResultsOut:
    """For the class's teachers. Each pupil's results read is journalled."""
    viewer = viewer_of(request)
    school_class = schools.access_class_by_teacher(viewer=viewer, public_id=public_id)
    pupils = list(schools.pupils_of_class(school_class))
    actions.record_results_viewed(viewer=viewer, pupils=pupils, via="api_class")
    report = queries.class_report(pupils)
    codes = [c.code for c in report.competencies]
    return ClassResultsOut(
        pupils=[
            ClassPupilOut(
                pupil=row.pupil.public_id,
                first_name=row.pupil.first_name,
                last_name=row.pupil.last_name,
                progress=row.progress,
                levels={
                    code: level.value for code, (level, _) in zip(codes, row.levels, strict=True)
                },
            )
            for row in report.rows
        ],
        success_per_exercise={r.exercise.slug: r.success for r in report.exercises},
    )
