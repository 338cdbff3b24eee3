import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from charte.core import pdf
from charte.core.access import signed_in_view, viewer_of
from charte.core.views import act, attempt
from charte.reports import actions, documents, queries
from charte.results import actions as results_actions
from charte.results import queries as results
from charte.schools import queries as schools
from charte.schools.tabs import class_tabs
from charte.statistics import actions as statistics
from charte.statistics.models import Release
from charte.statistics.publication import Scope


@signed_in_view
def pupil(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A pupil's individual results report for a term or the school year."""
    viewer = viewer_of(request)
    found = results.access_pupil_results(viewer=viewer, public_id=public_id)
    results_actions.record_results_viewed(viewer=viewer, pupils=[found], via="report")
    period = queries.parse_period(request.GET)
    return render(
        request, "reports/pupil.html", queries.pupil_report_context(viewer, found, period)
    )


@signed_in_view
def pupil_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = results.access_pupil_results(viewer=viewer, public_id=public_id)
    results_actions.record_results_viewed(viewer=viewer, pupils=[found], via="report_pdf")
    period = queries.parse_period(request.GET)
    content = documents.pupil_pdf(
        viewer=viewer, pupil=found, period=period, language=translation.get_language()
    )
    return pdf.pdf_response(content, f"rapport-{period.first_year}-{period.code}.pdf")


def _usage(
    request: HttpRequest, scope: Scope, title: str, extra: dict[str, object]
) -> HttpResponse:
    period = queries.parse_period(request.GET)
    return render(
        request,
        "reports/usage.html",
        {
            "title": title,
            "report": queries.usage_report(scope, period),
            "periods": queries.period_choices(period),
            "scope": scope,
            **extra,
        },
    )


@signed_in_view
def class_usage(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = schools.access_class_by_teacher(viewer=viewer, public_id=public_id)
    title = _("Usage de la classe %(name)s") % {"name": school_class.name}
    return _usage(request, Scope("class", school_class.pk), title, {})


@signed_in_view
def school_usage(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school = schools.access_school_by_staff(viewer=viewer, public_id=public_id)
    title = _("Usage de l'établissement %(name)s") % {"name": school.name}
    return _usage(request, Scope("school", school.pk), title, {})


@signed_in_view
def platform_usage(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    queries.access_platform_usage(viewer=viewer)
    return _usage(request, Scope("platform"), _("Usage de la plateforme"), {})


@signed_in_view
def releases(request: HttpRequest) -> HttpResponse:
    """For the DPO: every public release of platform figures and the privacy budget spent."""
    viewer = viewer_of(request)
    queries.access_releases(viewer=viewer)
    if request.method == "POST":
        label = request.POST.get("label", "").strip()[:120]
        try:
            epsilon = float(request.POST.get("epsilon", ""))
        except ValueError:
            epsilon = 0.0
        if not label or not 0 < epsilon <= 10:
            messages.error(request, _("Donnez un usage et un epsilon entre 0 et 10."))
        else:
            statistics.publish_release(
                label=label, first_year=queries.current_first_year(), epsilon=epsilon, actor=viewer
            )
            messages.success(request, _("Chiffres publiés."))
        return redirect("reports:releases")
    found = list(Release.objects.all())
    return render(
        request,
        "reports/releases.html",
        {"releases": found, "spent": sum(r.epsilon for r in found)},
    )


# A class's reports printed at once -------------------------------------------------------------


@signed_in_view
@require_GET
def class_prints(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A class's tab where its teacher prints every pupil's report at once, and takes them."""
    viewer = viewer_of(request)
    school_class = queries.access_class_to_print(viewer=viewer, public_id=public_id)
    now = queries.Period(first_year=queries.current_first_year(), code="year")
    return render(
        request,
        "reports/class_prints.html",
        {
            "school_class": school_class,
            "tabs": class_tabs(is_teacher=True),
            "active_tab": "reports:class_prints",
            "choices": queries.print_period_choices(),
            "chosen": f"{now.first_year}-{now.code}",
            "prints": queries.prints_of_class(school_class),
        },
    )


@signed_in_view
@require_POST
def class_print_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = queries.access_class_to_print(viewer=viewer, public_id=public_id)
    period = queries.parse_print_period(request.POST.get("periode", ""))
    return act(
        request,
        lambda: actions.start_class_print(
            school_class=school_class,
            period=period,
            language=translation.get_language(),
            actor=viewer,
        ),
        success=_("Les rapports de la classe se préparent : vous pourrez les télécharger ici."),
        to="reports:class_prints",
        args=(school_class.public_id,),
    )


@signed_in_view
@require_GET
def class_print_progress(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The progress bar, polled by the class's page while the reports are drawn. Opened as a
    page (a bookmark, a link copied from the browser's tools), it leads to that page."""
    job = queries.access_class_print(viewer=viewer_of(request), public_id=public_id)
    if not request.headers.get("HX-Request"):
        return redirect("reports:class_prints", job.school_class.public_id)
    return render(request, "reports/class_print_progress.html", {"job": job})


@signed_in_view
@require_GET
def class_print_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The class's reports as one PDF, one report per page break (journalled)."""
    viewer = viewer_of(request)
    job = queries.access_class_print(viewer=viewer, public_id=public_id)
    outcome = attempt(request, lambda: actions.record_class_print_download(job=job, actor=viewer))
    if not outcome.done or not outcome.value:
        return redirect("reports:class_prints", job.school_class.public_id)
    # The class's name in words a file name keeps ("4e/B" would leave "B" alone).
    name = (
        f"rapports-{slugify(job.school_class.name) or 'classe'}-{job.first_year}-{job.period}.pdf"
    )
    return pdf.pdf_response(documents.class_pdf(outcome.value), name, inline=False)
