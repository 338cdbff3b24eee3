from django.urls import include, path

from charte.payments import views

app_name = "payments"

urlpatterns = [
    path("abonnements/", views.plans, name="plans"),
    path("abonnements/commander/<slug:plan_code>/", views.checkout, name="checkout"),
    path("abonnements/commandes/", views.orders, name="orders"),
    path("abonnements/commandes/<uuid:public_id>/", views.order, name="order"),
    path("abonnements/commandes/<uuid:public_id>/retour/", views.order_return, name="order_return"),
    path("abonnements/factures/<uuid:public_id>/", views.invoice, name="invoice"),
    path("paiements/webhook/<slug:provider_code>/", views.webhook, name="webhook"),
    path("comptabilite/commandes/", views.accounting_orders, name="accounting_orders"),
    path(
        "comptabilite/commandes/<uuid:public_id>/",
        views.accounting_order,
        name="accounting_order",
    ),
    path("comptabilite/factures/", views.accounting_invoices, name="accounting_invoices"),
    path("commercial/licences/", views.sales_licences, name="sales_licences"),
    path("commercial/licences/<uuid:public_id>/", views.sales_licence, name="sales_licence"),
    # The test provider's own pages: another site, served here for development and tests.
    path("fournisseur-test/", include("charte.payments.providers.testpay.urls")),
]
