"""An event's citation as a file: /events/<slug>/cite.ris, for reference managers."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from tracker import citations
from tracker.models import Event


def event_ris(request, slug):
    """The RIS record of a published event's page (a draft has no citation: it is not
    public). Downloaded as ``ai-policy-tracker-<slug>.ris``."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    url = request.build_absolute_uri(event.get_absolute_url())
    response = HttpResponse(
        citations.ris(citations.for_event(event, url)), content_type=citations.RIS_CONTENT_TYPE
    )
    filename = citations.ris_filename(event.slug)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
