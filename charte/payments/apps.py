from django.apps import AppConfig

EXAMPLE = {
    "order_id": "00000000-0000-4000-8000-000000000000",
    "invoice_id": "00000000-0000-4000-8000-000000000000",
    "invoice_number": "F2026-000001",
    "description": "Famille, 1 an",
    "amount": 39,
    "currency": "EUR",
}


class PaymentsConfig(AppConfig):
    """Plans, orders, subscriptions and invoices (charter P11), and the payment providers.

    Holds each order's buyer, plan, amount, billing name and address (an invoice must carry
    them), the provider's payment id and the card's last 4 digits: never a card number, which
    only the provider's own page receives. Invoices keep only what an invoice must say, for 10
    years (Code de commerce, art. L123-22), even after the account is gone. Purposes: orders
    and subscriptions, invoicing. Accounting sees orders and invoices, sales sees schools'
    licences; neither sees anything of anyone's learning.
    """

    name = "charte.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.core import navigation
        from charte.notifications import kinds
        from charte.payments import queries

        kinds.register(
            kinds.Kind(
                code="payments.order_confirmed",
                label=_("Confirmation de commande"),
                template="payments/email/order_confirmed",
                essential=True,
                example=EXAMPLE,
            ),
            kinds.Kind(
                code="payments.invoice",
                label=_("Facture"),
                template="payments/email/invoice",
                essential=True,
                example=EXAMPLE,
            ),
        )
        buyers = frozenset({Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF})
        navigation.add_menu(
            navigation.Link(
                label=_("Abonnement"), url_name="payments:plans", roles=buyers, order=80
            ),
            navigation.Link(
                label=_("Commandes"),
                url_name="payments:accounting_orders",
                roles=frozenset({Role.ACCOUNTING}),
                order=20,
            ),
            navigation.Link(
                label=_("Factures"),
                url_name="payments:accounting_invoices",
                roles=frozenset({Role.ACCOUNTING}),
                order=30,
            ),
            navigation.Link(
                label=_("Licences des établissements"),
                url_name="payments:sales_licences",
                roles=frozenset({Role.SALES}),
                order=20,
            ),
        )
        navigation.add_footer(
            navigation.Link(
                label=_("Abonnements et tarifs"),
                url_name="payments:plans",
                anonymous=True,
                order=50,
            )
        )
        navigation.add_panels(
            navigation.Panel(
                template="payments/panels/subscription.html",
                roles=buyers,
                context=queries.subscription_panel,
                order=800,
            ),
            navigation.Panel(
                template="payments/panels/accounting.html",
                roles=frozenset({Role.ACCOUNTING}),
                context=queries.accounting_panel,
                order=10,
            ),
            navigation.Panel(
                template="payments/panels/sales.html",
                roles=frozenset({Role.SALES}),
                context=queries.sales_panel,
                order=10,
            ),
        )
        navigation.add_welcome(queries.welcome_prices)
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="payments/sections/orders.html",
                context=queries.orders_section,
                order=70,
            )
        )
