"""The event as data: the one shape that the API, the exports and the import share.

``event_data`` gives an event as the API shows it (and as ``import_events`` reads a JSON file);
``csv_row`` flattens that into the CSV export's columns (which ``import_events`` reads back
with ``csv_to_data``). Dates keep their precision everywhere (``"2023-12"``, never a day), and
links to other records are by slug, so a file exported from one tracker imports into another.

Only published events are ever shown as data, and links to drafts (a draft parent, a relation
to a draft) are left out, as the HTML pages leave them out.
"""

from __future__ import annotations

import datetime
from collections import namedtuple

from tracker.dates import PartialDate, format_range
from tracker.models.events import INVERSE_LABELS, RelationKind

LIST_SEPARATOR = "; "

# The CSV export's columns, in order. ``import_events`` reads the same columns; those in
# READ_ONLY_COLUMNS are worked out from the others and ignored on import (``updated_at`` is
# kept only when the import creates the event).
CSV_COLUMNS = [
    "slug",
    "title",
    "type",
    "status",
    "start",
    "end",
    "date",
    "place",
    "venue",
    "city",
    "country",
    "attendance",
    "countries",
    "organizations",
    "people",
    "topics",
    "summary",
    "description",
    "sources",
    "parent",
    "wikidata_id",
    "url",
    "updated_at",
]
READ_ONLY_COLUMNS = {"date", "place", "url"}


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """``2024-04-19T08:30:00.123456Z``: ISO 8601 in UTC, as DRF writes date-times."""
    if value is None:
        return None
    value = value.astimezone(datetime.UTC)
    return value.isoformat().replace("+00:00", "Z")


def place_text(venue: str, city: str, country_name: str) -> str:
    """Venue, city and country as the event page shows them: ``White House, Washington,
    United States``."""
    return ", ".join(part for part in (venue, city, country_name) if part)


def place_display(event) -> str:
    return place_text(event.venue, event.city, event.country.name if event.country else "")


def source_reference(source) -> str:
    """How a CSV cell or a relation names a source: its URL, or its title when it has none
    (a print source)."""
    return source.url or source.title


def participant_data(participation) -> dict:
    return {
        "organization": participation.organization.slug if participation.organization_id else None,
        "person": participation.person.slug if participation.person_id else None,
        "role": participation.role,
        "title": participation.title,
        "note": participation.note,
    }


SOURCE_COLUMNS = (
    "source__url",
    "source__title",
    "source__publisher",
    "source__author",
    "source__published_date",
    "source__published_precision",
    "source__language",
    "source__note",
    "quote",
    "note",
)


def source_dict(
    url,
    title,
    publisher,
    author,
    published_date,
    published_precision,
    language,
    source_note,
    quote,
    note,
) -> dict:
    published = None
    if published_date is not None and published_precision:
        published = PartialDate.of(published_date, published_precision).isoformat()
    return {
        "url": url or None,
        "title": title,
        "publisher": publisher,
        "author": author,
        "published": published,
        "language": language,
        "source_note": source_note,
        "quote": quote,
        "note": note,
    }


def source_data(citation) -> dict:
    source = citation.source
    return source_dict(
        source.url,
        source.title,
        source.publisher,
        source.author,
        source.published_date,
        source.published_precision,
        source.language,
        source.note,
        citation.quote,
        citation.note,
    )


def relation_dict(kind, direction, other_slug, note, source_reference) -> dict:
    label = RelationKind(kind).label if direction == "outgoing" else INVERSE_LABELS[kind]
    return {
        "type": kind,
        "direction": direction,
        "event": other_slug,
        "label": label,
        "note": note,
        "source": source_reference,
    }


def relation_data(relation, direction: str) -> dict:
    other = relation.to_event if direction == "outgoing" else relation.from_event
    reference = source_reference(relation.source) if relation.source_id else None
    return relation_dict(relation.kind, direction, other.slug, relation.note, reference)


