"""Work set before a pupil joined the class is never late for them; it is for the others."""

from datetime import timedelta

from django.utils import timezone

from charte.accounts.models import User
from charte.assignments import actions
from charte.assignments.models import Assignment
from charte.assignments.queries import Status, status_of
from charte.schools.models import Enrolment, SchoolClass
from tests.learning import enrol


def test_work_set_before_a_pupil_joined_is_never_late_for_them(
    chloe_class: SchoolClass, teacher_chloe: User, child_ben: User, pupil_lea: User
) -> None:
    enrol(pupil_lea, chloe_class)
    assignment = actions.create_assignment(
        school_class=chloe_class,
        title="Les symboles",
        due_at=timezone.now() + timedelta(days=2),
        actor=teacher_chloe,
        expects_production=True,
    )
    # Set ten days ago, due a week ago; Léa was there, Ben arrives today.
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - timedelta(days=10), due_at=timezone.now() - timedelta(days=7)
    )
    Enrolment.objects.filter(pupil=pupil_lea).update(started_at=timezone.now() - timedelta(days=30))
    enrol(child_ben, chloe_class)
    assignment.refresh_from_db()
    assert status_of(assignment, pupil_lea).status == Status.LATE
    assert status_of(assignment, child_ben).status == Status.TODO
