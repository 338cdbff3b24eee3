"""Demo orders: Anna's family subscription (bought last year, renewed this year), an order she
gave up on the payment page, and the licence of David's school.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from charte.core.demo import Demo
from charte.payments import actions
from charte.payments.models import Order
from charte.payments.plans import PLAN_BY_CODE

ADDRESS = "8 rue des Lilas\n69003 Lyon"
SCHOOL = "Collège Jean Moulin"
SCHOOL_ADDRESS = "Collège Jean Moulin\n2 avenue de la République\n69100 Villeurbanne"

# handle, plan, organisation, address, days ago it was placed, outcome
# (in the order they happened, so that invoice numbers follow their dates)
ORDERS = [
    ("staff_david", "etablissement-annuel", SCHOOL, SCHOOL_ADDRESS, 320, "paid"),
    ("guardian_anna", "famille-mensuel", "", ADDRESS, 40, "paid"),
    ("guardian_anna", "famille-annuel", "", ADDRESS, 12, "cancelled"),
    ("guardian_anna", "famille-annuel", "", ADDRESS, 11, "paid"),
]


def seed(demo: Demo) -> None:
    if not settings.PAYMENT_PROVIDER:
        return  # nothing is for sale here
    now = timezone.now()
    for handle, plan_code, organisation, address, days_ago, outcome in ORDERS:
        buyer = demo.person(handle)
        placed_at = now - timedelta(days=days_ago)
        # One order of each plan and outcome per person: seeding again finds it and moves on.
        if Order.objects.filter(buyer=buyer, plan_code=plan_code, status=outcome).exists():
            continue
        order, _checkout = actions.place_order(
            buyer=buyer,
            plan=PLAN_BY_CODE[plan_code],
            billing_name=buyer.full_name,
            billing_address=address,
            organisation=organisation,
            site_url=settings.SITE_URL,
            actor=buyer,
        )
        # The demo's story happened over the past months: date each order back to its day.
        Order.objects.filter(pk=order.pk).update(created_at=placed_at)
        if outcome == "paid":
            actions.record_payment(
                order=order, card_last4="4242", actor=actions.PROVIDER, at=placed_at
            )
        else:
            actions.cancel_order(order=order, actor=actions.PROVIDER)
    paid = Order.objects.filter(status=Order.Status.PAID).count()
    demo.say(f"Orders: {paid} paid, with their invoices and subscriptions.")
