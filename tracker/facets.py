"""Facet counts and the overview histogram of the timeline.

Each facet counts the events that match every *other* active filter, so a reader sees how many
events each option would give. Each count is one grouped query; the number of queries does not
grow with the data. Counting a million events is not free, so ``summary`` caches the counts of
each filtered view until the data changes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count
from django_countries import countries

from tracker.dates import MONTH_NAMES, PartialDate
from tracker.models import (
    DataVersion,
    Event,
    EventCountry,
    EventStatus,
    Organization,
    Participation,
    Person,
    Topic,
)

TOP = {"organization": 12, "person": 12, "topic": 25}
MAX_CHART_YEARS = 60


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


def facet_counts(filterset):
    """``{facet name: [Option, ...]}`` for the timeline's filter panel.

    The filterset must be over published events (as the timeline's is)."""
    facets = {}
    for name in filterset.FACETS:
        events = filterset.queryset_without(name).order_by()
        everything = not filterset.is_filtered(besides=name)
        facets[name] = COUNTERS[name](events, filterset.active(name), everything)
    return facets


def _grouped(links, field, count):
    return {row[field]: row["n"] for row in links.values(field).annotate(n=count).order_by()}


def _link_counts(links, field, count, events, everything):
    """Link rows (an event's countries, participants or topics) counted per ``field``, over
    the matching events.

    When no other filter applies, the matching events are all published ones. Counting every
    link and taking away the drafts' links is then exact, and much faster than testing each
    link's event (drafts are few, and the draft index finds them at once)."""
    if not everything:
        return _grouped(links.filter(event__in=events.values("pk")), field, count)
    totals = _grouped(links, field, count)
    drafts = _grouped(links.filter(event__in=Event.objects.drafts().values("pk")), field, count)
    counts = {key: n - drafts.get(key, 0) for key, n in totals.items()}
    return {key: n for key, n in counts.items() if n > 0}


def _top(counts, selected_keys, limit):
    """The ``limit`` largest counts, and every selected key whatever its count."""
    ranked = sorted(counts, key=lambda key: -counts[key])
    top = ranked[:limit]
    return top + [key for key in selected_keys if key not in top]


def _countries(events, selected, everything):
    counts = _link_counts(
        EventCountry.objects.all(), "country", Count("event_id"), events, everything
    )
    for code in selected:
        counts.setdefault(code, 0)
    options = [
        Option(code, countries.name(code) or code, n, code in selected)
        for code, n in counts.items()
    ]
    return sorted(options, key=lambda o: (not o.selected, -o.count, o.label))


def _types(events, selected, everything):
    rows = events.values("event_type__slug", "event_type__name").annotate(n=Count("pk")).order_by()
    chosen = {t.slug: t.name for t in selected}
    options = {r["event_type__slug"]: (r["event_type__name"], r["n"]) for r in rows}
    for slug, label in chosen.items():
        options.setdefault(slug, (label, 0))
    return sorted(
        (Option(slug, label, n, slug in chosen) for slug, (label, n) in options.items()),
        key=lambda o: (-o.count, o.label),
    )


def _statuses(events, selected, everything):
    rows = events.values("status").annotate(n=Count("pk")).order_by()
    counts = {r["status"]: r["n"] for r in rows}
    return [
        Option(value, label, counts.get(value, 0), value in selected)
        for value, label in EventStatus.choices
        if counts.get(value) or value in selected
    ]


def _records(model, links, field, count, name):
    """A counter for a facet of records (organizations, people, topics) reached through
    ``links``: counts per id, then one query for the names of those shown."""

    def counter(events, selected, everything):
        counts = _link_counts(links, field, count, events, everything)
        chosen = {obj.pk for obj in selected}
        keys = _top(counts, [obj.pk for obj in selected], TOP[name])
        records = model.objects.in_bulk(keys)
        options = [
            Option(records[key].slug, records[key].name, counts.get(key, 0), key in chosen)
            for key in keys
            if key in records
        ]
        return sorted(options, key=lambda o: (not o.selected, -o.count, o.label))

    return counter


COUNTERS = {
    "country": _countries,
    "type": _types,
    "status": _statuses,
    "organization": _records(
        Organization,
        Participation.objects.exclude(organization=None),
        "organization_id",
        Count("event_id", distinct=True),
        "organization",
    ),
    "person": _records(
        Person,
        Participation.objects.exclude(person=None),
        "person_id",
        Count("event_id", distinct=True),
        "person",
    ),
    "topic": _records(
        Topic, Event.topics.through.objects.all(), "topic_id", Count("event_id"), "topic"
    ),
}


# The overview picture ---------------------------------------------------------------------


@dataclass
class Bar:
    """One period of the overview chart; the view lays it out (x, y, width…) and links it."""

    period: PartialDate
    label: str
    count: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    right: float = 0
    url: str = ""


def histogram(events, since=None, until=None):
    """Matching events per year, or per month when the chart spans two years or less.

    The chart runs from the first matching event to the last, widened to the view's own
    date range (``since``/``until``) when it has one, so a view of 2024 shows all of 2024.
    One query: events counted per start date (a few thousand rows at most for 30 years),
    folded into periods here, which is faster than date functions on SQLite."""
    per_day = Counter(
        {
            row["start_date"]: row["n"]
            for row in events.order_by().values("start_date").annotate(n=Count("pk"))
        }
    )
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    wide_first = min(first, since) if since else first
    wide_last = max(last, until) if until else last
    if wide_last.year - wide_first.year < MAX_CHART_YEARS:  # "from=1000" widens nothing
        first, last = wide_first, wide_last
    monthly = (last.year - first.year) * 12 + last.month - first.month < 24
    periods = Counter()
    for day, n in per_day.items():
        periods[(day.year, day.month if monthly else 1)] += n
    bars = []
    year, month = first.year, first.month if monthly else 1
    while (year, month) <= (last.year, last.month if monthly else 1):
        if monthly:
            period = PartialDate(datetime.date(year, month, 1), "month")
            label = f"{MONTH_NAMES[month][:3]} {year}"
        else:
            period = PartialDate(datetime.date(year, 1, 1), "year")
            label = str(year)
        bars.append(Bar(period, label, periods.get((year, month), 0)))
        if monthly:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        else:
            year += 1
    return bars


# Caching --------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What the timeline shows about all matching events, not only the page: cached."""

    total: int
    facets: dict
    bars: list


def summary(filterset, query_pairs, data_version=None):
    """The total, facet counts and histogram for a filtered view, from the cache if the data
    has not changed since they were counted. ``query_pairs`` are the view's filter values."""
    if data_version is None:
        data_version = DataVersion.current()
    normalized = urlencode(sorted(query_pairs))
    digest = hashlib.sha256(normalized.encode()).hexdigest()
    key = f"tracker:timeline:{data_version}:{digest}"
    found = cache.get(key)
    if found is None:
        matching = filterset.queryset_without(None)
        data = filterset.form.cleaned_data
        since = data["from"].first if data.get("from") else None
        until = data["to"].last if data.get("to") else None
        found = Summary(
            total=matching.count(),
            facets=facet_counts(filterset),
            bars=histogram(matching, since, until),
        )
        cache.set(key, found)
    return found
