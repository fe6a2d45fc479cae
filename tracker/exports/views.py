"""The export views: thin doors onto ``csv``, ``ics`` and ``atom``.

Each format takes the timeline's query string strictly (``TimelineQuery``): a parameter that is
not understood is a 400 in plain text. A good answer carries a short public max-age and an ETag
made from the data version and the address, and a matching ``If-None-Match`` gets a 304.
"""

import hashlib
from functools import wraps

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header

from tracker.exports import ics
from tracker.exports.atom import EventsFeed
from tracker.exports.csv import csv_response
from tracker.exports.query import TimelineQuery, ascii_words
from tracker.models import DataVersion, Event

MAX_AGE = 60  # seconds a reader or a proxy may reuse an answer, as for the pages


def revalidated(view):
    """Add Cache-Control and an ETag to a good answer, and answer 304 when the reader's copy
    is current. The data version is the one the page cache read, if it did."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if getattr(request, "data_version", None) is None:
            request.data_version = DataVersion.current()
        address = request.build_absolute_uri()
        digest = hashlib.sha256(f"{request.data_version}\n{address}".encode("utf-8", "replace"))
        response.headers["ETag"] = f'"{digest.hexdigest()[:32]}"'
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return get_conditional_response(request, etag=response.headers["ETag"], response=response)

    return wrapper


def strict(view):
    """Call ``view(request, query)`` with the timeline query, or answer 400 naming every
    parameter that is not understood."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        query = TimelineQuery(request)
        if query.errors:
            return query.error_response()
        return view(request, query, *args, **kwargs)

    return wrapper


def calendar_response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@strict
def events_csv(request, query):
    return csv_response(query)


@strict
def events_ics(request, query):
    return calendar_response(ics.view_calendar(query), query.filename("ics"))


def event_ics(request, slug):
    event = get_object_or_404(Event.objects.published().for_interchange(), slug=slug)
    filename = f"ai-policy-tracker-{ascii_words(event.slug)[:80] or 'event'}.ics"
    return calendar_response(ics.event_calendar(event, request), filename)


events_atom = EventsFeed()
