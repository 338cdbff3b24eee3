"""An open request keeps the person's data from the retention sweep until it is answered."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import User
from charte.core.actors import RETENTION
from charte.retention import sweep
from charte.retention.models import LegalHold
from charte.subject_requests.models import Decision, Kind, Limitation, Status, SubjectRequest
from tests.conftest import client_for, journal
from tests.factories import PASSWORD
from tests.retention.helpers import account_created
from tests.subject_requests.helpers import new_url, staff_url

pytestmark = pytest.mark.django_db

LONG_AFTER = date(2031, 1, 10)  # every account created in 2025 is past its school year by then


def holds_of(person):
    return LegalHold.objects.filter(person=person, reason=LegalHold.Reason.PENDING_REQUEST)


def test_a_pending_request_holds_the_person_until_it_is_cancelled():
    anna = account_created(date(2025, 9, 2), email="anna.h@famille.test")
    client = client_for(anna)

    client.post(new_url(anna, Kind.ACCESS), {"password": PASSWORD})

    request = SubjectRequest.objects.get(person=anna)
    [hold] = holds_of(anna)
    assert (hold.reference, hold.lifted_at) == (str(request.public_id), None)
    [placed] = journal("retention.hold_placed", about=anna)
    assert placed.data["reason"] == "pending_request"

    report = sweep.run(today=LONG_AFTER, actor=RETENTION)

    assert User.objects.filter(pk=anna.pk).exists()  # the request is still to be answered
    assert report.outcome("account").held == 1

    client.post(reverse("subject_requests:cancel", args=[request.public_id]))

    request.refresh_from_db()
    hold.refresh_from_db()
    assert request.status == Status.CANCELLED
    assert hold.lifted_at is not None
    assert len(journal("retention.hold_lifted", about=anna)) == 1
    sweep.run(today=LONG_AFTER, actor=RETENTION)
    assert not User.objects.filter(pk=anna.pk).exists()


def test_answering_a_request_lifts_its_hold_and_only_its_own(dpo_elise):
    anna = account_created(date(2025, 9, 2), email="anna.h@famille.test")
    client = client_for(anna)
    client.post(new_url(anna, Kind.RECTIFICATION), {"password": PASSWORD, "details": "Nom"})
    client.post(new_url(anna, Kind.RESTRICTION), {"password": PASSWORD, "details": "Adresse"})
    rectification = SubjectRequest.objects.get(person=anna, kind=Kind.RECTIFICATION)
    restriction = SubjectRequest.objects.get(person=anna, kind=Kind.RESTRICTION)
    assert holds_of(anna).filter(lifted_at__isnull=True).count() == 2

    client_for(dpo_elise).post(
        staff_url(rectification),
        {
            "action": "decide",
            "decision": Decision.REFUSED,
            "ground": "art12_5_unfounded",
            "note": "Non fondée",
        },
    )

    rectification.refresh_from_db()
    assert not rectification.is_open
    still = holds_of(anna).filter(lifted_at__isnull=True)
    assert list(still.values_list("reference", flat=True)) == [str(restriction.public_id)]
    assert holds_of(anna).get(reference=str(rectification.public_id)).lifted_at <= timezone.now()


def test_a_restriction_in_force_keeps_the_data_from_the_sweep_until_the_dpo_lifts_it(dpo_elise):
    anna = account_created(date(2025, 9, 2), email="anna.h@famille.test")
    client_for(anna).post(new_url(anna, Kind.RESTRICTION), {"password": PASSWORD, "details": "Nom"})
    request = SubjectRequest.objects.get(person=anna)

    client_for(dpo_elise).post(
        staff_url(request), {"action": "decide", "decision": Decision.APPROVED}
    )

    request.refresh_from_db()
    assert request.status == Status.COMPLETED  # the request is answered, its own hold lifted
    limitation = Limitation.objects.get(person=anna)
    [hold] = LegalHold.objects.filter(person=anna, lifted_at__isnull=True)
    assert (hold.reason, hold.reference) == ("restriction", str(limitation.public_id))
    report = sweep.run(today=LONG_AFTER, actor=RETENTION)
    assert User.objects.filter(pk=anna.pk).exists()  # art. 18: kept as it is
    assert report.outcome("account").held == 1

    # (the sweep ended every session: 2031 is long after them all)
    client_for(dpo_elise).post(reverse("subject_requests:lift", args=[limitation.public_id]))

    hold.refresh_from_db()
    assert hold.lifted_at is not None
    sweep.run(today=LONG_AFTER, actor=RETENTION)
    assert not User.objects.filter(pk=anna.pk).exists()
