from django.urls import path

from charte.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.charter, name="charter"),
]
