from django.urls import path

from tracker import views
from tracker.caching import cached_public_page

app_name = "tracker"

urlpatterns = [
    path("", cached_public_page(views.TimelineView.as_view()), name="timeline"),
    path("events/<slug:slug>/", cached_public_page(views.EventDetailView.as_view()), name="event"),
    path(
        "organizations/",
        cached_public_page(views.OrganizationListView.as_view()),
        name="organizations",
    ),
    path(
        "organizations/<slug:slug>/",
        cached_public_page(views.OrganizationDetailView.as_view()),
        name="organization",
    ),
    path("people/", cached_public_page(views.PersonListView.as_view()), name="people"),
    path(
        "people/<slug:slug>/", cached_public_page(views.PersonDetailView.as_view()), name="person"
    ),
    path("topics/<slug:slug>/", cached_public_page(views.TopicDetailView.as_view()), name="topic"),
]
