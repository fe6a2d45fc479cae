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
LIST_COLUMNS = {"countries", "organizations", "people", "topics", "sources"}


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """``2024-04-19T08:30:00.123456Z``: ISO 8601 in UTC, as DRF writes date-times."""
    if value is None:
        return None
    value = value.astimezone(datetime.UTC)
    return value.isoformat().replace("+00:00", "Z")


def place_display(event) -> str:
    """Venue, city and country as the event page shows them: ``White House, Washington,
    United States``."""
    parts = [event.venue, event.city, event.country.name if event.country else ""]
    return ", ".join(part for part in parts if part)


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


def source_data(citation) -> dict:
    source = citation.source
    return {
        "url": source.url or None,
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "published": source.published.isoformat() if source.published else None,
        "language": source.language,
        "source_note": source.note,
        "quote": citation.quote,
        "note": citation.note,
    }


def relation_data(relation, direction: str) -> dict:
    other = relation.to_event if direction == "outgoing" else relation.from_event
    label = relation.get_kind_display() if direction == "outgoing" else relation.inverse_label
    return {
        "type": relation.kind,
        "direction": direction,
        "event": other.slug,
        "label": label,
        "note": relation.note,
        "source": source_reference(relation.source) if relation.source_id else None,
    }


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
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "type": event.event_type.slug,
        "status": event.status,
        "start": event.start.isoformat(),
        "end": event.end.isoformat() if event.end else None,
        "date_display": event.date_display,
        "place": place_display(event),
        "venue": event.venue,
        "city": event.city,
        "country": event.country.code if event.country else None,
        "attendance": event.attendance_mode,
        "countries": sorted(link.country.code for link in event.country_list),
        "topics": sorted(topic.slug for topic in event.topic_list),
        "participants": [participant_data(p) for p in event.participant_list],
        "sources": [source_data(citation) for citation in event.citation_list],
        "relations": relations_of(event),
        "parent": parent.slug if parent else None,
        "wikidata_id": event.wikidata_id or None,
        "published": event.published,
        "url": base_url + event.get_absolute_url(),
        "updated_at": iso_datetime(event.updated_at),
    }


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
