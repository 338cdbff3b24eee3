"""Reads about orders and subscriptions, and who may see which.

A buyer sees their own orders and invoices. Accounting sees every order and invoice, with the
buyer's name and contact, and nothing of anyone's learning. Sales sees schools' licences.
Anyone else, and anything missing, is "not found".
"""

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.core.errors import NotFound
from charte.payments.models import Audience, Invoice, Order, Subscription
from charte.payments.plans import AUDIENCE_OF_ROLE, PLAN_BY_CODE, Plan, plans_for

EXPIRING_SOON = timedelta(days=60)


def access_desk(*, viewer: User, role: str) -> User:
    """The accounting and sales pages: their role only."""
    if viewer.role != role:
        raise NotFound(_("Page introuvable."))
    return viewer


def _role(viewer: User | Any) -> str:
    return getattr(viewer, "role", "") if getattr(viewer, "is_authenticated", False) else ""


def audience_of(viewer: User | Any) -> Audience | None:
    return AUDIENCE_OF_ROLE.get(_role(viewer))


def covering_licence(user: User, *, at: datetime | None = None) -> Subscription | None:
    """The running licence of a school the teacher belongs to: they have nothing to pay.

    A school's licence is bought by a member of its staff and covers all its teachers.
    """
    from charte.schools.models import SchoolMember

    if _role(user) != Role.TEACHER:
        return None
    at = at or timezone.now()
    schools = SchoolMember.objects.filter(person=user).values("school_id")
    staff = SchoolMember.objects.filter(school_id__in=schools, role=SchoolMember.Role.STAFF).values(
        "person_id"
    )
    return (
        Subscription.objects.filter(
            audience=Audience.SCHOOL, holder_id__in=staff, starts_at__lte=at, ends_at__gt=at
        )
        .order_by("-ends_at")
        .first()
    )


def plans_on_offer(viewer: User | Any) -> list[Plan]:
    """What the viewer may buy: their kind of plan; a visitor sees them all; a teacher whose
    school's licence covers them, nothing (never offered to pay twice)."""
    if not getattr(viewer, "is_authenticated", False):
        return plans_for(None)
    if covering_licence(viewer) is not None:
        return []
    audience = audience_of(viewer)
    return plans_for(audience) if audience else []


def access_plan_on_offer(*, viewer: User, code: str) -> Plan:
    """A plan the viewer may buy; any other code, like an unknown one, is not found."""
    plan = PLAN_BY_CODE.get(code)
    if plan is None or plan not in plans_on_offer(viewer):
        raise NotFound(_("Formule introuvable."))
    return plan


def active_subscription(user: User, *, at: datetime | None = None) -> Subscription | None:
    """The subscription period running now for `user`, if any (for retention: a renewal signal)."""
    at = at or timezone.now()
    return (
        Subscription.objects.filter(holder=user, starts_at__lte=at, ends_at__gt=at)
        .order_by("-ends_at")
        .first()
    )


def subscribed_until(user: User, *, at: datetime | None = None) -> datetime | None:
    """When the access `user` paid for ends, counting renewals bought in advance."""
    at = at or timezone.now()
    last = Subscription.objects.filter(holder=user, ends_at__gt=at).order_by("-ends_at").first()
    return last.ends_at if last else None


def last_renewal_at(user: User) -> datetime | None:
    """When `user` last paid for a subscription (charter: a renewal of the account)."""
    order = Order.objects.filter(buyer=user, status=Order.Status.PAID).order_by("-paid_at").first()
    return order.paid_at if order else None


def orders_of(buyer: User) -> QuerySet[Order]:
    return Order.objects.filter(buyer=buyer).select_related("invoice").order_by("-created_at")


def last_billing(buyer: User) -> dict[str, str]:
    """The billing details of the buyer's last order, to fill the next one in for them."""
    last = Order.objects.filter(buyer=buyer).exclude(billing_address="").first()
    if last is None:
        return {}
    return {
        "billing_name": last.billing_name,
        "billing_address": last.billing_address,
        "organisation": last.organisation,
    }


# Access --------------------------------------------------------------------------------------


def access_order_by_buyer(*, viewer: User, public_id: uuid.UUID | str) -> Order:
    order = Order.objects.filter(public_id=public_id).select_related("buyer").first()
    if order is None:
        raise NotFound(_("Commande introuvable."))
    if order.buyer_id is None or order.buyer_id != viewer.pk:
        raise NotFound(_("Commande introuvable."))
    return order


def access_order_by_accounting(*, viewer: User, public_id: uuid.UUID | str) -> Order:
    if _role(viewer) != Role.ACCOUNTING:
        raise NotFound(_("Commande introuvable."))
    order = Order.objects.filter(public_id=public_id).select_related("buyer").first()
    if order is None:
        raise NotFound(_("Commande introuvable."))
    return order


