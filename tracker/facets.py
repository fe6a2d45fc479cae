"""Facet options and the overview histogram of the timeline.

Each facet counts the events that match every *other* active filter, so a reader sees how many
events each option would give. The counting is done on the timeline's columns
(tracker/timeline_index.py); this module turns counts into what the page shows: options with
names, in order, and bars of the chart.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import CharField, Value
from django_countries import countries

from tracker.dates import MONTH_NAMES, PartialDate
from tracker.models import EventStatus, EventType, Organization, Person, Topic

TOP = {"organization": 12, "person": 12, "topic": 25}
MAX_CHART_YEARS = 60


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


def facet_options(filterset, counts):
    """``{facet name: [Option, ...]}`` for the timeline's filter panel, from the counts of
    ``Selection.summary`` (``{facet: Counts}``). The names of the records shown (event types,
    and the top organizations, people and topics) come from the database in one query."""
    keys = {name: _shown_keys(name, counts[name], filterset.active(name)) for name in RECORDS}
    names = _record_names(keys)
    options = {}
    for name in filterset.FACETS:
        if name == "country":
            options[name] = _countries(counts[name], filterset.active(name))
        elif name == "status":
            options[name] = _statuses(counts[name], filterset.active(name))
        else:
            chosen = {record.pk for record in filterset.active(name)}
            shown = [
                Option(*names[name][key], counts[name].get(key, 0), key in chosen)
                for key in keys[name]
                if key in names[name]
            ]
            if name == "type":  # every type, by count: the chosen ones are among them
                options[name] = sorted(shown, key=lambda o: (-o.count, o.label))
            else:
                options[name] = sorted(shown, key=lambda o: (not o.selected, -o.count, o.label))
    return options


RECORDS = {"type": EventType, "organization": Organization, "person": Person, "topic": Topic}


def _shown_keys(name, counts, selected):
    """The ids of the records a facet shows: every event type that has events or is chosen;
    of organizations, people and topics the largest counts (ties by key, so the choice is
    stable), and every chosen one whatever its count."""
    chosen = [record.pk for record in selected]
    if name == "type":
        return [*counts.as_dict(), *(pk for pk in chosen if not counts.get(pk))]
    top = counts.top(TOP[name])
    return top + [key for key in chosen if key not in top]


def _record_names(keys):
    """``{facet: {id: (slug, name)}}`` for the ids of ``keys`` (``{facet: [id, ...]}``), read
    as values in one query (a UNION ALL over the four tables)."""
    parts = [
        RECORDS[name]
        .objects.filter(pk__in=wanted)
        .order_by()
        .values_list(Value(name, output_field=CharField()), "pk", "slug", "name")
        for name, wanted in keys.items()
        if wanted
    ]
    names = {name: {} for name in keys}
    if parts:
        for facet, pk, slug, name in parts[0].union(*parts[1:], all=True):
            names[facet][pk] = (slug, name)
    return names


def _countries(counts, selected):
    counts = counts.as_dict()
    for code in selected:
        counts.setdefault(code, 0)
    names = dict(countries)  # at once: a name at a time is many times slower
    options = [
        Option(code, names.get(code) or code, n, code in selected) for code, n in counts.items()
    ]
    return sorted(options, key=lambda o: (not o.selected, -o.count, o.label))


def _statuses(counts, selected):
    counts = counts.as_dict()
    return [
        Option(value, label, counts.get(value, 0), value in selected)
        for value, label in EventStatus.choices
        if counts.get(value) or value in selected
    ]


# The overview picture ---------------------------------------------------------------------


@dataclass
class Bar:
    """One period of the overview chart; the view lays it out (x, y, width… as text) and
    links it."""

    period: PartialDate
    label: str
    count: int
    x: str = ""
    y: str = ""
    width: str = ""
    height: str = ""
    right: str = ""
    url: str = ""


def histogram(months, first, last, since=None, until=None):
    """Matching events per year, or per month when the chart spans two years or less, from
    ``months`` (``{(year, month): events}``) and the first and last start among them.

    The chart runs from the first matching event to the last, widened to the view's own
    date range (``since``/``until``) when it has one, so a view of 2024 shows all of 2024."""
    if not months:
        return []
    wide_first = min(first, since) if since else first
    wide_last = max(last, until) if until else last
    if wide_last.year - wide_first.year < MAX_CHART_YEARS:  # "from=1000" widens nothing
        first, last = wide_first, wide_last
    monthly = (last.year - first.year) * 12 + last.month - first.month < 24
    periods = Counter()
    for (year, month), n in months.items():
        periods[(year, month if monthly else 1)] += n
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


# The whole summary --------------------------------------------------------------------------


@dataclass
class Summary:
    """What the timeline shows about all matching events, not only the page."""

    total: int
    facets: dict
    bars: list


def summary(selection):
    """The total, facet options and histogram of a view, computed from the columns of
    ``selection`` (a ``tracker.timeline_index.Selection``)."""
    counted = selection.summary()
    filterset = selection.filterset
    data = filterset.form.cleaned_data
    since = data["from"].first if data.get("from") else None
    until = data["to"].last if data.get("to") else None
    return Summary(
        total=counted.total,
        facets=facet_options(filterset, counted.counts),
        bars=histogram(counted.months, counted.first, counted.last, since, until),
    )
