import os

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

# Routers register themselves on the shared API object when their module is imported.
import gonghui.api_routes  # noqa: F401,E402,I001
from gonghui.core.api import api
from gonghui.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("console/imports/", include("gonghui.imports.urls")),
    path("console/", include("gonghui.console.urls")),
    path("aid/", include("gonghui.campaigns.portal_urls")),
    path("hardship/", include("gonghui.hardship.portal_urls")),
    path("requests/", include("gonghui.appeals.portal_urls")),
    path("messages/", include("gonghui.notifications.urls")),
    path("familycare/", include("gonghui.familycare.portal_urls")),
    path("surveys/", include("gonghui.surveys.portal_urls")),
    path("heard/", include("gonghui.needs.portal_urls")),
    path("", include("gonghui.portal.urls")),
]

if os.environ.get("GONGHUI_BENCH") == "1":
    # The floor for bench/bench_card_load.py: a bare Django JSON view behind the same middleware,
    # no database, no auth. Mounted only when the benchmark starts the server with GONGHUI_BENCH=1.
    def bench_bare(request):
        return JsonResponse({"ok": True})

    urlpatterns.insert(0, path("bench/bare", bench_bare, name="bench_bare"))