def relations_of(event) -> list[dict]:
    """Both directions, each read from this event's side, in the other events' date order.
    Relations with drafts are left out (``EventQuerySet.for_interchange`` prefetches only
    those with published events)."""
    pairs = [(relation, "outgoing", relation.to_event) for relation in event.outgoing]
    pairs += [(relation, "incoming", relation.from_event) for relation in event.incoming]
    pairs.sort(key=lambda p: (p[2].start_date, p[2].last_day, p[2].slug, p[0].kind, p[1]))
    return [relation_data(relation, direction) for relation, direction, _ in pairs]


def event_data(event, base_url: str = "") -> dict:
    """An event as data, from an event loaded with ``EventQuerySet.for_interchange()``.
    ``base_url`` (``https://tracker.example.org``) makes ``url`` absolute."""
    parent = event.parent if event.parent_id and event.parent.published else None
    return assemble(
        event,
        type_slug=event.event_type.slug,
        country_name=event.country.name if event.country else "",
        countries=[link.country.code for link in event.country_list],
        topics=[topic.slug for topic in event.topic_list],
        participants=[participant_data(p) for p in event.participant_list],
        sources=[source_data(citation) for citation in event.citation_list],
        relations=relations_of(event),
        parent=parent.slug if parent else None,
        url=base_url + event.get_absolute_url(),
    )


def assemble(
    event,
    *,
    type_slug,
    country_name,
    countries,
    topics,
    participants,
    sources,
    relations,
    parent,
    url,
) -> dict:
    """The one place that says what an event looks like as data. ``event`` is a model
    instance or a row with the same attribute names (see ``events_as_data``)."""
    start = PartialDate(event.start_date, event.start_precision)
    end = PartialDate(event.end_date, event.end_precision) if event.end_date else None
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "type": type_slug,
        "status": event.status,
        "start": start.isoformat(),
        "end": end.isoformat() if end else None,
        "date_display": format_range(start, end),
        "place": place_text(event.venue, event.city, country_name),
        "venue": event.venue,
        "city": event.city,
        "country": str(event.country) or None,
        "attendance": event.attendance_mode,
        "countries": sorted(countries),
        "topics": sorted(topics),
        "participants": participants,
        "sources": sources,
        "relations": relations,
        "parent": parent,
        "wikidata_id": event.wikidata_id or None,
        "published": event.published,
        "url": url,
        "updated_at": iso_datetime(event.updated_at),
    }


EVENT_COLUMNS = (
    "pk",
    "slug",
    "title",
    "summary",
    "description",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "venue",
    "city",
    "country",
    "attendance_mode",
    "wikidata_id",
    "published",
    "updated_at",
    "event_type__slug",
    "parent__slug",
    "parent__published",
)


EventRow = namedtuple("EventRow", EVENT_COLUMNS)


