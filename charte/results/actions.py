"""Recording attempts, and journalling who looked at a pupil's results."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.content.correction import Grading, Response, grade
from charte.content.models import Exercise
from charte.core import activity
from charte.core.actors import Actor
from charte.core.errors import ActionError
from charte.results.levels import PASS
from charte.results.models import Attempt


@transaction.atomic
def submit_attempt(
    *, pupil: User, exercise: Exercise, responses: Mapping[str, Response], actor: Actor
) -> tuple[Attempt, Grading]:
    """Correct the pupil's answers and keep them with their score. Only the pupil answers."""
    if pupil.role != Role.PUPIL:
        raise ActionError(_("Seuls les élèves enregistrent leurs réponses."))
    if not (isinstance(actor, User) and actor.pk == pupil.pk):
        raise ActionError(_("Un élève répond pour lui-même, personne d'autre."))
    if not exercise.is_published:
        raise ActionError(_("Cet exercice n'est plus proposé."))
    grading = grade(exercise, responses)
    attempt = Attempt.objects.create(
        pupil=pupil, exercise=exercise, answers=grading.answers(), score=round(grading.score, 4)
    )
    audit.record(
        event="results.attempt_recorded",
        actor=actor,
        subject=pupil,
        data={
            "attempt": str(attempt.public_id),
            "exercise": exercise.slug,
            "score": grading.percent,
        },
    )
    activity.record(
        activity.Activity(
            pupil_id=pupil.pk,
            verb=activity.Verb.COMPLETED,
            kind=activity.Kind.EXERCISE,
            ref=exercise.slug,
            competency_id=exercise.competency_id,
            score=attempt.score,
            success=attempt.score >= PASS,
            at=attempt.created_at,
        )
    )
    return attempt, grading


@transaction.atomic
def record_results_viewed(*, viewer: User, pupils: Iterable[User], via: str) -> int:
    """Journal that `viewer` was shown these pupils' results ("read.results", a read of someone
    else's data, which the journal's watch counts with every other read).

    Called by every page and API response that shows someone else's scores or levels: a
    pupil's results, a class's, an attempt's correction, the scores on an assignment, and a
    guardian's home page. A pupil looking at their own results is not journalled: it reads
    nobody else's data. One entry per pupil per response, all appended in one batch (a class
    of 1,000 costs the journal two queries, not 1,000 appends). Returns how many were written.
    """
    return len(
        audit.record_reads(
            viewer=viewer,
            subjects=pupils,
            what="results",
            data={"via": via, "viewer_role": viewer.role},
        )
    )
