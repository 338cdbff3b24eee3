from django.urls import path

from charte.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("expirations.csv", views.overview_csv, name="overview_csv"),
    path("simulation/", views.dry_run, name="dry_run"),
    path("personne/<uuid:public_id>/", views.person, name="person"),
    path("gel/", views.hold_object, name="hold_object"),
    path("gel/<uuid:public_id>/lever/", views.lift, name="lift"),
    path("renouveler/<str:token>/", views.renew_by_link, name="renew"),
    path("continuer/<uuid:public_id>/", views.renew_signed_in, name="renew_signed_in"),
]
