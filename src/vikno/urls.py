from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from vikno.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("readyz", web_views.readyz, name="readyz"),
    path("api/v1/", include("vikno.api.v1.urls")),
    path("", include("vikno.catalog.urls_opendata")),
    path("", include("vikno.identity.urls_auth")),
    path("", include("vikno.messaging.urls_gateway")),
    path("", include("vikno.payments.urls_callbacks")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("vikno.web.urls")),
    path("", include("vikno.identity.urls")),
    path("", include("vikno.catalog.urls")),
    path("", include("vikno.documents.urls")),
    path("", include("vikno.applications.urls")),
    path("", include("vikno.backoffice.urls")),
    path("", include("vikno.messaging.urls")),
    path("", include("vikno.messaging.appeals.urls")),
    path("", include("vikno.messaging.feedback.urls")),
    path("", include("vikno.payments.urls")),
    path("", include("vikno.audit.urls")),
    path("", include("vikno.privacy.urls")),
    prefix_default_language=False,
)

handler400 = "vikno.web.views.bad_request"
handler403 = "vikno.web.views.permission_denied"
handler404 = "vikno.web.views.page_not_found"
handler500 = "vikno.web.views.server_error"
