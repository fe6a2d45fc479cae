"""The rows of a timeline page, read as plain values.

A page shows fifty events, each with its participants, countries and topics. Read as model
instances (an event, its participations, their organizations and people) that took longer
than counting every matching event, so the rows are read with ``values_list`` in four queries
and what each row shows is worked out here, leaving the template little to look up. The
three loops of a row (participants, countries, topics) are built as HTML strings, every value
passed through markupsafe's ``escape`` (Jinja2's escaping, in C) and the result marked safe
once: several times faster than ``format_html`` or ``Markup.format``, which parse a format
string in Python for every value.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django_countries import countries
from markupsafe import Markup, escape

from tracker.dates import PartialDate, format_range
from tracker.jinja2 import highlight
from tracker.models import (
    Event,
    EventCountry,
    EventStatus,
    Organization,
    Participation,
    ParticipationRole,
    Person,
)

SHOWN_PARTICIPANTS = 3
MODES = {"virtual": "Virtual", "hybrid": "In person and virtual"}


class EscapedLabels(dict):
    """Labels escaped once; a value without a label is shown (escaped) as stored."""

    def __missing__(self, value):
        return escape(value)


ROLES = EscapedLabels((value, escape(label.lower())) for value, label in ParticipationRole.choices)
STATUS_LABELS = dict(EventStatus.choices)
EVENT_COLUMNS = (
    "pk",
    "slug",
    "title",
    "summary",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "last_day",
    "venue",
    "city",
    "country",
    "attendance_mode",
    "event_type__name",
)


@dataclass
class Row:
    """What a timeline row shows of one event."""

    pk: int
    slug: str
    start_date: datetime.date
    start_precision: str
    last_day: datetime.date
    status: str
    upcoming: bool
    url: str
    iso_date: str
    date_display: str
    title: str
    type_name: str
    badge: tuple  # (class, text), or () for an event held as planned
    place: str
    mode: str
    summary: str
    participants: str  # HTML
    more_participants: int
    countries: str  # HTML
    topics: str  # HTML
    sources: int
    marker_before: bool = False
    end_precision: str = ""  # the chart draws a range known to the day as a bar

    @property
    def status_class(self):
        return "" if self.status == EventStatus.HELD else f" event-{self.status}"


def load_rows(ids, today, terms=()):
    """Rows for the events of ``ids``, in that order, in four queries."""
    ids = list(ids)
    events = (
        Event.objects.published()  # a worker's columns may be a moment behind an unpublishing
        .filter(pk__in=ids)
        .annotate(sources=Count("citations"))
        .order_by()
        .values_list(*EVENT_COLUMNS, "sources")
    )
    parties = defaultdict(list)
    for event_id, role, person, organization in (
        Participation.objects.filter(event__in=ids)
        .order_by("order", "pk")
        .values_list(
            "event_id",
            "role",
            _name_of(Person, "person_id"),
            _name_of(Organization, "organization_id"),
        )
    ):
        parties[event_id].append((role, person, organization))
    topics = defaultdict(list)
    for event_id, slug, name in (
        Event.topics.through.objects.filter(event__in=ids)
        .order_by("topic__name")
        .values_list("event_id", "topic__slug", "topic__name")
    ):
        topics[event_id].append((slug, name))
    codes = defaultdict(list)
    for event_id, code in (
        EventCountry.objects.filter(event__in=ids)
        .order_by("country")
        .values_list("event_id", "country")
    ):
        codes[event_id].append(code)
    names = dict(countries)
    country_tags = CountryTags(names)
    event_url = reverse("tracker:event", args=["-"])[:-2]
    topic_url = reverse("tracker:topic", args=["-"])[:-2]
    rows = {}
    for values in events:
        (pk, slug, title, summary, status, start_date, start_precision, end_date, end_precision,
         last_day, venue, city, country, mode, type_name, sources) = values  # fmt: skip
        start = PartialDate(start_date, start_precision)
        end = PartialDate(end_date, end_precision) if end_date and end_precision else None
        upcoming = last_day >= today and status != EventStatus.CANCELLED
        shown = parties[pk][:SHOWN_PARTICIPANTS]
        rows[pk] = Row(
            pk=pk,
            slug=slug,
            start_date=start_date,
            start_precision=start_precision,
            last_day=last_day,
            status=status,
            upcoming=upcoming,
            url=f"{event_url}{slug}/",
            iso_date=start.isoformat(),
            date_display=format_range(start, end),
            title=title,
            type_name=type_name,
            badge=_badge(status, upcoming),
            place=", ".join(part for part in (venue, city, names.get(country, "")) if part),
            mode=MODES.get(mode, ""),
            summary=summary,
            participants=Markup(
                "; ".join(
                    f'{_party(person, org, terms)} <span class="role">{ROLES[role]}</span>'
                    for role, person, org in shown
                )
            ),
            more_participants=max(0, len(parties[pk]) - SHOWN_PARTICIPANTS),
            countries=Markup("".join(country_tags[code] for code in codes[pk])),
            topics=Markup(
                "".join(
                    f'<a class="topic" href="{topic_url}{escape(slug)}/">{escape(name)}</a>'
                    for slug, name in topics[pk]
                )
            ),
            sources=sources,
            end_precision=end_precision or "",
        )
    return [rows[pk] for pk in ids if pk in rows]


class CountryTags(dict):
    """The tag of each country a row names, made once per page (a row names six on average):
    a link to the country's page."""

    def __init__(self, names):
        super().__init__()
        self.names = names
        self.url = reverse("tracker:country", args=["xx"])[:-3]

    def __missing__(self, code):
        name = escape(self.names.get(code, code))
        href = f"{self.url}{escape(code.lower())}/"
        tag = self[code] = f'<a class="country" href="{href}">{name}</a>'
        return tag


def _name_of(model, key):
    """The name of the ``model`` record the row's ``key`` points to, looked up by primary key
    for each row: joined instead, PostgreSQL hashes every person and organization to name
    the page's two hundred participants."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values("name"))


def _badge(status, upcoming):
    if status == EventStatus.SCHEDULED:
        return ("scheduled", "Upcoming" if upcoming else "Scheduled")
    if status in {EventStatus.POSTPONED, EventStatus.CANCELLED}:
        return (status, STATUS_LABELS[status])
    return ()


def _party(person, organization, terms):
    """ "Person (Organization)", "Person" or "Organization", search terms marked."""
    if person and organization:
        return f"{highlight(person, terms)} ({highlight(organization, terms)})"
    return highlight(person or organization, terms)
