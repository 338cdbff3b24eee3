from django.urls import path

from charte.recipients import views

app_name = "recipients"

urlpatterns = [
    path("autorites/", views.authority_requests, name="authority_requests"),
]
