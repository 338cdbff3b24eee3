from django.urls import path

from charte.cookies import views

app_name = "cookies"

urlpatterns = [
    path("", views.preferences, name="preferences"),
]
