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
from django.db.models import Case, Count, IntegerField, Value, When
from django_countries import countries

from tracker.dates import MONTH_NAMES, PartialDate
from tracker.models import DataVersion, Event, EventCountry, EventStatus, Participation

TOP = {"organization": 12, "person": 12, "topic": 25}


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


def _selected_first(field, selected):
    if not selected:
        return Value(0, output_field=IntegerField())
    return Case(
        When(**{f"{field}__in": selected}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def facet_counts(filterset):
    """``{facet name: [Option, ...]}`` for the timeline's filter panel."""
    facets = {}
    for name in filterset.FACETS:
        events = filterset.queryset_without(name).order_by()
        selected = filterset.active(name)
        facets[name] = list(COUNTERS[name](events, selected))
    return facets


# Each counter gets the matching events (a queryset) and the chosen values of its facet.


def _countries(events, selected):
    rows = (
        EventCountry.objects.filter(event__in=events.values("pk"))
        .values("country")
        .annotate(n=Count("event_id"))
        .order_by()
    )
    counts = {row["country"]: row["n"] for row in rows}
    for code in selected:
        counts.setdefault(code, 0)
    options = [
        Option(code, countries.name(code) or code, n, code in selected)
        for code, n in counts.items()
    ]
    return sorted(options, key=lambda o: (not o.selected, -o.count, o.label))


def _types(events, selected):
    rows = events.values("event_type__slug", "event_type__name").annotate(n=Count("pk")).order_by()
    chosen = {t.slug: t.name for t in selected}
    options = {r["event_type__slug"]: (r["event_type__name"], r["n"]) for r in rows}
    for slug, label in chosen.items():
        options.setdefault(slug, (label, 0))
    return sorted(
        (Option(slug, label, n, slug in chosen) for slug, (label, n) in options.items()),
        key=lambda o: (-o.count, o.label),
    )


def _statuses(events, selected):
    rows = events.values("status").annotate(n=Count("pk")).order_by()
    counts = {r["status"]: r["n"] for r in rows}
    return [
        Option(value, label, counts.get(value, 0), value in selected)
        for value, label in EventStatus.choices
        if counts.get(value) or value in selected
    ]


def _participants(kind):
    def count(events, selected):
        field = kind
        rows = (
            Participation.objects.filter(
                event__in=events.values("pk"), **{f"{field}__isnull": False}
            )
            .values(f"{field}__slug", f"{field}__name")
            .annotate(
                n=Count("event_id", distinct=True),
                chosen=_selected_first(field, [obj.pk for obj in selected]),
            )
            .order_by("-chosen", "-n", f"{field}__name")[: TOP[kind] + len(selected)]
        )
        chosen = {obj.slug: obj.name for obj in selected}
        options = [
            Option(r[f"{field}__slug"], r[f"{field}__name"], r["n"], r[f"{field}__slug"] in chosen)
            for r in rows
        ]
        shown = {o.value for o in options}
        options += [Option(s, label, 0, True) for s, label in chosen.items() if s not in shown]
        return options

    return count


def _topics(events, selected):
    through = Event.topics.through
    rows = (
        through.objects.filter(event__in=events.values("pk"))
        .values("topic__slug", "topic__name")
        .annotate(n=Count("event_id"), chosen=_selected_first("topic", [t.pk for t in selected]))
        .order_by("-chosen", "-n", "topic__name")[: TOP["topic"] + len(selected)]
    )
    chosen = {t.slug: t.name for t in selected}
    options = [
        Option(r["topic__slug"], r["topic__name"], r["n"], r["topic__slug"] in chosen) for r in rows
    ]
    shown = {o.value for o in options}
    return options + [Option(s, label, 0, True) for s, label in chosen.items() if s not in shown]


COUNTERS = {
    "country": _countries,
    "type": _types,
    "status": _statuses,
    "organization": _participants("organization"),
    "person": _participants("person"),
    "topic": _topics,
}


# The overview picture ---------------------------------------------------------------------


@dataclass
class Bar:
    period: PartialDate
    label: str
    count: int
    x: float = 0
    height: float = 0


def histogram(events):
    """Matching events per year, or per month when they span two years or less.

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
        found = Summary(
            total=matching.count(), facets=facet_counts(filterset), bars=histogram(matching)
        )
        cache.set(key, found)
    return found
