"""Every rule a record must meet, checked before the database would refuse it.

``Checker.check(where, data)`` turns one record (the API's event shape) into a ``Plan`` of
what to write, or problems that say where, which field, the value and what to fix. It reads
the database only through ``Lookups``, filled once for the whole file, so checking 100,000
rows costs a few queries.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_datetime
from django_countries import countries

from tracker.dates import MAX_YEAR, MIN_YEAR, InvalidPartialDate, PartialDate
from tracker.importer.report import Problem
from tracker.models import (
    AttendanceMode,
    Event,
    EventStatus,
    EventType,
    Organization,
    ParticipationRole,
    Person,
    RelationKind,
    Source,
    Topic,
)
from tracker.models.fields import end_inside_vaguer_start, wikidata_validator

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# A reference meant as a URL (a scheme and a slash, or www.), right or wrong, not a title.
LOOKS_LIKE_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,9}:/|www\.)")
DATE_HINT = "use YYYY, YYYY-MM or YYYY-MM-DD"
DIRECTIONS = ("outgoing", "incoming")
TRUE_WORDS = {"true", "1", "yes", "y"}
FALSE_WORDS = {"false", "0", "no", "n"}
# Keys that describe an event but are worked out from the others: ignored when read.
READ_ONLY_KEYS = {"date_display", "place", "url", "id"}
KNOWN_KEYS = {
    "slug",
    "title",
    "summary",
    "description",
    "type",
    "status",
    "start",
    "end",
    "venue",
    "city",
    "country",
    "attendance",
    "countries",
    "topics",
    "participants",
    "sources",
    "relations",
    "parent",
    "wikidata_id",
    "published",
    "updated_at",
    # from a CSV row (see reading.csv_to_data)
    "_organizations",
    "_people",
    "_source_refs",
} | READ_ONLY_KEYS

# The longest text each field takes (the model's max_length).
LENGTHS = {
    "slug": 200,
    "title": 300,
    "venue": 200,
    "city": 100,
    "participant title": 300,
    "participant note": 500,
    "relation note": 500,
    "source title": 500,
    "source url": 1000,
    "source publisher": 200,
    "source author": 200,
    "source language": 12,
}
# The lists a CSV row's cells become (see reading.csv_to_data).
CSV_LIST_KEYS = {"_organizations", "_people", "_source_refs"}
# What a record created from its key alone is like (``--create-missing``).
MISSING_KINDS = {"type": EventType, "organization": Organization, "person": Person, "topic": Topic}


def name_from_slug(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().capitalize() or slug


@dataclass
class SourcePlan:
    """A citation: an existing source (``source``) or one to create (``new``)."""

    reference: str  # its URL, or its title when it has none
    quote: str = ""
    note: str = ""
    source: Source | None = None
    new: dict | None = None


@dataclass
class Plan:
    """What to write for one record. ``None`` means "leave as it is" (the key was absent)."""

    where: str
    slug: str
    existing: Event | None
    fields: dict = field(default_factory=dict)  # model field → value; refs by slug
    countries: list | None = None
    topics: list | None = None
    participants: list | None = None  # dicts: organization, person, role, title, note
    sources: list | None = None  # SourcePlans
    relations: list | None = None  # dicts: type, direction, event, note, source
    parent: str | None = None
    parent_given: bool = False
    updated_at: datetime.datetime | None = None

    @property
    def creating(self):
        return self.existing is None


def _texts(value):
    """The strings in ``value`` (a string, or a list of them) worth looking up; anything else,
    and a string holding a NUL (PostgreSQL refuses it even in a query), is left to the rules
    to report."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item.strip() for item in items if isinstance(item, str) and "\x00" not in item]


