from django.urls import path

from charte.recipients import views

app_name = "recipients"

urlpatterns = [
    path("autorites/", views.authority_requests, name="authority_requests"),
    path("avis/", views.notice_list, name="notices"),
    path("avis/<uuid:public_id>/sans-attendre/", views.waive_notice, name="waive_notice"),
    path("avis/<uuid:public_id>/<str:token>/", views.notice, name="notice"),
    path("avis/<uuid:public_id>/<str:token>/api/", views.notice_callback, name="notice_callback"),
]
