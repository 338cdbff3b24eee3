import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from charte.accounts.models import User
from charte.coach import queries as coach
from charte.core import pdf
from charte.core.access import signed_in_view, viewer_of
from charte.reports import queries
from charte.results import actions as results_actions
from charte.results import queries as results
from charte.schools import queries as schools
from charte.statistics import actions as statistics
from charte.statistics.models import Release
from charte.statistics.publication import Scope


def _pupil_context(viewer: User, pupil: User, period: queries.Period) -> dict[str, object]:
    since, until = period.bounds()
    return {
        "pupil": pupil,
        "period": period,
        "periods": queries.period_choices(period),
        "report": results.pupil_report(pupil, since=since, until=until),
        "advice": coach.advice_for(pupil),
        "school_class": schools.current_class_of(pupil),
        "is_own": viewer.pk == pupil.pk,
        "made_on": timezone.localdate(),
    }


@signed_in_view
def pupil(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A pupil's individual results report for a term or the school year."""
    viewer = viewer_of(request)
    found = results.access_pupil_results(viewer=viewer, public_id=public_id)
    results_actions.record_results_viewed(viewer=viewer, pupils=[found], via="report")
    period = queries.parse_period(request.GET)
    return render(request, "reports/pupil.html", _pupil_context(viewer, found, period))


@signed_in_view
def pupil_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = results.access_pupil_results(viewer=viewer, public_id=public_id)
    results_actions.record_results_viewed(viewer=viewer, pupils=[found], via="report_pdf")
    period = queries.parse_period(request.GET)
    with translation.override(translation.get_language()):
        content = pdf.render_pdf("reports/pupil_pdf.html", _pupil_context(viewer, found, period))
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
