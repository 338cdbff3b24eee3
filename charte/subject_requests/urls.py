from django.urls import path

from charte.subject_requests import heirs_views, views

app_name = "subject_requests"

urlpatterns = [
    path("<uuid:person>/nouvelle/<str:kind>/", views.new_request, name="new"),
    path("<uuid:person>/mes-informations/", views.my_information, name="information"),
    path("mes-informations/adresse-e-mail/", views.change_email, name="change_email"),
    path("directives/", views.directives, name="directives"),
    path("demande/<uuid:public_id>/", views.detail, name="detail"),
    path("demande/<uuid:public_id>/annuler/", views.cancel, name="cancel"),
    path("demande/<uuid:public_id>/archive/<str:token>/", views.download, name="download"),
    path("limitation/<uuid:public_id>/lever/", views.lift, name="lift"),
    path("apres-un-deces/", heirs_views.claim, name="claim"),
    path("apres-un-deces/envoyee/", heirs_views.claim_sent, name="claim_sent"),
    path("apres-un-deces/archive/<str:token>/", heirs_views.claim_archive, name="claim_archive"),
    path(
        "traitement/<uuid:public_id>/justificatif/<uuid:proof>/",
        heirs_views.proof,
        name="claim_proof",
    ),
    path("traitement/", views.queue, name="queue"),
    path("traitement/en-retard/", views.queue, {"overdue": True}, name="overdue"),
    path("traitement/export.csv", views.export_csv, name="export"),
    path("traitement/nouvelle/", views.staff_new, name="staff_new"),
    path("traitement/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
]
