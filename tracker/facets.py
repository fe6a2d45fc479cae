"""Facet options of the timeline.

Each facet counts the events that match every *other* active filter, so a reader sees how many
events each option would give. The counting is done on the timeline's columns
(tracker/timeline_index.py); this module turns counts into what the page shows: options with
names, in order. (The chart above the list is laid out by tracker/chart.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Value
from django_countries import countries

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


# The whole summary --------------------------------------------------------------------------


@dataclass
class Summary:
    """What the timeline shows about all matching events, not only the page."""

    total: int
    facets: dict


def summary(selection):
    """The total and facet options of a view, computed from the columns of
    ``selection`` (a ``tracker.timeline_index.Selection``)."""
    counted = selection.summary()
    return Summary(total=counted.total, facets=facet_options(selection.filterset, counted.counts))