def events_as_data(pks, base_url: str = "") -> list[dict]:
    """``event_data`` of many events at once, in the order of ``pks``, read with a few plain
    queries and no model instances: what the CSV export streams, a chunk at a time (building
    model instances costs ten times more at 100,000 events). A test holds it equal to
    ``event_data`` for every seed event."""
    from django.db import connection
    from django.db.models import BooleanField, Q
    from django.db.models.expressions import RawSQL
    from django.urls import reverse
    from django_countries import countries as country_names

    from tracker.models import Citation, Event, EventCountry, EventRelation, Participation

    pks = [int(pk) for pk in pks]
    ids = ",".join(map(str, pks)) or "NULL"

    def among(model, column):
        """``<column> IN (<the ids>)``, written once: the ids are integers, and Django would
        prepare each value again for each of the queries below."""
        table = connection.ops.quote_name(model._meta.db_table)
        return RawSQL(
            f"{table}.{connection.ops.quote_name(column)} IN ({ids})",
            (),
            output_field=BooleanField(),
        )

    rows = {
        values[0]: EventRow(*values)
        for values in Event.objects.filter(among(Event, "id")).values_list(*EVENT_COLUMNS)
    }
    grouped = {
        pk: {"countries": [], "topics": [], "participants": [], "sources": [], "relations": []}
        for pk in rows
    }
    for event_id, code in EventCountry.objects.filter(among(EventCountry, "event_id")).values_list(
        "event_id", "country"
    ):
        grouped[event_id]["countries"].append(code)
    for event_id, slug in Event.topics.through.objects.filter(
        among(Event.topics.through, "event_id")
    ).values_list("event_id", "topic__slug"):
        grouped[event_id]["topics"].append(slug)
    for event_id, *values in (
        Participation.objects.filter(among(Participation, "event_id"))
        .order_by("order", "pk")
        .values_list("event_id", "organization__slug", "person__slug", "role", "title", "note")
    ):
        organization, person, role, title, note = values
        grouped[event_id]["participants"].append(
            {
                "organization": organization,
                "person": person,
                "role": role,
                "title": title,
                "note": note,
            }
        )
    for event_id, *values in (
        Citation.objects.filter(among(Citation, "event_id"))
        .order_by("pk")
        .values_list("event_id", *SOURCE_COLUMNS)
    ):
        grouped[event_id]["sources"].append(source_dict(*values))
    published_relations = EventRelation.objects.filter(
        Q(among(EventRelation, "from_event_id"), to_event__published=True)
        | Q(among(EventRelation, "to_event_id"), from_event__published=True)
    ).values_list(
        "from_event_id",
        "to_event_id",
        "kind",
        "note",
        "source__url",
        "source__title",
        "from_event__slug",
        "from_event__start_date",
        "from_event__last_day",
        "to_event__slug",
        "to_event__start_date",
        "to_event__last_day",
    )
    pairs = {pk: [] for pk in rows}
    for from_id, to_id, kind, note, url, title, *ends in published_relations:
        reference = url or title if (url or title) else None
        if from_id in pairs:
            other = ends[3:6]
            pairs[from_id].append((other, kind, "outgoing", note, reference))
        if to_id in pairs:
            other = ends[0:3]
            pairs[to_id].append((other, kind, "incoming", note, reference))
    for pk, found in pairs.items():
        found.sort(key=lambda p: (p[0][1], p[0][2], p[0][0], p[1], p[2]))
        grouped[pk]["relations"] = [
            relation_dict(kind, direction, other[0], note, reference)
            for other, kind, direction, note, reference in found
        ]
    path = reverse("tracker:event", args=["SLUG"])
    names = {code: country_names.name(code) for code in {row.country for row in rows.values()}}
    result = []
    for pk in pks:
        row = rows.get(pk)
        if row is None:
            continue
        parts = grouped[pk]
        result.append(
            assemble(
                row,
                type_slug=row.event_type__slug,
                country_name=names[row.country] if row.country else "",
                parent=row.parent__slug if row.parent__published else None,
                url=base_url + path.replace("SLUG", row.slug),
                **parts,
            )
        )
    return result


def _distinct(values):
    return list(dict.fromkeys(value for value in values if value))


def csv_row(data: dict) -> dict:
    """One CSV row (column: text) from ``event_data``: lists joined by ``"; "``."""
    sources = [source["url"] or source["title"] for source in data["sources"]]
    return {
        "slug": data["slug"],
        "title": data["title"],
        "type": data["type"],
        "status": data["status"],
        "start": data["start"],
        "end": data["end"] or "",
        "date": data["date_display"],
        "place": data["place"],
        "venue": data["venue"],
        "city": data["city"],
        "country": data["country"] or "",
        "attendance": data["attendance"],
        "countries": LIST_SEPARATOR.join(data["countries"]),
        "organizations": LIST_SEPARATOR.join(
            _distinct(p["organization"] for p in data["participants"])
        ),
        "people": LIST_SEPARATOR.join(_distinct(p["person"] for p in data["participants"])),
        "topics": LIST_SEPARATOR.join(data["topics"]),
        "summary": data["summary"],
        "description": data["description"],
        "sources": LIST_SEPARATOR.join(sources),
        "parent": data["parent"] or "",
        "wikidata_id": data["wikidata_id"] or "",
        "url": data["url"],
        "updated_at": data["updated_at"] or "",
    }


def split_list(text: str) -> list[str]:
    """A CSV cell's values: split on ``;`` and trimmed, empty ones dropped."""
    return [item.strip() for item in (text or "").split(";") if item.strip()]
