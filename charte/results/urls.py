from django.urls import path

from charte.results import views

app_name = "results"

urlpatterns = [
    path("exercices/<slug:slug>/", views.exercise, name="exercise"),
    path("exercices/tentatives/<uuid:public_id>/", views.attempt, name="attempt"),
    path("resultats/", views.mine, name="mine"),
    path("resultats/niveaux/", views.levels_help, name="levels_help"),
    path("resultats/eleves/<uuid:public_id>/", views.pupil, name="pupil"),
    path("resultats/classes/<uuid:public_id>/", views.class_results, name="class_results"),
]
