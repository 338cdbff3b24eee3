import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte.accounts.models import User
from charte.accounts.queries import access_person_by_viewer
from charte.core import csvfile
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError
from charte.core.views import act, attempt
from charte.privacy.register import RETENTION_BY_CODE
from charte.retention import actions, dates, forecast, queries, sweep, tokens
from charte.retention.forms import DayForm, HoldForm, ObjectHoldForm
from charte.retention.models import LegalHold, Renewal

type View = Callable[..., HttpResponseBase]


def dpo_only(view: View) -> View:
    """Signed-in DPO only; anyone else is told the page does not exist."""

    @signed_in_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queries.access_retention_by_viewer(viewer=viewer_of(request))
        return view(request, *args, **kwargs)

    return wrapper


@checks_card_numbers
@dpo_only
def overview(request: HttpRequest) -> HttpResponse:
    """What expires in the next 30 days, per rule, and the holds in force."""
    form = DayForm(request.GET or None)
    today = form.day_or_today()
    return render(
        request,
        "retention/overview.html",
        {
            "form": form,
            "today": today,
            "forecasts": forecast.forecast(today),
            "holds": LegalHold.objects.in_force(today).select_related("person").order_by("-pk"),
            "hold_form": ObjectHoldForm(),
        },
    )


@dpo_only
def overview_csv(request: HttpRequest) -> StreamingHttpResponse:
    today = DayForm(request.GET or None).day_or_today()
    return csvfile.response(forecast.csv_rows(today), filename=f"expirations-{today}.csv")


@dpo_only
def dry_run(request: HttpRequest) -> HttpResponse:
    """What the sweep would remove on a given day, computed without changing anything."""
    form = DayForm(request.GET or None)
    report = None
    if request.GET and form.is_valid():
        report = sweep.run(today=form.day_or_today(), actor=viewer_of(request), dry_run=True)
    return render(request, "retention/dry_run.html", {"form": form, "report": report})


@checks_card_numbers
@dpo_only
def person(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One account under retention: until when, why, its renewals and holds; place a hold."""
    account = queries.access_account_by_dpo(viewer=viewer_of(request), public_id=public_id)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.place_hold(
                actor=viewer_of(request), person=account, **form.cleaned_data
            ),
            success=_("Le gel est posé : ces données ne seront pas supprimées."),
            form=form,
        )
        if outcome.done:
            return redirect("retention:person", public_id=account.public_id)
    today = timezone.localdate()
    kept_until = queries.kept_until(account)
    return render(
        request,
        "retention/person.html",
        {
            "account": account,
            "kept_until": kept_until,
            "goes_on": dates.add_period(kept_until, days=1) if kept_until else None,
            "created_until": dates.kept_until_created(dates.local_day(account.created_at)),
            "rule": RETENTION_BY_CODE["account"],
            "renewals": Renewal.objects.filter(person=account).order_by("-renewed_at"),
            "holds": LegalHold.objects.filter(person=account).order_by("-placed_at"),
            "held": queries.holds_in_force(today).reasons_for_account(account.pk),
            "form": form,
        },
    )


@checks_card_numbers
@dpo_only
@require_POST
def hold_object(request: HttpRequest) -> HttpResponse:
    form = ObjectHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez un type d'objet, son identifiant public et un motif."))
        return redirect("retention:overview")
    return act(
        request,
        lambda: actions.place_hold(actor=viewer_of(request), **form.hold_kwargs()),
        success=_("Le gel est posé : cet objet ne sera pas supprimé."),
        to="retention:overview",
    )


@dpo_only
@require_POST
def lift(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    hold = queries.access_hold_by_dpo(viewer=viewer_of(request), public_id=public_id)
    args: tuple[Any, ...]
    if hold.person is not None:
        to, args = "retention:person", (hold.person.public_id,)
    else:
        to, args = "retention:overview", ()
    return act(
        request,
        lambda: actions.lift_hold(hold=hold, actor=viewer_of(request)),
        success=_("Le gel est levé."),
        to=to,
        args=args,
    )


def renew_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click renewal from the notice: a confirmation page on GET, the renewal on POST.

    No sign-in: the signed link proves it reached the person, or their guardian.
    """
    link = tokens.read_renewal_token(token)
    account = recipient = None
    if link is not None:
        account = queries.platform_accounts().filter(public_id=link.person).first()
        recipient = User.objects.filter(public_id=link.recipient, is_active=True).first()
    if link is None or account is None or recipient is None:
        return render(request, "retention/renew_invalid.html", status=404)
    today = timezone.localdate()
    kept_until = queries.kept_until(account)
    assert kept_until is not None
    context = {
        "account": account,
        "recipient": recipient,
        "for_child": account.pk != recipient.pk,
        "kept_until": kept_until,
        "goes_on": dates.add_period(kept_until, days=1),
        "renewed_until": dates.kept_until_renewed(today),
    }
    renewed = Renewal.objects.filter(person=account, kept_until__gte=context["renewed_until"])
    nothing_to_add = context["renewed_until"] <= kept_until
    if kept_until > link.kept_until or renewed.exists() or nothing_to_add:
        return render(request, "retention/renew_done.html", {**context, "already": True})
    if request.method == "POST":
        source = Renewal.Source.PERSON if account.pk == recipient.pk else Renewal.Source.GUARDIAN
        try:
            actions.renew(person=account, source=source, actor=recipient)
        except ActionError as exc:
            return render(
                request, "retention/renew_confirm.html", {**context, "error": str(exc)}, status=400
            )
        context["kept_until"] = queries.kept_until(account)
        return render(request, "retention/renew_done.html", context)
    return render(request, "retention/renew_confirm.html", context)


@signed_in_view
@require_POST
def renew_signed_in(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """From the privacy centre: the person, or their guardian, keeps the account one more year."""
    viewer = viewer_of(request)
    account = access_person_by_viewer(viewer=viewer, public_id=public_id)
    source = Renewal.Source.PERSON if account.pk == viewer.pk else Renewal.Source.GUARDIAN
    args: tuple[Any, ...]
    if account.pk == viewer.pk:
        to, args = "accounts:privacy_centre", ()
    else:
        to, args = "accounts:privacy_centre_person", (account.public_id,)
    return act(
        request,
        lambda: actions.renew(person=account, source=source, actor=viewer),
        success=lambda renewal: (
            _("C'est noté : ces données sont conservées jusqu'au %(day)s.")
            % {"day": date_format(renewal.kept_until, "DATE_FORMAT")}
        ),
        to=to,
        args=args,
    )