def access_invoice(*, viewer: User, public_id: uuid.UUID | str) -> Invoice:
    """An invoice, for its buyer or for accounting."""
    invoice = Invoice.objects.filter(public_id=public_id).select_related("order").first()
    if invoice is None:
        raise NotFound(_("Facture introuvable."))
    if _role(viewer) == Role.ACCOUNTING:
        return invoice
    if invoice.buyer_id is not None and invoice.buyer_id == viewer.pk:
        return invoice
    raise NotFound(_("Facture introuvable."))


def access_licence_by_sales(*, viewer: User, public_id: uuid.UUID | str) -> Subscription:
    if _role(viewer) != Role.SALES:
        raise NotFound(_("Licence introuvable."))
    licence = (
        Subscription.objects.filter(public_id=public_id, audience=Audience.SCHOOL)
        .select_related("holder", "order")
        .first()
    )
    if licence is None:
        raise NotFound(_("Licence introuvable."))
    return licence


# Accounting and sales -------------------------------------------------------------------------


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of `month` and of the next, in the operator's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def orders_for_accounting(*, status: str = "", month: date | None = None) -> QuerySet[Order]:
    orders = Order.objects.select_related("buyer", "invoice").order_by("-created_at")
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if month is not None:
        start, end = month_bounds(month)
        orders = orders.filter(created_at__gte=start, created_at__lt=end)
    return orders


def invoices_for_accounting(*, month: date | None = None) -> QuerySet[Invoice]:
    invoices = Invoice.objects.order_by("number")
    if month is not None:
        start, end = month_bounds(month)
        invoices = invoices.filter(issued_at__gte=start, issued_at__lt=end)
    return invoices


def school_licences(*, state: str = "", at: datetime | None = None) -> QuerySet[Subscription]:
    """Schools' licences: all, or those `active`, `expiring` (within 60 days) or `expired`."""
    at = at or timezone.now()
    licences = Subscription.objects.filter(audience=Audience.SCHOOL).select_related("holder")
    if state == "active":
        licences = licences.filter(starts_at__lte=at, ends_at__gt=at)
    elif state == "expiring":
        licences = licences.filter(
            starts_at__lte=at, ends_at__gt=at, ends_at__lte=at + EXPIRING_SOON
        )
    elif state == "expired":
        licences = licences.filter(ends_at__lte=at)
    return licences.order_by("ends_at")


def welcome_prices() -> dict[str, Any]:
    """The prices the visitor's welcome page states, from the catalogue itself."""
    from charte.payments.plans import PLAN_BY_CODE
    from charte.payments.templatetags.money import money

    return {
        "prices": {
            "family_month": money(PLAN_BY_CODE["famille-mensuel"].price_cents),
            "family_year": money(PLAN_BY_CODE["famille-annuel"].price_cents),
            "teacher_year": money(PLAN_BY_CODE["enseignant-annuel"].price_cents),
            "school_year": money(PLAN_BY_CODE["etablissement-annuel"].price_cents),
        }
    }


# Home-page panels -------------------------------------------------------------------------------


def subscription_panel(user: User) -> dict[str, Any]:
    return {
        "licence": covering_licence(user),
        "subscription": active_subscription(user),
        "until": subscribed_until(user),
        "can_buy": bool(plans_on_offer(user)),
    }


def accounting_panel(user: User) -> dict[str, Any]:
    start, end = month_bounds(timezone.localdate())
    paid = Order.objects.filter(status=Order.Status.PAID, paid_at__gte=start, paid_at__lt=end)
    totals = paid.aggregate(count=Count("pk"), total=Sum("amount_cents"))
    return {
        "month": start,
        "paid_count": totals["count"],
        "paid_total_cents": totals["total"] or 0,
        "invoices": Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end).count(),
        "pending": Order.objects.filter(status=Order.Status.PENDING).count(),
    }


def sales_panel(user: User) -> dict[str, Any]:
    now = timezone.now()
    active = school_licences(state="active", at=now)
    counts = active.aggregate(
        count=Count("pk"),
        seats=Sum("seats"),
        expiring=Count("pk", filter=Q(ends_at__lte=now + EXPIRING_SOON)),
    )
    return {
        "active": counts["count"],
        "seats": counts["seats"] or 0,
        "expiring": counts["expiring"],
        "soonest": list(school_licences(state="expiring", at=now)[:5]),
    }


def orders_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's block: a buyer's orders and invoices, and how long they are kept."""
    if person.pk != viewer.pk:
        return None  # a child buys nothing; a guardian's own orders are in their own block
    orders = list(orders_of(person)[:10])
    if not orders:
        return None
    return {"orders": orders}
