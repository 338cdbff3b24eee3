from django.urls import path

from charte.support import views

app_name = "support"

urlpatterns = [
    path("signaler/", views.report, name="report"),
    path("signaler/merci/", views.thanks, name="thanks"),
    path("service-client/signalements/", views.queue, name="queue"),
    path("service-client/comptes/", views.account_lookup, name="account_lookup"),
    path("service-client/signalements/<uuid:public_id>/", views.detail, name="detail"),
    path("service-client/signalements/<uuid:public_id>/prendre/", views.assign, name="assign"),
    path("service-client/signalements/<uuid:public_id>/repondre/", views.answer, name="answer"),
    path("service-client/signalements/<uuid:public_id>/clore/", views.close, name="close"),
    path("service-client/signalements/<uuid:public_id>/rouvrir/", views.reopen, name="reopen"),
]
