from django.urls import path

from charte.schools import views

app_name = "schools"

urlpatterns = [
    path("classes/", views.classes, name="classes"),
    path("classes/nouvelle/", views.create_class, name="create_class"),
    path("classes/rejoindre/", views.join, name="join"),
    path("classes/<uuid:public_id>/", views.class_detail, name="class_detail"),
    path("classes/<uuid:public_id>/code/", views.class_code, name="class_code"),
    path("classes/<uuid:public_id>/archiver/", views.archive, name="archive"),
    path(
        "classes/<uuid:public_id>/continue/",
        views.continue_next_year,
        name="continue_next_year",
    ),
    path(
        "classes/<uuid:public_id>/eleves/<uuid:enrolment>/retirer/",
        views.remove_pupil,
        name="remove_pupil",
    ),
    path("classes/<uuid:public_id>/eleves/nouveau/", views.add_pupil, name="add_pupil"),
    path("classes/<uuid:public_id>/eleves/importer/", views.import_pupils, name="import_pupils"),
    path("classes/<uuid:public_id>/cartes/", views.login_cards, name="login_cards"),
    path("classes/<uuid:public_id>/lettres/", views.parent_letters, name="parent_letters"),
    path(
        "classes/<uuid:public_id>/eleves/<uuid:pupil>/mot-de-passe/",
        views.reset_password,
        name="reset_password",
    ),
    path("eleve/mot-de-passe/", views.choose_password, name="choose_password"),
    path("etablissement/", views.my_school, name="my_school"),
    path("etablissement/<uuid:public_id>/", views.school_detail, name="school_detail"),
]
