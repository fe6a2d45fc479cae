from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event"),
    path("organizations/", views.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
]
