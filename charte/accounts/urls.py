from django.urls import path

from charte.accounts import views
from charte.core.cards import checks_card_numbers

app_name = "accounts"

urlpatterns = [
    path("mes-donnees/", views.privacy_centre, name="privacy_centre"),
    path("mes-donnees/<uuid:person>/", views.privacy_centre, name="privacy_centre_person"),
    path("appareils/", views.devices, name="devices"),
    path("appareils/<str:handle>/deconnecter/", views.end_session, name="end_session"),
    path(
        "appareils/deconnecter-les-autres/",
        views.end_other_sessions,
        name="end_other_sessions",
    ),
    path("connexion/", checks_card_numbers(views.LoginView.as_view()), name="login"),
    path("connexion/renvoyer/", views.waiting_resend, name="waiting_resend"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        checks_card_numbers(views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/", views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path(
        "mot-de-passe/oublie/",
        checks_card_numbers(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<str:uidb64>/<str:token>/",
        checks_card_numbers(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "confirmer/<str:uid>/<str:token>/",
        views.sign_up_confirm,
        name="sign_up_confirm",
    ),
    path(
        "adresse-e-mail/confirmer/<str:uid>/<str:address>/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path(
        "adresse-e-mail/annuler/<str:uid>/<str:addresses>/<str:token>/",
        views.email_change_cancel,
        name="email_change_cancel",
    ),
]
