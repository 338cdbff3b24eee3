from django.urls import path

from charte.consent import views

app_name = "consent"

urlpatterns = [
    path("inscription/", views.sign_up, name="sign_up"),
    path("compte/consentements/", views.questions, name="questions"),
    path("compte/consentements/<uuid:person>/choisir/", views.choose, name="choose"),
    path(
        "compte/consentements/<uuid:person>/retirer/", views.withdraw_child, name="withdraw_child"
    ),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("charte/versions/", views.versions, name="versions"),
    path("charte/versions/<int:number>/", views.version, name="version"),
    path("dpo/autorite-parentale/", views.parental_checks, name="parental_checks"),
]
