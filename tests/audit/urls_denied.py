"""Pages that refuse, to see refused accesses journalled."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from charte.core.errors import NotFound
from config import urls as project_urls


def someone_elses(request: HttpRequest, public_id: str) -> HttpResponse:
    raise NotFound("not yours")


def staff_only(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("an ordinary bug")


urlpatterns = [
    path("resultats/<str:public_id>/", someone_elses, name="someone_elses"),
    path("interne/", staff_only, name="staff_only"),
    path("bug/", broken, name="broken"),
    *project_urls.urlpatterns,
]

handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
