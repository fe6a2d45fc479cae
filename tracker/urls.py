from django.contrib import admin
from django.urls import include, path

from tracker import door
from tracker.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before the admin's own: "View on site" that does not give away a draft's address.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(door.view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
    path("", include("tracker.public_urls")),
]

# A database error outside a view (the session or auth middleware) is a 503 too.
handler500 = "tracker.outage.server_error"
