from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from charte.subject_requests.models import ErasureCertificate, Status, SubjectRequest

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state_and_seeds_once():
    call_command("seed_demo", "--quiet", stdout=StringIO())
    count = SubjectRequest.objects.count()
    call_command("seed_demo", "--quiet", stdout=StringIO())

    today = timezone.localdate()
    assert SubjectRequest.objects.count() == count
    assert SubjectRequest.objects.overdue(today).exists()
    assert SubjectRequest.objects.filter(extended_to__isnull=False).exists()
    assert SubjectRequest.objects.filter(status=Status.AWAITING_IDENTITY).exists()
    certificate = ErasureCertificate.objects.get()
    assert certificate.residual_clean
    assert certificate.request.status == Status.COMPLETED
