from django.urls import path

from charte.second_factor import views

app_name = "second_factor"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("verifier/", views.verify, name="verify"),
    path("code-de-secours/", views.recovery, name="recovery"),
    path("configurer/", views.setup, name="setup"),
    path("codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path("mot-de-passe/", views.confirm_password, name="confirm_password"),
    path("application/retirer/", views.remove_totp, name="remove_totp"),
    path("cles/<uuid:public_id>/retirer/", views.remove_passkey, name="remove_passkey"),
    path("desactiver/", views.turn_off, name="turn_off"),
    path("cles/options-ajout/", views.passkey_register_options, name="passkey_register_options"),
    path("cles/ajout/", views.passkey_register, name="passkey_register"),
    path("cles/options/", views.passkey_options, name="passkey_options"),
    path("cles/verifier/", views.passkey_verify, name="passkey_verify"),
    path("reinitialiser/", views.reset, name="reset"),
    path("reinitialiser/<uuid:person>/", views.reset_person, name="reset_person"),
]
