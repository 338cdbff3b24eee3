"""Learning events for the demo pupils' attempts, through the real recording path.

Each attempt the results' demo generated becomes the event the pupil's work would have made,
through the sink of `charte.core.activity` (`record_activity`, called at once rather than after
a commit), which resolves the pupil's yearly pseudonym, class and school as for a real answer. An attempt that already has its event
is left alone, so that `seed_demo` can run again. Generated volume pupils (`--pupils N`) get none:
their attempts are there for the scale of other pages.
"""

from charte import audit
from charte.core import activity
from charte.core.actors import SEED
from charte.core.demo import Demo
from charte.learning.actions import record_activity
from charte.learning.models import LearningEvent
from charte.results.levels import PASS
from charte.results.models import Attempt


def seed(demo: Demo) -> None:
    handles = sorted(h for h in demo.people if h.startswith(("child_", "pupil_")))
    recorded = 0
    for handle in handles:
        pupil = demo.person(handle)
        done = set(
            LearningEvent.objects.filter(
                pseudonym__person=pupil, kind=activity.Kind.EXERCISE
            ).values_list("ref", "at")
        )
        attempts = Attempt.objects.filter(pupil=pupil).select_related("exercise")
        for attempt in attempts.order_by("created_at"):
            if (attempt.exercise.slug, attempt.created_at) in done:
                continue
            record_activity(
                activity.Activity(
                    pupil_id=pupil.pk,
                    verb=activity.Verb.COMPLETED,
                    kind=activity.Kind.EXERCISE,
                    ref=attempt.exercise.slug,
                    competency_id=attempt.exercise.competency_id,
                    score=attempt.score,
                    success=attempt.score >= PASS,
                    at=attempt.created_at,
                )
            )
            recorded += 1
    if recorded:
        audit.record(event="demo.learning_events", actor=SEED, data={"count": recorded})
        demo.say(f"{recorded} learning events recorded for the demo pupils.")
