import itertools
import uuid
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    RawPostDataException,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from charte import audit
from charte.accounts.models import Role, User
from charte.core import csvfile
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.views import attempt
from charte.payments import actions, providers, queries
from charte.payments.forms import AccountingFilterForm, CheckoutForm, LicenceFilterForm
from charte.payments.models import Invoice, Order

type View = Callable[..., HttpResponseBase]


def role_only(role: str) -> Callable[[View], View]:
    """Signed in with `role` (`queries.access_desk`); anyone else is told the page does not
    exist."""

    def decorator(view: View) -> View:
        @signed_in_view
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            queries.access_desk(viewer=viewer_of(request), role=role)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The buyer -----------------------------------------------------------------------------------


def plans(request: HttpRequest) -> HttpResponse:
    """Plans and prices, open to everyone; a signed-in buyer also sees where they stand."""
    viewer = request.user
    context: dict[str, Any] = {
        "plans": queries.plans_on_offer(viewer),
        "open": providers.configured() is not None,
    }
    if isinstance(viewer, User):
        context.update(queries.subscription_panel(viewer))
    return render(request, "payments/plans.html", context)


@signed_in_view
@checks_card_numbers
def checkout(request: HttpRequest, plan_code: str) -> HttpResponse:
    buyer = viewer_of(request)
    plan = queries.access_plan_on_offer(viewer=buyer, code=plan_code)
    initial = {"billing_name": buyer.full_name, **queries.last_billing(buyer)}
    form = CheckoutForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.place_order(
                buyer=buyer,
                plan=plan,
                billing_name=form.cleaned_data["billing_name"],
                billing_address=form.cleaned_data["billing_address"],
                organisation=form.cleaned_data.get("organisation", ""),
                site_url=request.build_absolute_uri("/"),
                actor=buyer,
            ),
            form=form,
        )
        if outcome.value is not None:
            _order, started = outcome.value
            return redirect(started.redirect_url)
    return render(
        request,
        "payments/checkout.html",
        {"form": form, "plan": plan, "until": queries.subscribed_until(buyer)},
    )


@signed_in_view
def order_return(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Where the provider sends the buyer back. The webhook, not this page, says it is paid."""
    order: Order = queries.access_order_by_buyer(viewer=viewer_of(request), public_id=public_id)
    if order.status == Order.Status.PAID:
        messages.success(request, _("Merci ! Votre paiement est confirmé."))
        return redirect("payments:order", public_id=order.public_id)
    if order.status == Order.Status.CANCELLED:
        messages.info(request, _("Commande annulée : vous n'avez pas été débité."))
        return redirect("payments:plans")
    return render(request, "payments/order_pending.html", {"order": order})


@signed_in_view
def orders(request: HttpRequest) -> HttpResponse:
    return render(
        request, "payments/orders.html", {"orders": queries.orders_of(viewer_of(request))}
    )


@signed_in_view
def order(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found: Order = queries.access_order_by_buyer(viewer=viewer_of(request), public_id=public_id)
    return render(
        request,
        "payments/order.html",
        {"order": found, "subscription": getattr(found, "subscription", None)},
    )


@signed_in_view
def invoice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_invoice(viewer=viewer, public_id=public_id)
    if found.buyer is not None:  # accounting reading a buyer's invoice (the buyer's own is not)
        audit.record_read(
            viewer=viewer, subject=found.buyer, what="invoice", data={"invoice": found.number}
        )
    return render(request, "payments/invoice.html", {"invoice": found})


# The provider's webhook -----------------------------------------------------------------------


@csrf_exempt  # authenticated by its HMAC signature, not by a session
@checks_card_numbers  # a card number in an event is refused as a malformed event
def webhook(request: HttpRequest, provider_code: str) -> HttpResponse:
    try:
        provider = providers.get(provider_code)
    except providers.UnknownProvider:
        raise Http404 from None
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        body = request.body
    except RawPostDataException:
        # A multipart body was already parsed as a form (the text cleaning reads every form
        # before the views): a provider never sends one, and its raw bytes are gone.
        return JsonResponse({"received": False, "reason": "malformed"}, status=400)
    try:
        actions.receive_webhook(provider=provider, body=body, headers=request.headers)
    except providers.WebhookRejected as rejected:
        status = 409 if rejected.reason in {"replay", "already_paid", "conflict"} else 400
        return JsonResponse({"received": False, "reason": rejected.reason}, status=status)
    return JsonResponse({"received": True})


# Accounting -----------------------------------------------------------------------------------


@role_only(Role.ACCOUNTING)
def accounting_orders(request: HttpRequest) -> HttpResponse:
    filters = AccountingFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = queries.orders_for_accounting(
        status=chosen.get("status", ""), month=chosen.get("month")
    )
    page = Paginator(found, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "payments/accounting/orders.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@role_only(Role.ACCOUNTING)
def accounting_order(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found: Order = queries.access_order_by_accounting(viewer=viewer, public_id=public_id)
    if found.buyer is not None:
        audit.record_read(
            viewer=viewer, subject=found.buyer, what="order", data={"order": str(found.public_id)}
        )
    return render(
        request,
        "payments/accounting/order.html",
        {"order": found, "subscription": getattr(found, "subscription", None)},
    )


@role_only(Role.ACCOUNTING)
def accounting_invoices(request: HttpRequest) -> HttpResponse:
    filters = AccountingFilterForm(request.GET or None)
    month = filters.cleaned_data.get("month") if filters.is_valid() else None
    found = queries.invoices_for_accounting(month=month)
    if request.GET.get("format") == "csv":
        return _invoices_csv(found, month)
    page = Paginator(found, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "payments/accounting/invoices.html",
        {"filters": filters, "page": page, "query": query.urlencode(), "month": month},
    )


def _invoices_csv(invoices: QuerySet[Invoice], month: date | None) -> HttpResponse:
    """The sales journal of a month, for the accounting software."""
    header = [
        "numero",
        "date",
        "client",
        "etablissement",
        "designation",
        "ht",
        "tva",
        "ttc",
        "devise",
    ]
    rows = (
        [
            inv.number,
            timezone.localtime(inv.issued_at).date().isoformat(),
            inv.billing_name,
            inv.organisation,
            inv.description,
            f"{inv.net_cents / 100:.2f}",
            f"{inv.vat_cents / 100:.2f}",
            f"{inv.total_cents / 100:.2f}",
            inv.currency,
        ]
        for inv in invoices
    )
    name = f"factures-{month:%Y-%m}.csv" if month else "factures.csv"
    return csvfile.attachment(itertools.chain([header], rows), filename=name, delimiter=";")


# Sales ------------------------------------------------------------------------------------------


@role_only(Role.SALES)
def sales_licences(request: HttpRequest) -> HttpResponse:
    filters = LicenceFilterForm(request.GET or None)
    state = filters.cleaned_data.get("state", "") if filters.is_valid() else ""
    return render(
        request,
        "payments/sales/licences.html",
        {
            "filters": filters,
            "licences": queries.school_licences(state=state),
            "now": timezone.now(),
        },
    )


@role_only(Role.SALES)
def sales_licence(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = queries.access_licence_by_sales(viewer=viewer_of(request), public_id=public_id)
    return render(request, "payments/sales/licence.html", {"licence": found, "now": timezone.now()})
