import uuid

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte.accounts.models import Role
from charte.accounts.queries import children_of
from charte.assignments import actions, queries
from charte.assignments.forms import AssignmentForm, FeedbackForm, ProductionForm
from charte.assignments.models import Production
from charte.content import queries as content
from charte.core import quota
from charte.core.access import signed_in_view, viewer_of
from charte.core.bodies import accepts_files
from charte.core.cards import checks_card_numbers
from charte.core.errors import NotFound
from charte.core.views import act, attempt
from charte.resources.queries import resources_of
from charte.results.actions import record_results_viewed
from charte.schools import queries as schools
from charte.schools.views import class_page_context


@signed_in_view
def mine(request: HttpRequest) -> HttpResponse:
    """A pupil's work, a guardian's children's work, or a teacher's work given."""
    viewer = viewer_of(request)
    if viewer.role == Role.PUPIL:
        return render(
            request,
            "assignments/pupil_list.html",
            {
                "work": queries.pupil_work(viewer),
                "productions": queries.productions_of_pupil(viewer),
            },
        )
    if viewer.role == Role.PARENT:
        children = [(child, queries.pupil_work(child)) for child in children_of(viewer)]
        return render(request, "assignments/parent_list.html", {"children": children})
    if viewer.role == Role.TEACHER:
        overviews = [queries.overview(a) for a in queries.assignments_of_teacher(viewer)]
        return render(
            request,
            "assignments/teacher_list.html",
            {
                "overviews": overviews,
                "to_review": queries.productions_to_review(viewer, limit=50),
                "classes": schools.classes_taught_by(viewer),
            },
        )
    raise NotFound(_("Page introuvable."))


@signed_in_view
def class_assignments(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = schools.access_class_by_teacher(viewer=viewer, public_id=public_id)
    overviews = [queries.overview(a) for a in queries.assignments_of_class(school_class)]
    return render(
        request,
        "assignments/class_assignments.html",
        {
            **class_page_context(viewer, school_class, "assignments:class_assignments"),
            "overviews": overviews,
        },
    )


@checks_card_numbers
@signed_in_view
def create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = schools.access_class_by_teacher(viewer=viewer, public_id=public_id)
    form = AssignmentForm(
        request.POST or None,
        exercises=content.exercises_for_choice(),
        lessons=content.lessons_for_choice(),
        resources=resources_of(viewer),
        pupils=schools.pupils_of_class(school_class),
        initial={"exercise": request.GET.get("exercice", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            request,
            lambda: actions.create_assignment(
                school_class=school_class,
                title=data["title"],
                instructions=data["instructions"],
                due_at=data["due_at"],
                exercise=data["exercise"],
                lesson=data["lesson"],
                resource=data["resource"],
                expects_production=data["expects_production"],
                pupils=list(data["pupils"]) if data["audience"] == "some" else None,
                actor=viewer,
            ),
            success=_("Le travail est donné : vos élèves le voient sur leur page d'accueil."),
            form=form,
        )
        if created.value is not None:
            return redirect("assignments:detail", created.value.public_id)
    return render(
        request,
        "assignments/form.html",
        {**class_page_context(viewer, school_class, "assignments:class_assignments"), "form": form},
    )


@accepts_files(actions.MAX_FILES)
@checks_card_numbers
@signed_in_view
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    assignment = queries.access_assignment(viewer=viewer, public_id=public_id)
    context: dict[str, object] = {"assignment": assignment}
    if viewer.role == Role.TEACHER:
        rows = queries.statuses(assignment)
        if assignment.exercise_id is not None:  # the page shows each pupil's best score
            record_results_viewed(viewer=viewer, pupils=[r.pupil for r in rows], via="assignment")
        context.update(
            {
                "rows": rows,
                "late": [r for r in rows if r.is_late],
                **class_page_context(
                    viewer, assignment.school_class, "assignments:class_assignments"
                ),
            }
        )
        return render(request, "assignments/teacher_detail.html", context)
    if viewer.role == Role.PUPIL:
        status = queries.status_of(assignment, viewer)
        form = ProductionForm(
            request.POST or None,
            request.FILES or None,
            storage=quota.usage_of(viewer),
            initial={"text": (status.production or status.draft or Production()).text},
        )
        draft = request.POST.get("intent") == "draft"
        if request.method == "POST" and form.is_valid():
            handed_in = attempt(
                request,
                lambda: actions.hand_in(
                    assignment=assignment,
                    pupil=viewer,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["attachments"],
                    actor=viewer,
                    draft=draft,
                ),
                success=_(
                    "Brouillon enregistré : ton enseignant ne le voit pas tant que tu ne l'as "
                    "pas rendu."
                )
                if draft
                else _("C'est rendu ! Ton enseignant va pouvoir le lire."),
                form=form,
                fields={quota.StorageFull: "attachments"},  # next to the field, with the figures
            )
            if handed_in.done:
                return redirect("assignments:detail", assignment.public_id)
        context.update({"status": status, "form": form})
        return render(request, "assignments/pupil_detail.html", context)
    children = [c for c in children_of(viewer) if queries.is_for(assignment, c)]
    if assignment.exercise_id is not None:
        record_results_viewed(viewer=viewer, pupils=children, via="assignment")
    context["children"] = [(c, queries.status_of(assignment, c)) for c in children]
    return render(request, "assignments/parent_detail.html", context)


@signed_in_view
@require_POST
def delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    assignment = queries.access_assignment_by_teacher(viewer=viewer, public_id=public_id)
    school_class = assignment.school_class
    outcome = attempt(
        request,
        lambda: actions.delete_assignment(assignment=assignment, actor=viewer),
        success=_("Travail supprimé."),
    )
    if not outcome.done:
        return redirect("assignments:detail", assignment.public_id)
    return redirect("assignments:class_assignments", school_class.public_id)


@checks_card_numbers
@signed_in_view
def production(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_production(viewer=viewer, public_id=public_id)
    is_teacher = viewer.role == Role.TEACHER
    form = None
    if is_teacher:
        form = FeedbackForm(request.POST or None, initial={"feedback": found.feedback})
        if request.method == "POST" and form.is_valid():
            outcome = attempt(
                request,
                lambda: actions.give_feedback(
                    production=found, feedback=form.cleaned_data["feedback"], actor=viewer
                ),
                success=_("Appréciation enregistrée."),
                form=form,
            )
            if outcome.done:
                return redirect("assignments:detail", found.assignment.public_id)
    return render(
        request,
        "assignments/production.html",
        {
            "production": found,
            "form": form,
            "is_teacher": is_teacher,
            "is_own": found.pupil_id == viewer.pk,
        },
    )


@signed_in_view
def production_file(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    viewer = viewer_of(request)
    stored = queries.access_production_file(viewer=viewer, public_id=public_id)
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)
    response["Content-Type"] = stored.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@signed_in_view
@require_POST
def remove_file(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    stored = queries.access_production_file(viewer=viewer, public_id=public_id)
    assignment = stored.production.assignment
    return act(
        request,
        lambda: actions.remove_production_file(stored=stored, actor=viewer),
        success=_("Fichier retiré."),
        to="assignments:detail",
        args=(assignment.public_id,),
    )
