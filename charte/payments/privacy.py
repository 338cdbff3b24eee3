from django.utils.translation import gettext_lazy as _

from charte.payments.models import Invoice, InvoiceSequence, Order, ProviderEvent, Subscription
from charte.privacy.register import Category
from charte.privacy.registry import (
    Delete,
    KeepUnderObligation,
    derived,
    from_others,
    observed,
    provided,
    registry,
)

ACCOUNTING_OBLIGATION = _(
    "Code de commerce, art. L123-22 : les pièces comptables sont gardées dix ans. Seul ce "
    "qu'exige la comptabilité reste ; le lien au compte et ce qui n'y sert pas sont effacés."
)

registry.personal(
    Order,
    subjects=("buyer",),
    purposes=("orders",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "buyer": observed(Category.REFERENCE),
        "plan_code": provided(Category.ORDERS),
        "audience": provided(Category.ORDERS),
        "description": derived(Category.ORDERS),
        "amount_cents": derived(Category.ORDERS),
        "currency": derived(Category.ORDERS),
        "seats": derived(Category.ORDERS),
        "billing_name": provided(Category.IDENTITY),
        "billing_address": provided(Category.CONTACT),
        "organisation": provided(Category.SCHOOLING),
        "status": observed(Category.ORDERS),
        "provider": derived(Category.ORDERS),
        "provider_payment_id": from_others(
            Category.ORDERS, _("l'identifiant du paiement chez le prestataire, jamais la carte")
        ),
        "card_last4": from_others(Category.ORDERS, _("les 4 derniers chiffres, seulement")),
        "created_at": observed(Category.ORDERS),
        "paid_at": observed(Category.ORDERS),
        "cancelled_at": observed(Category.ORDERS),
    },
    # The payment's reference and amount stay with the accounts (reconciling the provider's
    # statements); who bought it, their address and their card's digits go.
    erasure=KeepUnderObligation(
        keep=(
            "public_id",
            "plan_code",
            "audience",
            "description",
            "amount_cents",
            "currency",
            "seats",
            "status",
            "provider",
            "provider_payment_id",
            "created_at",
            "paid_at",
            "cancelled_at",
        ),
        replace={
            "buyer": None,
            "billing_name": "",
            "billing_address": "",
            "organisation": "",
            "card_last4": "",
        },
        reason=ACCOUNTING_OBLIGATION,
        retention="accounting",
    ),
    retention="accounting",
    retention_from="created_at",
)

registry.personal(
    Invoice,
    subjects=("buyer",),
    purposes=("invoicing",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "number": derived(Category.ORDERS),
        "order": derived(Category.REFERENCE),
        "buyer": observed(Category.REFERENCE),
        "issued_at": observed(Category.ORDERS),
        "seller_name": derived(Category.ORDERS),
        "seller_address": derived(Category.ORDERS),
        "billing_name": provided(Category.IDENTITY),
        "billing_address": provided(Category.CONTACT),
        "organisation": provided(Category.SCHOOLING),
        "description": derived(Category.ORDERS),
        "period_start": derived(Category.ORDERS),
        "period_end": derived(Category.ORDERS),
        "net_cents": derived(Category.ORDERS),
        "vat_rate": derived(Category.ORDERS),
        "vat_cents": derived(Category.ORDERS),
        "total_cents": derived(Category.ORDERS),
        "currency": derived(Category.ORDERS),
        "paid_at": observed(Category.ORDERS),
    },
    # An invoice is a document the law makes us keep as issued: only its link to the account
    # goes when the account does.
    erasure=KeepUnderObligation(
        keep=(
            "public_id",
            "number",
            "order",
            "issued_at",
            "seller_name",
            "seller_address",
            "billing_name",
            "billing_address",
            "organisation",
            "description",
            "period_start",
            "period_end",
            "net_cents",
            "vat_rate",
            "vat_cents",
            "total_cents",
            "currency",
            "paid_at",
        ),
        replace={"buyer": None},
        reason=ACCOUNTING_OBLIGATION,
        retention="accounting",
    ),
    retention="accounting",
    retention_from="issued_at",
)

registry.personal(
    Subscription,
    subjects=("holder",),
    purposes=("orders",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "holder": observed(Category.REFERENCE),
        "order": derived(Category.REFERENCE),
        "plan_code": provided(Category.ORDERS),
        "audience": provided(Category.ORDERS),
        "description": derived(Category.ORDERS),
        "organisation": provided(Category.SCHOOLING),
        "seats": derived(Category.ORDERS),
        "starts_at": derived(Category.ORDERS),
        "ends_at": derived(Category.ORDERS),
        "created_at": observed(Category.ORDERS),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    ProviderEvent,
    subjects=("order__buyer",),
    purposes=("orders",),
    fields={
        "provider": derived(Category.ORDERS),
        "event_id": from_others(Category.ORDERS),
        "event_type": from_others(Category.ORDERS),
        "order": derived(Category.REFERENCE),
        "received_at": observed(Category.ORDERS),
    },
    erasure=Delete(),
    retention="technical",
    retention_from="received_at",
)

registry.not_personal(InvoiceSequence, reason="The last invoice number of each year; names no one.")
