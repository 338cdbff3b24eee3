"""Orders, payments, subscriptions and invoices: each change names its actor and is journalled.

Design: an order is placed by its buyer and sent to the provider's own payment page; the
provider's signed webhook is the only thing that marks it paid. Paying starts a subscription
period (after the current one, for a renewal), issues the invoice, stamps the buyer's last
order (charter: "last activity") and emails the confirmation and the invoice. The journal gets
ids, codes and amounts: never a name, an address or anything from the card.
"""

import re
import time
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core.actors import Actor, SystemActor
from charte.core.cards import card_numbers
from charte.core.errors import ActionError, Conflict, NotFound
from charte.notifications.actions import notify
from charte.payments import providers
from charte.payments.models import (
    Audience,
    Invoice,
    InvoiceSequence,
    Order,
    ProviderEvent,
    Subscription,
)
from charte.payments.plans import AUDIENCE_OF_ROLE, PLAN_BY_CODE, VAT_RATE, Plan, split_vat
from charte.payments.providers.base import CANCELED, SUCCEEDED
from charte.privacy.register import Category
from charte.recipients.actions import share_with
from charte.retention import actions as retention

PROVIDER = SystemActor("payment_provider")
LAST4 = re.compile(r"[0-9]{4}")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the last day of the month when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # unreachable: every month has a 28th


def _refuse_card_numbers(**texts: str) -> None:
    for text in texts.values():
        if card_numbers(text):
            raise ActionError(
                _(
                    "Un champ semble contenir un numéro de carte bancaire : retirez-le. La carte "
                    "se saisit uniquement sur la page de notre prestataire de paiement."
                ),
                code="card_number",
            )


@transaction.atomic
def place_order(
    *,
    buyer: User,
    plan: Plan,
    billing_name: str,
    billing_address: str,
    organisation: str = "",
    site_url: str,
    actor: Actor,
) -> tuple[Order, providers.Checkout]:
    """Record the order and open the provider's payment page for it.

    `site_url` is the address the buyer uses (scheme and host): the provider sends them back
    there and calls our webhook there.
    """
    if AUDIENCE_OF_ROLE.get(buyer.role) != plan.audience:
        raise ActionError(_("Cette formule n'est pas proposée à votre type de compte."))
    billing_name, billing_address = billing_name.strip(), billing_address.strip()
    organisation = organisation.strip()
    if not billing_name or not billing_address:
        raise ActionError(_("Une facture doit porter un nom et une adresse."))
    if plan.audience == Audience.SCHOOL and not organisation:
        raise ActionError(_("Indiquez l'établissement pour lequel vous commandez."))
    _refuse_card_numbers(name=billing_name, address=billing_address, organisation=organisation)
    provider = providers.configured()
    if provider is None:
        raise ActionError(_("Les paiements en ligne ne sont pas ouverts pour le moment."))
    order = Order.objects.create(
        buyer=buyer,
        plan_code=plan.code,
        audience=plan.audience,
        description=str(plan.name),
        amount_cents=plan.price_cents,
        seats=plan.seats,
        billing_name=billing_name,
        billing_address=billing_address,
        organisation=organisation if plan.audience == Audience.SCHOOL else "",
        provider=provider.code,
    )
    # What the provider receives (the order's reference, amount and description; the buyer
    # types their card on its page) is a disclosure, recorded for the buyer's access; refused
    # (a restriction of the "orders" processing), nothing is sent and no order is left.
    share_with(
        recipient="payment_provider",
        person=buyer,
        categories=[Category.ORDERS],
        purpose="orders",
        actor=actor,
        reference=str(order.public_id),
    )
    site_url = site_url.rstrip("/")
    # The provider is asked inside the transaction: if it fails, no order is left pending.
    checkout = provider.start_checkout(
        reference=str(order.public_id),
        amount_cents=order.amount_cents,
        currency=order.currency,
        description=order.description,
        return_url=site_url + reverse("payments:order_return", args=[order.public_id]),
        webhook_url=site_url + reverse("payments:webhook", args=[provider.code]),
    )
    order.provider_payment_id = checkout.payment_id
    order.save(update_fields=["provider_payment_id"])
    audit.record(
        event="order.placed",
        actor=actor,
        subject=buyer,
        data={
            "order": str(order.public_id),
            "plan": plan.code,
            "amount_cents": order.amount_cents,
            "provider": provider.code,
        },
    )
    return order, checkout


def receive_webhook(
    *, provider: providers.Provider, body: bytes, headers: Mapping[str, str]
) -> ProviderEvent:
    """Verify a provider's webhook, refuse it if seen before, and apply it.

    A refusal (bad signature, too old, malformed, already seen, unknown payment) changes
    nothing but the journal, which records it with a reason code and, once the signature is
    known good, the event's id; never anything else from the request.
    """
    event = None
    try:
        event = provider.parse_webhook(body=body, headers=headers, now=int(time.time()))
        return _apply(provider=provider, event=event)
    except providers.WebhookRejected as rejected:
        _journal_rejection(provider=provider, reason=rejected.reason, event=event)
        raise


@transaction.atomic
def _journal_rejection(
    *, provider: providers.Provider, reason: str, event: providers.PaymentEvent | None
) -> None:
    data = {"provider": provider.code, "reason": reason}
    if event is not None:
        data["event"] = event.event_id
    audit.record(event="payments.webhook_rejected", actor=PROVIDER, data=data)


