from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tradechain.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its initialiser as a script file: no inline script (CSP, tradechain/security.py).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("lc.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("ledger.urls")),
    # Passkey ceremonies (django-otp-webauthn): registration needs a signed-in person,
    # verification a password already given (passwordless sign-in is off).
    path("webauthn/", include("django_otp_webauthn.urls")),
    path("audit/", include("lc.audit.urls")),
    path("", include("lc.portal.urls")),
]
