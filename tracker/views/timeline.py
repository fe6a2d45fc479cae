from django.views.generic import ListView

from tracker.models import Event


class TimelineView(ListView):
    template_name = "tracker/timeline.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        return Event.objects.published().with_related().chronological()
