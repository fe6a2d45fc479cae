from tracker.views.records import (
    EventDetailView,
    OrganizationDetailView,
    OrganizationListView,
    PersonDetailView,
    PersonListView,
    TopicDetailView,
)
from tracker.views.timeline import TimelineView

__all__ = [
    "EventDetailView",
    "OrganizationDetailView",
    "OrganizationListView",
    "PersonDetailView",
    "PersonListView",
    "TimelineView",
    "TopicDetailView",
]
