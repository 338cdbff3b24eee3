from django.urls import path

from charte.reports import views

app_name = "reports"

urlpatterns = [
    path("eleves/<uuid:public_id>/", views.pupil, name="pupil"),
    path("eleves/<uuid:public_id>/pdf/", views.pupil_pdf, name="pupil_pdf"),
    path("usage/classes/<uuid:public_id>/", views.class_usage, name="class_usage"),
    path("usage/etablissements/<uuid:public_id>/", views.school_usage, name="school_usage"),
    path("usage/plateforme/", views.platform_usage, name="platform_usage"),
    path("publications/", views.releases, name="releases"),
    path("classes/<uuid:public_id>/impression/", views.class_prints, name="class_prints"),
    path(
        "classes/<uuid:public_id>/impression/lancer/",
        views.class_print_start,
        name="class_print_start",
    ),
    path(
        "impressions/<uuid:public_id>/avancement/",
        views.class_print_progress,
        name="class_print_progress",
    ),
    path(
        "impressions/<uuid:public_id>/pdf/", views.class_print_download, name="class_print_download"
    ),
]
