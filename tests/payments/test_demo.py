from io import StringIO

import pytest
from django.core.management import call_command

from charte.accounts.models import User
from charte.payments import queries
from charte.payments.models import Invoice, Order, Subscription
from charte.support.models import ErrorReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_in_every_state_orders_for_anna_and_a_school_licence():
    call_command("seed_demo", "--quiet", stdout=StringIO())
    call_command("seed_demo", "--quiet", stdout=StringIO())

    assert sorted(ErrorReport.objects.values_list("status", flat=True)) == [
        "answered",
        "closed",
        "in_progress",
        "new",
    ]
    anna = User.objects.get(email="anna.martin@famille.example")
    assert sorted(Order.objects.filter(buyer=anna).values_list("status", flat=True)) == [
        "cancelled",
        "paid",
        "paid",
    ]
    assert queries.active_subscription(anna) is not None
    assert Invoice.objects.count() == 3
    licence = Subscription.objects.get(audience="school")
    assert licence.organisation == "Collège Jean Moulin"