@transaction.atomic
def _apply(*, provider: providers.Provider, event: providers.PaymentEvent) -> ProviderEvent:
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.create(
                provider=provider.code, event_id=event.event_id, event_type=event.type
            )
    except IntegrityError:
        raise providers.WebhookRejected("replay") from None
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("buyer")
        .filter(provider=provider.code, provider_payment_id=event.payment_id)
        .first()
    )
    if order is None:
        raise providers.WebhookRejected("unknown_payment")
    row.order = order
    row.save(update_fields=["order"])
    try:
        if event.type == SUCCEEDED:
            record_payment(order=order, card_last4=event.card_last4, actor=PROVIDER)
        elif event.type == CANCELED:
            cancel_order(order=order, actor=PROVIDER)
    except ActionError as refused:
        raise providers.WebhookRejected(refused.code) from None
    return row


@transaction.atomic
def record_payment(
    *, order: Order, card_last4: str, actor: Actor, at: datetime | None = None
) -> Invoice:
    """The provider says the order is paid: start the subscription, invoice, and tell the buyer."""
    order = Order.objects.select_for_update(of=("self",)).select_related("buyer").get(pk=order.pk)
    if order.is_paid:
        raise Conflict(_("Cette commande est déjà payée."), code="already_paid")
    if order.buyer is None:
        raise NotFound(_("L'acheteur de cette commande n'existe plus."), code="no_buyer")
    if not LAST4.fullmatch(card_last4):
        raise ActionError(
            _("Seuls les 4 derniers chiffres de la carte sont acceptés."), code="bad_last4"
        )
    buyer = order.buyer
    now = at or timezone.now()
    order.status = Order.Status.PAID
    order.paid_at = now
    order.cancelled_at = None
    order.card_last4 = card_last4
    order.save(update_fields=["status", "paid_at", "cancelled_at", "card_last4"])
    subscription = _start_subscription(order=order, buyer=buyer, now=now)
    invoice = _issue_invoice(order=order, subscription=subscription, now=now)
    # Charter, Annex 1: an order is activity; for the retention of the account, a renewal.
    User.objects.filter(pk=buyer.pk).update(last_order_at=now)
    if not buyer.is_staff:
        retention.renew(person=buyer, source="subscription", actor=actor)
    order_ref = str(order.public_id)
    audit.record(
        event="order.paid",
        actor=actor,
        subject=buyer,
        data={"order": order_ref, "provider": order.provider, "amount_cents": order.amount_cents},
    )
    audit.record(
        event="subscription.started",
        actor=actor,
        subject=buyer,
        data={
            "subscription": str(subscription.public_id),
            "order": order_ref,
            "plan": subscription.plan_code,
            "starts_at": subscription.starts_at.isoformat(),
            "ends_at": subscription.ends_at.isoformat(),
        },
    )
    audit.record(
        event="invoice.issued",
        actor=actor,
        subject=buyer,
        data={"invoice": str(invoice.public_id), "number": invoice.number, "order": order_ref},
    )
    context = {
        "order_id": order_ref,
        "description": order.description,
        "amount": Decimal(order.amount_cents) / 100,
        "currency": order.currency,
        "starts_at": subscription.starts_at,
        "ends_at": subscription.ends_at,
        "organisation": subscription.organisation,
        "invoice_id": str(invoice.public_id),
        "invoice_number": invoice.number,
    }
    notify(kind="payments.order_confirmed", person=buyer, actor=actor, context=context)
    notify(kind="payments.invoice", person=buyer, actor=actor, context=context)
    return invoice


def _start_subscription(*, order: Order, buyer: User, now: datetime) -> Subscription:
    """A new period, from now or, for a renewal, from the end of the one still running."""
    plan = PLAN_BY_CODE.get(order.plan_code)
    months = plan.months if plan else 12
    running = (
        Subscription.objects.filter(
            holder=buyer, audience=order.audience, ends_at__gt=now, organisation=order.organisation
        )
        .order_by("-ends_at")
        .first()
    )
    starts_at = running.ends_at if running else now
    return Subscription.objects.create(
        holder=buyer,
        order=order,
        plan_code=order.plan_code,
        audience=order.audience,
        description=order.description,
        organisation=order.organisation,
        seats=order.seats,
        starts_at=starts_at,
        ends_at=add_months(starts_at, months),
    )


def _next_invoice_number(year: int) -> str:
    """The next number of the year, without gaps: the row is locked until the invoice is saved."""
    InvoiceSequence.objects.get_or_create(year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"F{year}-{sequence.last_number:06d}"


def _issue_invoice(*, order: Order, subscription: Subscription, now: datetime) -> Invoice:
    net, vat = split_vat(order.amount_cents, VAT_RATE)
    local = timezone.localtime(now)
    operator = settings.CHARTE_OPERATOR
    return Invoice.objects.create(
        number=_next_invoice_number(local.year),
        order=order,
        buyer=order.buyer,
        issued_at=now,
        seller_name=operator["name"],
        seller_address=operator["address"],
        billing_name=order.billing_name,
        billing_address=order.billing_address,
        organisation=order.organisation,
        description=order.description,
        period_start=timezone.localtime(subscription.starts_at).date(),
        period_end=timezone.localtime(subscription.ends_at).date(),
        net_cents=net,
        vat_rate=VAT_RATE,
        vat_cents=vat,
        total_cents=order.amount_cents,
        currency=order.currency,
        paid_at=now,
    )


@transaction.atomic
def cancel_order(*, order: Order, actor: Actor) -> Order:
    """The buyer gave up on the provider's page: the order stays in the history, cancelled."""
    order = Order.objects.select_for_update(of=("self",)).select_related("buyer").get(pk=order.pk)
    if order.status != Order.Status.PENDING:
        raise Conflict(_("Seule une commande en attente de paiement peut être annulée."))
    order.status = Order.Status.CANCELLED
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at"])
    audit.record(
        event="order.cancelled",
        actor=actor,
        subject=order.buyer,
        data={"order": str(order.public_id)},
    )
    return order
