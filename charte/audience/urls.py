from django.urls import path

from charte.audience import views

app_name = "audience"

urlpatterns = [path("", views.beacon, name="beacon")]
