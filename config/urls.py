from django.urls import include, path

from charte.audit import csp
from charte.core import views as core_views
from charte.core.api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("compte/", include("charte.accounts.urls")),
    path("compte/double-authentification/", include("charte.second_factor.urls")),
    path("charte/", include("charte.privacy.urls")),
    path("cookies/", include("charte.cookies.urls")),
    path("", include("charte.support.urls")),
    path("", include("charte.payments.urls")),
    path("", include("charte.consent.urls")),
    path("famille/", include("charte.families.urls")),
    path("journal/", include("charte.audit.urls")),
    path("", include("charte.schools.urls")),
    path("", include("charte.results.urls")),
    path("contenus/", include("charte.content.urls")),
    path("coach/", include("charte.coach.urls")),
    path("ressources/", include("charte.resources.urls")),
    path("devoirs/", include("charte.assignments.urls")),
    path("droits/", include("charte.subject_requests.urls")),
    path("conservation/", include("charte.retention.urls")),
    path("destinataires/", include("charte.recipients.urls")),
    path("marketing/envois/", include("charte.mailings.urls")),
    path("mesure/", include("charte.audience.urls")),
    path("rapports/", include("charte.reports.urls")),
    path("securite/csp/", csp.report, name="csp_report"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]

handler400 = "charte.core.views.bad_request"
handler403 = "charte.core.views.permission_denied"
handler404 = "charte.core.views.page_not_found"
handler500 = "charte.core.views.server_error"
