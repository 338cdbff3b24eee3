from django.urls import path

from charte.assignments import views

app_name = "assignments"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("classes/<uuid:public_id>/", views.class_assignments, name="class_assignments"),
    path("classes/<uuid:public_id>/nouveau/", views.create, name="create"),
    path("productions/<uuid:public_id>/", views.production, name="production"),
    path("fichiers/<uuid:public_id>/", views.production_file, name="file"),
    path("fichiers/<uuid:public_id>/retirer/", views.remove_file, name="remove_file"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/supprimer/", views.delete, name="delete"),
]
