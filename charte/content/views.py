from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from charte.content import queries
from charte.content.models import Exercise
from charte.core import activity
from charte.core.access import public_view


def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue, open to everyone: the same lessons and exercises for all."""
    return render(request, "content/catalogue.html", {"competencies": queries.catalogue()})


@public_view
def competency(request: HttpRequest, code: str) -> HttpResponse:
    found = queries.competency_by_code(code)
    return render(request, "content/competency.html", {"competency": found})


@public_view
def lesson(request: HttpRequest, slug: str) -> HttpResponse:
    found = queries.lesson_by_slug(slug)
    user = request.user
    if user.is_authenticated and getattr(user, "role", "") == "pupil":
        activity.record(
            activity.Activity(
                pupil_id=user.pk,
                verb=activity.Verb.EXPERIENCED,
                kind=activity.Kind.LESSON,
                ref=found.slug,
                competency_id=found.competency_id,
            )
        )
    return render(
        request,
        "content/lesson.html",
        {
            "lesson": found,
            "exercises": Exercise.objects.published().filter(lesson=found),
            "related": found.competency.related.all(),
        },
    )
