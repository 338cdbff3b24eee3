from django.urls import path

from charte.payments.providers.testpay import views

app_name = "testpay"

urlpatterns = [
    path("payer/<str:token>/", views.pay, name="pay"),
]
