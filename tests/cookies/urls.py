"""Views that set cookies the way a careless app or a future feature might."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def sets_undeclared(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response.set_cookie("tracker_nobody_declared", "1", max_age=3600)
    return response


def sets_audience(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response.set_cookie("ch_aud_id", "abc", max_age=3600)
    return response


urlpatterns = [
    path("essai/non-declare/", sets_undeclared),
    path("essai/audience/", sets_audience),
    path("", include("config.urls")),
]
