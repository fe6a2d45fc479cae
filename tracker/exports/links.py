"""Links from a timeline view to the same view in each data format."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

API_EVENTS_PATH = "/api/v1/events/"  # the JSON API's event list (tracker/api), same parameters


@dataclass(frozen=True)
class FormatLink:
    label: str
    url: str
    media_type: str


def export_query(request, filterset):
    """The view as the formats take it: its filters and its order, never the page or an empty
    value. A parameter the page could not understand (which it reports and leaves out) is left
    out here too, so a link gives the events the page shows rather than a 400."""
    not_understood = set(filterset.parameter_errors(allowed=("page",)))
    return urlencode(
        [
            (key, value)
            for key, values in request.GET.lists()
            if key != "page" and key not in not_understood
            for value in values
            if value != ""
        ]
    )


def with_query(path, query):
    return f"{path}?{query}" if query else path


def format_links(query):
    """The four formats of a view, given its ``export_query``."""
    return [
        FormatLink("Download CSV", with_query(reverse("tracker:events_csv"), query), "text/csv"),
        FormatLink("JSON", with_query(API_EVENTS_PATH, query), "application/json"),
        FormatLink(
            "Subscribe in a calendar",
            with_query(reverse("tracker:events_ics"), query),
            "text/calendar",
        ),
        FormatLink(
            "Atom feed", with_query(reverse("tracker:events_atom"), query), "application/atom+xml"
        ),
    ]
