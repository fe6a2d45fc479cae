from django.views.generic import DetailView, ListView

from tracker.models import Event, Organization, Person, Topic


class EventDetailView(DetailView):
    template_name = "tracker/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.published().with_related()


class OrganizationListView(ListView):
    model = Organization
    template_name = "tracker/organization_list.html"


class OrganizationDetailView(DetailView):
    model = Organization
    template_name = "tracker/organization_detail.html"


class PersonListView(ListView):
    model = Person
    template_name = "tracker/person_list.html"


class PersonDetailView(DetailView):
    model = Person
    template_name = "tracker/person_detail.html"


class TopicDetailView(DetailView):
    model = Topic
    template_name = "tracker/topic_detail.html"
