from django.urls import path

from charte.content import views

app_name = "content"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("lecons/<slug:slug>/", views.lesson, name="lesson"),
    path("<slug:code>/", views.competency, name="competency"),
]
