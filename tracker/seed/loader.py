"""Load the seed timeline (seed.json beside this file) into the database.

Idempotent and respectful of editors: a record is created only when it is missing (events,
organizations, people, topics and types by slug; sources by URL, or by title and publisher
when they have none). A record that exists is never touched, and the parts of a record
(participants, citations, roles) are created only together with the record itself, so a
participant an editor has removed does not come back.
"""

import json
from collections import Counter
from pathlib import Path

import reversion
from django.db import transaction

from tracker.dates import PartialDate
from tracker.models import (
    Citation,
    Event,
    EventRelation,
    EventType,
    Organization,
    Page,
    Participation,
    Person,
    Role,
    Source,
    Topic,
)
from tracker.seed.about import ensure_about_page

SEED_FILE = Path(__file__).with_name("seed.json")
CHANGE_REASON = "Loaded from the seed timeline"


def partial(text):
    return PartialDate.parse(text) if text else None


class SeedLoader:
    def __init__(self, data):
        self.data = data
        self.created = Counter()
        self.kept = Counter()
        self.sources = {}

    def save(self, obj):
        obj.full_clean()
        obj.save()
        self.created[obj._meta.verbose_name_plural] += 1
        return obj

    def existing(self, model, **lookup):
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            self.kept[model._meta.verbose_name_plural] += 1
        return obj

    def run(self):
        """Load what is missing, as one revision (the History says "Loaded from the seed
        timeline")."""
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(CHANGE_REASON)
            return self.load()

    def load(self):
        if ensure_about_page(Page) is None:
            self.kept["pages"] += 1
        else:
            self.created["pages"] += 1
        for row in self.data["event_types"]:
            if not self.existing(EventType, slug=row["slug"]):
                self.save(EventType(**row))
        for row in self.data["topics"]:
            if not self.existing(Topic, slug=row["slug"]):
                self.save(Topic(**row))
        for row in self.data["sources"]:
            self.sources[row["key"]] = self.load_source(row)
        for row in self.data["organizations"]:
            self.load_organization(row)
        for row in self.data["people"]:
            self.load_person(row)
        created_events = {row["slug"] for row in self.data["events"] if self.load_event(row)}
        for row in self.data["relations"]:
            if {row["from"], row["to"]} & created_events:
                self.save(
                    EventRelation(
                        from_event=Event.objects.get(slug=row["from"]),
                        kind=row["kind"],
                        to_event=Event.objects.get(slug=row["to"]),
                        note=row["note"],
                        source=self.sources.get(row.get("source")),
                    )
                )
        return self

    def load_source(self, row):
        if row["url"]:
            source = self.existing(Source, url=row["url"])
        else:
            source = self.existing(Source, url="", title=row["title"], publisher=row["publisher"])
        if source:
            return source
        published = partial(row["published"])
        fields = {k: v for k, v in row.items() if k not in {"key", "published"}}
        return self.save(
            Source(
                **fields,
                published_date=published.date if published else None,
                published_precision=published.precision if published else "",
            )
        )

    def load_organization(self, row):
        if self.existing(Organization, slug=row["slug"]):
            return
        fields = {k: v for k, v in row.items() if k not in {"parent", "other_names"}}
        parent = Organization.objects.get(slug=row["parent"]) if row.get("parent") else None
        self.save(Organization(**fields, parent=parent, other_names="\n".join(row["other_names"])))

    def load_person(self, row):
        if self.existing(Person, slug=row["slug"]):
            return
        fields = {k: v for k, v in row.items() if k != "roles"}
        person = self.save(Person(**fields))
        for role_row in row["roles"]:
            role = Role(
                person=person,
                title=role_row["title"],
                organization=self.organization(role_row["organization"]),
                ended=role_row["ended"],
                source=self.sources.get(role_row.get("source")),
            )
            role.start, role.end = partial(role_row["start"]), partial(role_row["end"])
            self.save(role)

    def load_event(self, row):
        if self.existing(Event, slug=row["slug"]):
            return False
        event = Event(
            slug=row["slug"],
            title=row["title"],
            event_type=EventType.objects.get(slug=row["type"]),
            status=row["status"],
            venue=row["venue"],
            city=row["city"],
            country=row["country"],
            attendance_mode=row["attendance_mode"],
            summary=row["summary"],
            description=row["description"],
            parent=Event.objects.get(slug=row["parent"]) if row.get("parent") else None,
            published=True,
        )
        event.start, event.end = partial(row["start"]), partial(row["end"])
        self.save(event)
        event.topics.set(Topic.objects.filter(slug__in=row["topics"]))
        for order, part in enumerate(row["participants"]):
            self.save(
                Participation(
                    event=event,
                    organization=self.organization(part["organization"]),
                    person=Person.objects.get(slug=part["person"]) if part["person"] else None,
                    role=part["role"],
                    title=part["title"],
                    order=order,
                )
            )
        for citation in row["citations"]:
            self.save(
                Citation(
                    event=event,
                    source=self.sources[citation["source"]],
                    quote=citation["quote"],
                    note=citation["note"],
                )
            )
        return True

    @staticmethod
    def organization(slug):
        return Organization.objects.get(slug=slug) if slug else None

    def report(self):
        def line(counter):
            return ", ".join(f"{n} {name}" for name, n in sorted(counter.items())) or "nothing"

        return (
            f"Created: {line(self.created)}.\nAlready there, left as they are: {line(self.kept)}."
        )


def load_seed(path=SEED_FILE):
    with open(path, encoding="utf-8") as handle:
        return SeedLoader(json.load(handle)).run()
