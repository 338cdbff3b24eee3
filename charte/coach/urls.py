from django.urls import path

from charte.coach import views

app_name = "coach"

urlpatterns = [
    path("", views.next_step, name="next"),
    path("opposition/<uuid:person>/", views.objection, name="objection"),
]
