from django.urls import path

from charte.mailings import views

app_name = "mailings"

urlpatterns = [
    path("", views.mailing_list, name="list"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/avancement/", views.progress, name="progress"),
    path("<uuid:public_id>/essai/", views.proof, name="proof"),
    path("<uuid:public_id>/envoyer/", views.send, name="send"),
]
