"""The project's URLs plus a view that reads a submission without a form, to see the guard."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns


def raw_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("kept: " + request.POST.get("mot", ""))


urlpatterns = [*urlpatterns, path("ecrire/", raw_view)]
