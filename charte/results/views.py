import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from charte.accounts.models import Role, User
from charte.accounts.queries import children_of
from charte.content import queries as content
from charte.content.correction import from_stored, grade, read_responses, shuffled_rights
from charte.content.models import Exercise, Question
from charte.core import activity
from charte.core.access import public_view, signed_in_view, viewer_of
from charte.core.paths import safe_path
from charte.results import actions, queries
from charte.results.levels import Level
from charte.schools import queries as schools
from charte.schools.views import class_page_context


def _back_link(request: HttpRequest) -> str:
    """Where the pupil came from (an assignment), if it is a page of this site."""
    return safe_path(request.POST.get("retour") or request.GET.get("retour"))


def unanswered(response: object) -> bool:
    """A question left blank: nothing ticked, chosen or typed."""
    if response is None or response == "" or response == []:
        return True
    return isinstance(response, list) and all(item is None for item in response)


def _questions(exercise: Exercise) -> list[dict[str, object]]:
    out = []
    for question in exercise.questions.all():
        item: dict[str, object] = {"question": question}
        if question.kind == Question.Kind.MATCHING:
            item["rights"] = shuffled_rights(question)
        if question.kind == Question.Kind.CHOICE:
            item["several"] = len(question.data["answers"]) > 1
        out.append(item)
    return out


@public_view
def exercise(request: HttpRequest, slug: str) -> HttpResponse:
    """Do an exercise. A pupil's answers are kept; anyone else sees the correction only."""
    found = content.exercise_by_slug(slug)
    back = _back_link(request)
    viewer = request.user if request.user.is_authenticated else None
    is_pupil = isinstance(viewer, User) and viewer.role == Role.PUPIL
    if request.method == "POST":
        responses = read_responses(found, request.POST)
        if is_pupil:
            assert isinstance(viewer, User)
            missing = [key for key, response in responses.items() if unanswered(response)]
            if missing and request.POST.get("incomplete") != "confirm":
                # No silent 0 %: an empty answer counts as wrong, so the pupil says it is meant.
                kept = [
                    (key, value)
                    for key in request.POST
                    if key not in {"csrfmiddlewaretoken", "incomplete"}
                    for value in request.POST.getlist(key)
                ]
                return render(
                    request,
                    "results/confirm_incomplete.html",
                    {
                        "exercise": found,
                        "missing": len(missing),
                        "total": len(responses),
                        "kept": kept,
                        "back": back,
                    },
                )
            attempt, _ = actions.submit_attempt(
                pupil=viewer, exercise=found, responses=responses, actor=viewer
            )
            url = reverse("results:attempt", args=[attempt.public_id])
            return redirect(f"{url}?retour={back}" if back else url)
        return render(
            request,
            "results/correction.html",
            {"exercise": found, "grading": grade(found, responses), "preview": True, "back": back},
        )
    if is_pupil and request.GET.get("depuis") == "coach":
        assert isinstance(viewer, User)
        activity.record(
            activity.Activity(
                pupil_id=viewer.pk,
                verb=activity.Verb.LAUNCHED,
                kind=activity.Kind.SUGGESTION,
                ref=found.slug,
                competency_id=found.competency_id,
            )
        )
    return render(
        request,
        "results/exercise.html",
        {"exercise": found, "questions": _questions(found), "is_pupil": is_pupil, "back": back},
    )


@signed_in_view
def attempt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_attempt(viewer=viewer, public_id=public_id)
    actions.record_results_viewed(viewer=viewer, pupils=[found.pupil], via="attempt")
    level, score = queries.levels_of(found.pupil).get(
        found.exercise.competency_id, (Level.NOT_STARTED, None)
    )
    return render(
        request,
        "results/correction.html",
        {
            "exercise": found.exercise,
            "attempt": found,
            "grading": from_stored(found.exercise, found.answers),
            "level": level,
            "level_percent": None if score is None else round(score * 100),
            "is_own": found.pupil_id == viewer.pk,
            "back": _back_link(request),
        },
    )


@signed_in_view
def mine(request: HttpRequest) -> HttpResponse:
    """ "Ma progression" for a pupil; the list of their children for a guardian."""
    viewer = viewer_of(request)
    if viewer.role == Role.PUPIL:
        return _report_page(request, viewer, viewer)
    if viewer.role == Role.PARENT:
        children = list(children_of(viewer))
        if len(children) == 1:
            return redirect("results:pupil", children[0].public_id)
        return render(request, "results/children.html", {"children": children})
    if viewer.role == Role.TEACHER:
        return redirect("schools:classes")
    return redirect("home")


@signed_in_view
def pupil(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_pupil_results(viewer=viewer, public_id=public_id)
    actions.record_results_viewed(viewer=viewer, pupils=[found], via="pupil_page")
    return _report_page(request, viewer, found)


def _report_page(request: HttpRequest, viewer: User, pupil: User) -> HttpResponse:
    children = list(children_of(viewer)) if viewer.role == Role.PARENT else []
    return render(
        request,
        "results/pupil.html",
        {
            "report": queries.pupil_report(pupil),
            "pupil": pupil,
            "is_own": pupil.pk == viewer.pk,
            "children": children,
            "school_class": schools.current_class_of(pupil),
            "levels": Level,
        },
    )


@signed_in_view
def class_results(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = schools.access_class_by_teacher(viewer=viewer, public_id=public_id)
    pupils = list(schools.pupils_of_class(school_class))
    actions.record_results_viewed(viewer=viewer, pupils=pupils, via="class_page")
    return render(
        request,
        "results/class_results.html",
        {
            **class_page_context(viewer, school_class, "results:class_results"),
            "report": queries.class_report(pupils),
            "levels": Level,
        },
    )


def levels_help(request: HttpRequest) -> HttpResponse:
    return render(request, "results/levels_help.html", {"levels": Level})
