"""``/api/``: the versioned API, its schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tracker.api import views


class Router(DefaultRouter):
    include_format_suffixes = False  # ?format=json, not .json


router = Router()
router.register("events", views.EventViewSet, basename="event")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("people", views.PersonViewSet, basename="person")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("event-types", views.EventTypeViewSet, basename="event-type")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script served as a file (?script), not inline, and the
    # page's inline style moved to a stylesheet: both as the Content-Security-Policy asks.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="tracker/api/docs.html"
        ),
        name="api-docs",
    ),
]
