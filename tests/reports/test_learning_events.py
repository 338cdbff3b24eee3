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
from tests.conftest import client_for
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
