from django.urls import path

from charte.families import views

app_name = "families"

urlpatterns = [
    path("", views.home, name="home"),
    path("enfants/nouveau/", views.create_child, name="create_child"),
    path("enfants/<uuid:child>/", views.child, name="child"),
    path("enfants/<uuid:child>/nom/", views.rename, name="rename"),
    path("enfants/<uuid:child>/age/", views.correct_facts, name="correct_facts"),
    path("enfants/<uuid:child>/mot-de-passe/", views.set_password, name="set_password"),
    path("enfants/<uuid:child>/inviter/", views.invite, name="invite"),
    path("enfants/<uuid:child>/supprimer/", views.remove, name="remove"),
    path(
        "invitations/<uuid:invitation>/annuler/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("lettre/", views.letter, name="letter"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("inscription-eleve/", views.pupil_sign_up, name="pupil_sign_up"),
]
