from django.contrib import admin
from django.urls import include, path

from tracker.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
    path("", include("tracker.public_urls")),
]

# A database error outside a view (the session or auth middleware) is a 503 too.
handler500 = "tracker.outage.server_error"
