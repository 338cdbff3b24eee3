from django.urls import include, path

from charte.core import views as core_views
from charte.core.api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("compte/", include("charte.accounts.urls")),
    path("charte/", include("charte.privacy.urls")),
    path("destinataires/", include("charte.recipients.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]

handler400 = "charte.core.views.bad_request"
handler403 = "charte.core.views.permission_denied"
handler404 = "charte.core.views.page_not_found"
handler500 = "charte.core.views.server_error"