def _dicts(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _in_batches(queryset, field, values, *columns):
    values = sorted(values)
    for start in range(0, len(values), 500):
        yield from queryset.filter(**{f"{field}__in": values[start : start + 500]}).values_list(
            *columns
        )


class Lookups:
    """Everything the rules look up, read once for the whole file and only for the keys it
    names: events by slug (to update, as parents, in relations), types, topics,
    organizations and people by slug, sources by URL or title. A one-event write through the
    API costs a few small queries however large the database."""

    def __init__(self, records):
        named = {kind: set() for kind in ("event", "type", "topic", "organization", "person")}
        references = set()
        self.file_sources = set()  # sources the file describes in full (an event's "sources")
        for _, data in records:
            if not isinstance(data, dict):
                continue
            named["event"].update(_texts(data.get("slug")) + _texts(data.get("parent")))
            named["type"].update(_texts(data.get("type")))
            named["topic"].update(_texts(data.get("topics")))
            named["organization"].update(_texts(data.get("_organizations")))
            named["person"].update(_texts(data.get("_people")))
            references.update(_texts(data.get("_source_refs")))
            for participant in _dicts(data.get("participants")):
                named["organization"].update(_texts(participant.get("organization")))
                named["person"].update(_texts(participant.get("person")))
            for relation in _dicts(data.get("relations")):
                named["event"].update(_texts(relation.get("event")))
                references.update(_texts(relation.get("source")))
            for row in _dicts(data.get("sources")):
                described = _texts(row.get("url")) or _texts(row.get("title"))
                references.update(_texts(row.get("url")) + _texts(row.get("title")))
                self.file_sources.update(reference for reference in described if reference)
        self.events = {}
        for start in range(0, len(named["event"]), 500):
            batch = sorted(named["event"])[start : start + 500]
            for event in Event.objects.filter(slug__in=batch):
                self.events[event.slug] = event
        self.types = dict(_in_batches(EventType.objects, "slug", named["type"], "slug", "pk"))
        self.topics = dict(_in_batches(Topic.objects, "slug", named["topic"], "slug", "pk"))
        self.organizations = {
            slug: (pk, country)
            for slug, pk, country in _in_batches(
                Organization.objects, "slug", named["organization"], "slug", "pk", "country"
            )
        }
        self.people = {
            slug: (pk, country)
            for slug, pk, country in _in_batches(
                Person.objects, "slug", named["person"], "slug", "pk", "country"
            )
        }
        self.sources_by_url = {}
        self.sources_by_title = {}
        found = set(_in_batches(Source.objects, "url", references, "pk"))
        found |= set(_in_batches(Source.objects.filter(url=""), "title", references, "pk"))
        pks = sorted(pk for (pk,) in found)
        for start in range(0, len(pks), 500):
            for source in Source.objects.filter(pk__in=pks[start : start + 500]).only(
                "pk", "url", "title"
            ):
                if source.url:
                    self.sources_by_url[source.url] = source
                else:
                    self.sources_by_title.setdefault(source.title, source)
        self.file_slugs = set()  # the events this import creates or updates


class Checker:
    def __init__(self, lookups: Lookups, *, create_missing=False, partial=True, drafts=False):
        self.lookups = lookups
        self.create_missing = create_missing
        self.partial = partial
        self.drafts = drafts
        self.missing = {kind: set() for kind in MISSING_KINDS}
        self.new_sources = {}  # reference → the details of a source to create

    # One record ------------------------------------------------------------------------

    def check(self, where, data, instance=None):
        """``(plan, problems)`` for one record. ``instance`` is the event to update (the API
        names it by URL); otherwise the record's slug says which event, if any."""
        self.where, self.problems = where, []
        if not isinstance(data, dict):
            self.problem("event", data, "is not an event object.")
            return None, self.problems
        for key in list(data):
            if key not in KNOWN_KEYS:
                self.problem(key[:60], "", "is not a field of an event; see the API's event shape.")
            elif key in CSV_LIST_KEYS and not (
                isinstance(data[key], list) and all(isinstance(item, str) for item in data[key])
            ):
                self.problem(key, "", "must be a list of keys.")
                data = {k: v for k, v in data.items() if k != key}
        slug = self.slug(data, instance)
        existing = instance or (self.lookups.events.get(slug) if slug else None)
        # Without a partial update, a field that is absent takes its empty value.
        partial = self.partial and existing is not None
        plan = Plan(where, slug or "", existing)
        self.scalars(plan, data, partial)
        self.dates(plan, data, partial)
        if "status" not in plan.fields and not partial:
            # Not given: an event yet to come is scheduled, one that has begun was held.
            start = plan.fields.get("start_date")
            upcoming = start is not None and start > datetime.date.today()
            plan.fields["status"] = EventStatus.SCHEDULED if upcoming else EventStatus.HELD
        self.links(plan, data, partial)
        self.check_publishing(plan, data, partial)
        return (plan if not self.problems else None), self.problems

    def problem(self, field_name, value, message):
        shown = value if isinstance(value, str) else ("" if value is None else str(value))
        self.problems.append(Problem(self.where, field_name, shown, message))

    # Fields ------------------------------------------------------------------------------

    def slug(self, data, instance):
        slug = data.get("slug")
        if slug in (None, "") and instance is not None:
            return instance.slug
        if not isinstance(slug, str) or not slug:
            self.problem("slug", slug, "is missing: every event needs its URL key.")
            return None
        if not SLUG.match(slug) or len(slug) > LENGTHS["slug"]:
            self.problem(
                "slug",
                slug,
                "is not a slug: use letters, digits, hyphens and underscores "
                f"(at most {LENGTHS['slug']}).",
            )
            return None
        if instance is not None and slug != instance.slug and slug in self.lookups.events:
            self.problem("slug", slug, "is taken by another event.")
            return None
        return slug

    def text(self, data, key, *, required=False, limit=None, label=None):
        value = data.get(key)
        label = label or key
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(label, value, "must be text.")
            return ""
        value = value.strip()
        if "\x00" in value:
            self.problem(label, value, "holds a NUL character.")
            return ""
        if required and not value:
            self.problem(label, value, "is missing.")
        if limit and len(value) > limit:
            self.problem(label, value, f"is longer than {limit} characters.")
        return value

    def choice(self, data, key, choices, default, *, label=None):
        value = data.get(key)
        if value in (None, ""):
            return default
        if value not in choices:
            self.problem(label or key, value, f"is not one of {', '.join(choices)}.")
            return default
        return value

    def country(self, value, label):
        if value in (None, ""):
            return ""
        code = value.upper() if isinstance(value, str) else value
        if not isinstance(code, str) or code not in countries:
            self.problem(label, value, "is not an ISO 3166-1 alpha-2 country code, such as KR.")
            return ""
        return code

    def scalars(self, plan, data, partial):
        def given(key):
            return key in data or not partial

        fields = plan.fields
        if given("title"):
            fields["title"] = self.text(data, "title", required=True, limit=LENGTHS["title"])
        for key in ("summary", "description"):
            if given(key):
                fields[key] = self.text(data, key)
        for key in ("venue", "city"):
            if given(key):
                fields[key] = self.text(data, key, limit=LENGTHS[key])
        if given("type"):
            fields["event_type"] = self.reference(data.get("type"), "type", required=True)
        if "status" in data:
            fields["status"] = self.choice(data, "status", EventStatus.values, "held")
        if given("attendance"):
            fields["attendance_mode"] = self.choice(
                data, "attendance", AttendanceMode.values, AttendanceMode.IN_PERSON
            )
        if given("country"):
            fields["country"] = self.country(data.get("country"), "country")
        if given("wikidata_id"):
            value = self.text(data, "wikidata_id")
            if value:
                try:
                    wikidata_validator(value)
                except ValidationError:
                    self.problem("wikidata_id", value, "is not a Wikidata ID such as Q42.")
            fields["wikidata_id"] = value
        if "published" in data or not partial:
            default = not self.drafts if plan.existing is None else plan.existing.published
            fields["published"] = self.boolean(data, "published", default=default)
        if self.drafts and plan.existing is None:
            fields["published"] = False
        if data.get("updated_at") not in (None, ""):
            value = data["updated_at"]
            try:
                parsed = parse_datetime(value) if isinstance(value, str) else None
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                try:
                    in_range = MIN_YEAR <= parsed.astimezone(datetime.UTC).year <= MAX_YEAR
                except OverflowError:
                    in_range = False
                parsed = parsed if in_range else None
            if parsed is None or parsed.tzinfo is None:
                self.problem(
                    "updated_at", value, "is not a date and time such as 2024-04-19T08:30:00Z."
                )
            else:
                plan.updated_at = parsed

    def boolean(self, data, key, default):
        value = data.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        self.problem(key, value, "must be true or false.")
        return default

    def dates(self, plan, data, partial):
        start = end = None
        for key in ("start", "end"):
            if key not in data and partial:
                continue
            value = data.get(key)
            if value in (None, ""):
                if key == "start":
                    self.problem("start", "", f"is missing: {DATE_HINT}.")
                plan.fields.update({f"{key}_date": None, f"{key}_precision": ""})
                continue
            if not isinstance(value, str):
                self.problem(key, value, f'must be a string, such as "2025-03"; {DATE_HINT}.')
                continue
            try:
                parsed = PartialDate.parse(value)
            except InvalidPartialDate:
                self.problem(key, value, f"is not a date; {DATE_HINT}.")
                continue
            plan.fields.update({f"{key}_date": parsed.date, f"{key}_precision": parsed.precision})
            if key == "start":
                start = parsed
            else:
                end = parsed
        existing = plan.existing
        if start is None and existing is not None and "start" not in data:
            start = existing.start
        if end is None and existing is not None and "end" not in data and partial:
            end = existing.end
        if start and end and end.first < start.first:
            self.problem("end", end.isoformat(), f"is before the start ({start.isoformat()}).")
        elif end_inside_vaguer_start(start, end):
            self.problem(
                "end",
                end.isoformat(),
                f"falls within the start ({start.isoformat()}) and is more precise: give the "
                "start as precisely, or leave the end empty.",
            )

    # Links to other records ------------------------------------------------------------

    def reference(self, slug, kind, *, required=False, label=None):
        """A type, topic, organization or person named by its slug: its slug when it exists
        (or will, with ``create_missing``), else a problem, reported on ``label`` (the field
        as the record names it, such as ``participants[2].organization``)."""
        if slug in (None, ""):
            if required:
                self.problem(label or kind, "", "is missing.")
            return None
        table = {
            "type": self.lookups.types,
            "topic": self.lookups.topics,
            "organization": self.lookups.organizations,
            "person": self.lookups.people,
        }[kind]
        if not isinstance(slug, str):
            self.problem(label or kind, slug, "must be a slug.")
            return None
        if slug in table:
            return slug
        limit = MISSING_KINDS[kind]._meta.get_field("slug").max_length
        if not SLUG.match(slug) or len(slug) > limit:
            self.problem(
                label or kind, slug, f"is not a slug (letters, digits, hyphens; at most {limit})."
            )
            return None
        if self.create_missing:
            self.missing[kind].add(slug)
            return slug
        noun = {"type": "event type"}.get(kind, kind)
        self.problem(
            label or kind,
            slug,
            f"is not the key of any {noun}: correct it, add the {noun} first, or import "
            'with "create missing records" (--create-missing).',
        )
        return None

    def slug_list(self, data, key, label):
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(label, value, "must be a list.")
            return []
        return value

    def links(self, plan, data, partial):
        def given(*keys):
            return any(key in data for key in keys) or not partial

        if given("topics"):
            topics = [
                self.reference(s, "topic", label="topics")
                for s in self.slug_list(data, "topics", "topics")
            ]
            plan.topics = sorted({slug for slug in topics if slug})
        if given("countries"):
            codes = [
                self.country(code, "countries")
                for code in self.slug_list(data, "countries", "countries")
            ]
            plan.countries = sorted({code for code in codes if code})
        if given("participants", "_organizations", "_people"):
            plan.participants = self.participants(plan, data)
        if given("sources", "_source_refs"):
            plan.sources = self.sources(plan, data)
        if given("relations"):
            plan.relations = self.relations(plan, data)
        if given("parent"):
            plan.parent_given = True
            parent = data.get("parent")
            if parent in (None, ""):
                plan.parent = None
            elif not isinstance(parent, str):
                self.problem("parent", parent, "must be an event's slug.")
            elif parent == plan.slug:
                self.problem("parent", parent, "is the event itself.")
            elif not self.event_exists(parent):
                self.problem("parent", parent, self.no_event_message())
            else:
                plan.parent = parent

    def event_exists(self, slug):
        return slug in self.lookups.events or slug in self.lookups.file_slugs

    @staticmethod
    def no_event_message():
        return "is not the slug of an event in the database or in this file."

    def participants(self, plan, data):
        if "participants" in data or ("_organizations" not in data and "_people" not in data):
            rows = self.slug_list(data, "participants", "participants")
            result = []
            for index, row in enumerate(rows):
                label = f"participants[{index}]"
                if not isinstance(row, dict):
                    self.problem(label, row, "must be an object with organization and person.")
                    continue
                organization = self.reference(
                    row.get("organization"), "organization", label=f"{label}.organization"
                )
                person = self.reference(row.get("person"), "person", label=f"{label}.person")
                if not row.get("organization") and not row.get("person"):
                    self.problem(
                        label, "", "names no one: give an organization, a person, or both."
                    )
                    continue
                result.append(
                    {
                        "organization": organization,
                        "person": person,
                        "role": self.choice(
                            row,
                            "role",
                            ParticipationRole.values,
                            "participant",
                            label=f"{label}.role",
                        ),
                        "title": self.text(
                            row,
                            "title",
                            limit=LENGTHS["participant title"],
                            label=f"{label}.title",
                        ),
                        "note": self.text(
                            row, "note", limit=LENGTHS["participant note"], label=f"{label}.note"
                        ),
                    }
                )
            return result
        # A CSV row: which organizations and which people took part. A participation that
        # exists and still fits (its organization and person are still listed) is kept with
        # its role and title; the others listed are added as plain participants.
        organizations = [
            slug
            for slug in (
                self.reference(s, "organization", label="organizations")
                for s in data.get("_organizations", [])
            )
            if slug
        ]
        people = [
            slug
            for slug in (
                self.reference(s, "person", label="people") for s in data.get("_people", [])
            )
            if slug
        ]
        if "_organizations" not in data or "_people" not in data:
            current = self.current_participants(plan)
            if "_organizations" not in data:
                organizations = [p["organization"] for p in current if p["organization"]]
            if "_people" not in data:
                people = [p["person"] for p in current if p["person"]]
        wanted_orgs, wanted_people = set(organizations), set(people)
        kept = [
            p
            for p in self.current_participants(plan)
            if (p["organization"] is None or p["organization"] in wanted_orgs)
            and (p["person"] is None or p["person"] in wanted_people)
        ]
        covered_orgs = {p["organization"] for p in kept}
        covered_people = {p["person"] for p in kept}
        plain = {"role": "participant", "title": "", "note": ""}
        for slug in dict.fromkeys(organizations):
            if slug not in covered_orgs:
                kept.append({"organization": slug, "person": None, **plain})
        for slug in dict.fromkeys(people):
            if slug not in covered_people:
                kept.append({"organization": None, "person": slug, **plain})
        return kept

    def current_participants(self, plan):
        if plan.existing is None:
            return []
        return [
            {
                "organization": p.organization.slug if p.organization_id else None,
                "person": p.person.slug if p.person_id else None,
                "role": p.role,
                "title": p.title,
                "note": p.note,
            }
            for p in plan.existing.participations.select_related("organization", "person")
        ]

    def sources(self, plan, data):
        result = []
        if "_source_refs" in data and "sources" not in data:
            current = {}
            if plan.existing is not None:
                for citation in plan.existing.citations.select_related("source"):
                    current[citation.source.url or citation.source.title] = citation
            for reference in dict.fromkeys(data["_source_refs"]):
                kept = current.get(reference)
                source = self.source_reference(reference, "sources")
                if source is None and reference not in self.new_sources:
                    continue
                result.append(
                    SourcePlan(
                        reference,
                        quote=kept.quote if kept else "",
                        note=kept.note if kept else "",
                        source=source,
                        new=self.new_sources.get(reference) if source is None else None,
                    )
                )
            return result
        seen = set()
        for index, row in enumerate(self.slug_list(data, "sources", "sources")):
            label = f"sources[{index}]"
            if not isinstance(row, dict):
                self.problem(label, row, "must be an object with url, title and the rest.")
                continue
            url = self.text(row, "url", limit=LENGTHS["source url"], label=f"{label}.url")
            title = self.text(row, "title", limit=LENGTHS["source title"], label=f"{label}.title")
            if url and not self.valid_url(url):
                self.problem(f"{label}.url", url, "is not a URL: give http:// or https://….")
                continue
            reference = url or title
            if not reference:
                self.problem(label, "", "has neither a URL nor a title.")
                continue
            if reference in seen:
                self.problem(label, reference, "is cited twice: cite each source once.")
                continue
            seen.add(reference)
            source = (
                self.lookups.sources_by_url.get(url)
                if url
                else self.lookups.sources_by_title.get(title)
            )
            new = None
            if source is None:
                new = self.new_source(row, label, url, title)
            result.append(
                SourcePlan(
                    reference,
                    quote=self.text(row, "quote", label=f"{label}.quote"),
                    note=self.text(row, "note", label=f"{label}.note"),
                    source=source,
                    new=new,
                )
            )
        return result

    @staticmethod
    def valid_url(value):
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            return False
        return True

    def new_source(self, row, label, url, title):
        if not title:
            self.problem(f"{label}.title", "", "is missing: a new source needs its title.")
        published = row.get("published")
        date = precision = None
        if published not in (None, ""):
            try:
                parsed = PartialDate.parse(published)
                date, precision = parsed.date, parsed.precision
            except InvalidPartialDate:
                self.problem(f"{label}.published", published, f"is not a date; {DATE_HINT}.")
        details = {
            "url": url,
            "title": title or url,
            "publisher": self.text(
                row, "publisher", limit=LENGTHS["source publisher"], label=f"{label}.publisher"
            ),
            "author": self.text(
                row, "author", limit=LENGTHS["source author"], label=f"{label}.author"
            ),
            "language": self.text(
                row, "language", limit=LENGTHS["source language"], label=f"{label}.language"
            )
            or "en",
            "note": self.text(row, "source_note", label=f"{label}.source_note"),
            "published_date": date,
            "published_precision": precision or "",
        }
        self.new_sources.setdefault(url or title, details)
        return self.new_sources[url or title]

    def source_reference(self, reference, label):
        """A source named in a CSV cell: its URL, or the title of a source without one."""
        looks_like_url = bool(LOOKS_LIKE_URL.match(reference))
        if looks_like_url:
            if not self.valid_url(reference) or len(reference) > LENGTHS["source url"]:
                self.problem(label, reference, "is not a URL: give http:// or https://….")
                return None
            found = self.lookups.sources_by_url.get(reference)
        else:
            found = self.lookups.sources_by_title.get(reference)
        if found is not None:
            return found
        if reference in self.lookups.file_sources:
            return None  # created from the file's own description of it
        if self.create_missing:
            self.new_sources.setdefault(
                reference,
                {
                    "url": reference if looks_like_url else "",
                    "title": reference[: LENGTHS["source title"]],
                    "publisher": "",
                    "author": "",
                    "language": "en",
                    "note": "Created by an import from its reference alone: complete it.",
                    "published_date": None,
                    "published_precision": "",
                },
            )
            return None
        self.problem(
            label,
            reference,
            "is not a source in the database: import it in a JSON file with its title, add it "
            'in the admin, or import with "create missing records" (--create-missing).',
        )
        return None

    def relations(self, plan, data):
        result, seen = [], set()
        for index, row in enumerate(self.slug_list(data, "relations", "relations")):
            label = f"relations[{index}]"
            if not isinstance(row, dict):
                self.problem(label, row, "must be an object with type, direction and event.")
                continue
            kind = self.choice(row, "type", RelationKind.values, None, label=f"{label}.type")
            direction = self.choice(row, "direction", DIRECTIONS, None, label=f"{label}.direction")
            other = row.get("event")
            if kind is None or direction is None:
                if row.get("type") in (None, "") or row.get("direction") in (None, ""):
                    self.problem(label, "", "needs a type and a direction.")
                continue
            if not isinstance(other, str) or not other:
                self.problem(f"{label}.event", other, "is missing: give the other event's slug.")
                continue
            if other == plan.slug:
                self.problem(f"{label}.event", other, "is the event itself.")
                continue
            if not self.event_exists(other):
                self.problem(f"{label}.event", other, self.no_event_message())
                continue
            key = (kind, direction, other)
            if key in seen:
                continue
            seen.add(key)
            source = None
            reference = row.get("source")
            if reference not in (None, ""):
                if not isinstance(reference, str):
                    self.problem(f"{label}.source", reference, "must be a source's URL or title.")
                else:
                    source = self.source_reference(reference, f"{label}.source")
            result.append(
                {
                    "type": kind,
                    "direction": direction,
                    "event": other,
                    "note": self.text(
                        row, "note", limit=LENGTHS["relation note"], label=f"{label}.note"
                    ),
                    "source": source,
                    "source_reference": reference or None,
                }
            )
        return result

    def check_publishing(self, plan, data, partial):
        published = plan.fields.get("published")
        if published is None:
            published = plan.existing.published if plan.existing else False
        if not published or any(p.field.startswith("sources") for p in self.problems):
            return
        if plan.sources is not None:
            cited = bool(plan.sources)
        else:
            cited = plan.existing is not None and plan.existing.citations.exists()
        if not cited:
            self.problem(
                "sources",
                "",
                "is empty, and a published event must cite at least one source: add one, "
                'or set "published" to false to keep the event as a draft.',
            )
