import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core import ratelimit
from charte.core.access import signed_in_view, viewer_of
from charte.core.actors import ANONYMOUS
from charte.core.cards import checks_card_numbers
from charte.core.errors import NotFound
from charte.core.views import act, attempt
from charte.support import actions, queries
from charte.support.forms import (
    AccountLookupForm,
    AnswerForm,
    QueueFilterForm,
    ReportForm,
    local_path,
)
from charte.support.models import ErrorReport

# A flood of reports would bury the real ones: a few per hour from one person, or, for a
# visitor, from one address.
REPORTS_BY_PERSON = ratelimit.Limit("support_report", per_person="10/h")
REPORTS_BY_VISITOR = ratelimit.Limit("support_report", per_address="10/h")


def _referring_page(request: HttpRequest) -> str:
    """The path of the page of this site the person came from (the footer link's), if any."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if not referer.netloc or referer.netloc != request.get_host():
        return ""
    page = local_path(referer.path)
    return "" if page.startswith(reverse("support:report")) else page


@checks_card_numbers
def report(request: HttpRequest) -> HttpResponse:
    """ "Signaler une erreur": open to everyone, from every page."""
    page = local_path(request.GET.get("page", ""))
    if request.method == "GET" and not page and (came_from := _referring_page(request)):
        return redirect(f"{reverse('support:report')}?{urlencode({'page': came_from})}")
    viewer = request.user
    form = ReportForm(request.POST or None, viewer=viewer, initial={"page": page})
    if request.method == "POST" and form.is_valid():
        limit = REPORTS_BY_PERSON if request.user.is_authenticated else REPORTS_BY_VISITOR
        refusal = ratelimit.check(limit, request=request)
        if refusal is not None:
            form.add_error(None, refusal.message)
            return ratelimit.refuse(
                render(request, "support/report.html", {"form": form, "page": page}), refusal
            )
        reporter = viewer if isinstance(viewer, User) else None
        outcome = attempt(
            request,
            lambda: actions.report_error(
                reporter=reporter,
                message=form.cleaned_data["message"],
                page=form.cleaned_data["page"],
                contact_email=form.cleaned_data.get("contact_email", ""),
                language=get_language() or settings.LANGUAGE_CODE,
                actor=reporter or ANONYMOUS,
            ),
            form=form,
        )
        if (created := outcome.value) is not None:
            query = urlencode({"page": created.page}) if created.page else ""
            return redirect(reverse("support:thanks") + (f"?{query}" if query else ""))
    return render(request, "support/report.html", {"form": form, "page": page})


def thanks(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    reach = queries.reach_for(viewer) if isinstance(viewer, User) else None
    return render(
        request,
        "support/thanks.html",
        {"page": local_path(request.GET.get("page", "")), "reach": reach},
    )


# Customer service's queue ------------------------------------------------------------------


def customer_service_only(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponseBase]:
    """Signed in, and customer service; anyone else is told the page does not exist."""

    @signed_in_view
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        queries.access_queue(viewer=viewer_of(request))
        return view(request, *args, **kwargs)

    return wrapped


def _report_or_404(request: HttpRequest, public_id: uuid.UUID) -> ErrorReport:
    return queries.access_report_by_staff(viewer=viewer_of(request), public_id=public_id)


@customer_service_only
def queue(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    filters = QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    reports = queries.queue(
        status=chosen.get("status", ""),
        age=chosen.get("age", ""),
        mine=viewer if chosen.get("mine") else None,
    )
    page = Paginator(reports, 25).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "support/queue.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "counts": queries.queue_counts(viewer=viewer),
        },
    )


@checks_card_numbers
@customer_service_only
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = _report_or_404(request, public_id)
    if report.reporter is not None:
        audit.record_read(
            viewer=viewer_of(request),
            subject=report.reporter,
            what="error_report",
            data={"report": str(report.public_id)},
        )
    return _render_detail(request, report, AnswerForm())


def _render_detail(
    request: HttpRequest, report: ErrorReport, form: AnswerForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "support/detail.html",
        {
            "report": report,
            "answers": queries.answers_of(report),
            "reach": queries.reach_of(report),
            "form": form,
        },
        status=status,
    )


def _act(
    request: HttpRequest,
    public_id: uuid.UUID,
    do: Callable[[ErrorReport, User], object],
    success: str,
) -> HttpResponse:
    """A button on a report's page: check access, then the method, act, and say what happened."""
    report = _report_or_404(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    staff = viewer_of(request)
    return act(
        request,
        lambda: do(report, staff),
        success=success,
        to="support:detail",
        args=(report.public_id,),
    )


@customer_service_only
def assign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        lambda report, staff: actions.assign_report(report=report, assignee=staff, actor=staff),
        _("Vous traitez maintenant ce signalement."),
    )


@customer_service_only
def close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        lambda report, staff: actions.close_report(report=report, actor=staff),
        _("Signalement clos."),
    )


@customer_service_only
def reopen(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        lambda report, staff: actions.reopen_report(report=report, actor=staff),
        _("Signalement rouvert."),
    )


@customer_service_only
@checks_card_numbers
def answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = _report_or_404(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, form, status=400)
    staff = viewer_of(request)
    outcome = attempt(
        request,
        lambda: actions.answer_report(report=report, body=form.cleaned_data["body"], actor=staff),
        form=form,
    )
    if (sent := outcome.value) is None:
        return _render_detail(request, report, form, status=400)
    if sent.sent_to:
        messages.success(request, _("Réponse envoyée."))
    else:
        messages.warning(
            request, _("Réponse enregistrée, mais personne n'a pu être joint par e-mail.")
        )
    return redirect("support:detail", public_id=report.public_id)


@checks_card_numbers
@customer_service_only
def account_lookup(request: HttpRequest) -> HttpResponse:
    """Look an account up by its exact login: its state, guardians, consents and open reports.

    Searched by POST, so that the address looked up stays out of URLs and server logs."""
    viewer = viewer_of(request)
    form = AccountLookupForm(request.POST if request.method == "POST" else None)
    found = None
    missing = False
    if request.method == "POST" and form.is_valid():
        try:
            found = actions.look_up_account(viewer=viewer, login=form.cleaned_data["login"])
        except NotFound:
            missing = True
    return render(
        request, "support/account_lookup.html", {"form": form, "found": found, "missing": missing}
    )
