"""``/events.ics`` and ``/events/<slug>.ics``: the view, or one event, as an RFC 5545 calendar.

Dates keep their precision. A day-precision event is an all-day entry. An event known only
to the month spans that whole month, and its title and description say the day is not known.
An event known only to the year cannot be put in a calendar without inventing days, so it is
left out and the calendar's description says how many were.
"""

import datetime

import icalendar
from django.db.models import Q

from tracker.dates import Precision
from tracker.exports.query import SITE_NAME, site_host
from tracker.interchange import place_display

PRODID = "-//AI Policy Tracker//Timeline//EN"
MAX_CALENDAR_EVENTS = 5_000  # the first of the view, in its order; the rest are named only
REFRESH = datetime.timedelta(hours=12)  # how often a subscribed calendar should look again
STATUS = {
    "held": "CONFIRMED",
    "scheduled": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}
ONE_DAY = datetime.timedelta(days=1)
YEAR_ONLY = Q(start_precision=Precision.YEAR) | Q(end_precision=Precision.YEAR)


def in_calendars(event):
    """Whether an event has a calendar entry: not when either end is known only to the year."""
    return event.start_precision != Precision.YEAR and event.end_precision != Precision.YEAR


def month_only_ends(event):
    """Which ends of the event the sources give only to the month: ``["start", "end"]``."""
    ends = []
    if event.start_precision == Precision.MONTH:
        ends.append("start")
    if event.end and event.end != event.start and event.end_precision == Precision.MONTH:
        ends.append("end")
    return ends


def sequence(event):
    """Grows with every save of the event (RFC 5545 SEQUENCE): the whole seconds between its
    creation and its last change. Read from the row itself, so no query per event."""
    return max(0, int((event.updated_at - event.created_at).total_seconds()))


def summary_line(event):
    ends = month_only_ends(event)
    if not ends:
        return event.title
    days = "day" if not event.end or event.end == event.start else "days"
    return f"{event.title} ({event.date_display}, {days} not known)"


def description_text(event, url):
    """Plain text: summary, when (and what is not known), where, who, and the sources."""
    paragraphs = []
    if event.summary:
        paragraphs.append(event.summary)
    when = [f"When: {event.date_display}"]
    ends = month_only_ends(event)
    if ends == ["start"] and (not event.end or event.end == event.start):
        when.append("The sources give only the month, not the day: this entry spans the month.")
    elif ends:
        which = " and ".join(f"its {end}" for end in ends)
        when.append(
            f"The sources give only the month, not the day, for {which}: "
            "this entry covers the whole month."
        )
    place = place_display(event)
    if place:
        when.append(f"Where: {place}")
    paragraphs.append("\n".join(when))
    if event.participant_list:
        lines = ["Participants:"]
        for participation in event.participant_list:
            who = participation.participant_display
            if participation.title:
                who = f"{who}, {participation.title}"
            lines.append(f"- {who} ({participation.get_role_display().lower()})")
        paragraphs.append("\n".join(lines))
    if event.citation_list:
        lines = ["Sources:"]
        for citation in event.citation_list:
            source = citation.source
            named = ", ".join(part for part in (source.title, source.publisher) if part)
            lines.append(f"- {named}: {source.url}" if source.url else f"- {named}")
        paragraphs.append("\n".join(lines))
    paragraphs.append(f"Record: {url}")
    return "\n\n".join(paragraphs)


def calendar_event(event, request):
    """The VEVENT of an event loaded with ``for_interchange()`` that is ``in_calendars``."""
    url = request.build_absolute_uri(event.get_absolute_url())
    entry = icalendar.Event()
    # The primary key, not the slug: an editor may correct a slug, and a changed UID would
    # make every subscribed calendar delete the entry and add a new one.
    entry.add("uid", f"event-{event.pk}@{site_host(request)}")
    # In a published calendar (no METHOD), DTSTAMP is when the information last changed.
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("sequence", sequence(event))
    entry.add("dtstart", event.start.first)
    entry.add("dtend", event.last_day + ONE_DAY)  # exclusive: the day after the last day
    entry.add("summary", summary_line(event))
    entry.add("description", description_text(event, url))
    place = place_display(event)
    if place:
        entry.add("location", place)
    entry.add("url", url)
    entry.add("categories", [event.event_type.name])
    entry.add("status", STATUS.get(event.status, "CONFIRMED"))
    entry.add("transp", "TRANSPARENT")  # others' meetings: never mark the reader busy
    return entry


def new_calendar(name, description):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))  # the same, for Outlook
    return calendar


def plural(count, noun):
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def view_calendar(query):
    """The calendar of a timeline view: its first MAX_CALENDAR_EVENTS events that have a
    calendar entry, in its order, and a description that says what was left out."""
    events = list(query.events.exclude(YEAR_ONLY).for_interchange()[: MAX_CALENDAR_EVENTS + 1])
    year_only = query.events.filter(YEAR_ONLY).count()
    notes = [f"{query.description[:1].upper()}{query.description[1:]}, from {SITE_NAME}."]
    if len(events) > MAX_CALENDAR_EVENTS:
        events = events[:MAX_CALENDAR_EVENTS]
        notes.append(
            f"This view has more than {MAX_CALENDAR_EVENTS:,} events; only the first "
            f"{MAX_CALENDAR_EVENTS:,} in its order are shown."
        )
    if year_only:
        verb = "is" if year_only == 1 else "are"
        notes.append(
            f"{plural(year_only, 'event')} known only to the year {verb} not shown: a "
            "calendar would have to give each of them days the sources do not give."
        )
    notes.append(f"See {query.timeline_url}")
    calendar = new_calendar(query.title, " ".join(notes))
    for event in events:
        calendar.add_component(calendar_event(event, query.request))
    return calendar


def event_calendar(event, request):
    """A calendar of one event; empty, with a note, when it is known only to the year."""
    url = request.build_absolute_uri(event.get_absolute_url())
    if in_calendars(event):
        calendar = new_calendar(f"{SITE_NAME}: {event.title}", f"{event.title}. See {url}")
        calendar.add_component(calendar_event(event, request))
    else:
        note = (
            f"{event.title} is known only to the year ({event.date_display}), so it has no "
            f"calendar entry. See {url}"
        )
        calendar = new_calendar(f"{SITE_NAME}: {event.title}", note)
    return calendar
