"""``/events.atom``: what changed lately in a timeline view, as an Atom 1.0 feed.

A feed reader wants news, so entries are the view's events newest change first (whatever the
view's ``order``), the latest MAX_ENTRIES of them. Each entry's content comes from the template
``tracker/feeds/event_entry.html``.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from tracker.exports.query import SITE_NAME, TimelineQuery
from tracker.interchange import place_display

MAX_ENTRIES = 50


class EventsFeed(Feed):
    feed_type = Atom1Feed
    description_template = "tracker/feeds/event_entry.html"
    language = "en"
    author_name = SITE_NAME

    def __call__(self, request, *args, **kwargs):
        query = TimelineQuery(request)
        if query.errors:
            return query.error_response()
        request.timeline_query = query  # read again by get_object, without a second check
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return getattr(request, "timeline_query", None) or TimelineQuery(request)

    def title(self, query):
        return query.title

    def subtitle(self, query):
        return (
            f"The {MAX_ENTRIES} most recently changed of the {query.description}, "
            "with their dates, participants and sources."
        )

    def link(self, query):
        return query.timeline_url

    def feed_url(self, query):
        return query.request.build_absolute_uri()

    def feed_guid(self, query):
        return query.request.build_absolute_uri()

    def author_link(self, query):
        return query.request.build_absolute_uri("/")

    def items(self, query):
        events = list(query.events.for_interchange().order_by("-updated_at", "-pk")[:MAX_ENTRIES])
        for event in events:
            # A tag URI (RFC 4151) on the primary key: it stays the same when a slug is
            # corrected, so readers do not show a changed record as a new one.
            event.feed_id = f"tag:{query.host},{event.created_at:%Y-%m-%d}:event-{event.pk}"
            event.place_text = place_display(event)
            event.record_url = query.request.build_absolute_uri(event.get_absolute_url())
        return events

    def item_title(self, event):
        return f"{event.title} ({event.date_display})"

    def item_link(self, event):
        return event.get_absolute_url()

    def item_guid(self, event):
        return event.feed_id

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return [event.event_type.name]

    def get_context_data(self, **kwargs):
        return {"event": kwargs["item"], "request": kwargs["request"]}
