from django.urls import path

from charte.resources import views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("nouvelle/", views.create, name="create"),
    path("dossiers/nouveau/", views.create_folder, name="create_folder"),
    path("dossiers/<uuid:public_id>/", views.change_folder, name="change_folder"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/modifier/", views.edit, name="edit"),
    path("<uuid:public_id>/supprimer/", views.delete, name="delete"),
    path("<uuid:public_id>/fichier/", views.download, name="download"),
]
