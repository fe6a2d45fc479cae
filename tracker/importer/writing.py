"""Carry out checked plans: create in bulk, update record by record, all with history.

New events and their parts are written with ``bulk_create`` (an import of 100,000 rows must
not cost a dozen queries a row), and their history rows are written in bulk too, with the
importing user. An event that exists is updated through the ORM, part by part, so each change
is a history entry of its own, as an edit in the admin is. Nothing here checks a rule: the
plans come from ``checking``, which has.
"""

from __future__ import annotations

import reversion
from django.db.models import Q
from django.utils import timezone

from tracker.history import bulk_revision
from tracker.importer.checking import MISSING_KINDS, name_from_slug
from tracker.models import (
    Citation,
    DataVersion,
    Event,
    EventRelation,
    EventType,
    Organization,
    OrganizationKind,
    Participation,
    Person,
    Source,
    Topic,
)
from tracker.models.bulk import insert_rows, update_column

BATCH = 1000


def batches(items, size=BATCH):
    """``items`` a slice at a time, so that no query holds more than ``size`` parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Writer:
    def __init__(self, checker, *, user=None, reason=""):
        self.checker = checker
        self.lookups = checker.lookups
        self.user = user if user is not None and user.is_authenticated else None
        self.reason = reason
        self.now = timezone.now()
        self.events = {}  # slug → Event, for every event of the plans
        self.sources = {}  # reference → Source
        self.sources_created = 0
        self.names_made = {}
        self.created = []  # (model, pks) of records created in bulk, for their versions

    # The whole run ---------------------------------------------------------------------

    def write(self, plans):
        """Write every plan; returns the slugs ``(created, updated, unchanged)``."""
        self.create_missing_records()
        self.create_sources()
        creating = [plan for plan in plans if plan.creating]
        updating = [plan for plan in plans if not plan.creating]
        self.create_events(creating)
        updated, unchanged = [], []
        for plan in updating:
            (updated if self.update_event(plan) else unchanged).append(plan.slug)
        self.versions_of_created()
        if creating or updated:
            DataVersion.bump()  # bulk writes send no signals (updates did, once each)
        return [p.slug for p in creating], updated, unchanged

    # Records named by a slug that did not exist (--create-missing) --------------------------

    def create_missing_records(self):
        makers = {
            "type": lambda slug: EventType(slug=slug, name=self.free_name(EventType, slug)),
            "topic": lambda slug: Topic(slug=slug, name=self.free_name(Topic, slug)),
            "organization": lambda slug: Organization(
                slug=slug, name=name_from_slug(slug), kind=OrganizationKind.OTHER
            ),
            "person": lambda slug: Person(slug=slug, name=name_from_slug(slug)),
        }
        tables = {
            "type": self.lookups.types,
            "topic": self.lookups.topics,
            "organization": self.lookups.organizations,
            "person": self.lookups.people,
        }
        for kind, model in MISSING_KINDS.items():
            records = [makers[kind](slug) for slug in sorted(self.checker.missing[kind])]
            model.objects.bulk_create(records, batch_size=BATCH)
            self.created.append((model, [record.pk for record in records]))
            for record in records:
                tables[kind][record.slug] = (
                    record.pk if kind in ("type", "topic") else (record.pk, "")
                )

    def free_name(self, model, slug):
        """Types and topics have unique names: one made from a slug must clash neither with
        a record's nor with another made in this import, and must fit the field."""
        limit = model._meta.get_field("name").max_length
        taken = self.names_made.setdefault(model, set())
        name = name_from_slug(slug)[:limit]
        if name in taken or model.objects.filter(name=name).exists():
            name = f"{name[: max(limit - len(slug) - 3, 0)]} ({slug})"
        taken.add(name)
        return name

    def create_sources(self):
        new = {}
        for reference, details in self.checker.new_sources.items():
            existing = self.lookups.sources_by_url.get(details["url"]) if details["url"] else None
            if existing is not None:
                self.sources[reference] = existing
            else:
                new[reference] = Source(**details)
        Source.objects.bulk_create(new.values(), batch_size=BATCH)
        self.created.append((Source, [source.pk for source in new.values()]))
        for reference, source in new.items():
            self.sources[reference] = source
            if source.url:
                self.lookups.sources_by_url[source.url] = source
            else:
                self.lookups.sources_by_title.setdefault(source.title, source)
        self.sources_created = len(new)

    def source_of(self, plan):
        return plan.source if plan.source is not None else self.sources[plan.reference]

    def relation_source(self, relation):
        if relation["source"] is not None:
            return relation["source"]
        reference = relation.get("source_reference")
        return self.sources.get(reference) if reference else None

    def party_pk(self, kind, slug):
        if slug is None:
            return None
        value = (self.lookups.organizations if kind == "organization" else self.lookups.people)[
            slug
        ]
        return value[0]

    def party_country(self, kind, slug):
        table = self.lookups.organizations if kind == "organization" else self.lookups.people
        return table[slug][1] if slug in table else ""

    def extra_countries(self, plan, participants, venue_country):
        """The countries to keep as "also involves": those wanted that the venue and the
        participants do not already bring."""
        brought = {venue_country} if venue_country else set()
        for participant in participants:
            for kind in ("organization", "person"):
                if participant[kind]:
                    brought.add(self.party_country(kind, participant[kind]))
        return [code for code in plan.countries if code not in brought]

    # New events, in bulk ---------------------------------------------------------------

    @staticmethod
    def oldest_first(plans):
        """New events are created oldest first, so their ids follow time. A file that runs
        newest first (the exports' default order) is read from its end, so that events on the
        same days keep the order they had where the file was exported."""
        if len(plans) > 1 and plans[0].fields["start_date"] > plans[-1].fields["start_date"]:
            plans = plans[::-1]
        return sorted(plans, key=lambda plan: plan.fields["start_date"])

    def create_events(self, plans):
        if not plans:
            return
        plans = self.oldest_first(plans)
        new = []
        for plan in plans:
            fields = dict(plan.fields)
            fields["event_type_id"] = self.lookups.types[fields.pop("event_type")]
            event = Event(slug=plan.slug, **fields)
            event.last_day = event.span_last_day()
            if plan.countries is not None:
                event.extra_countries = self.extra_countries(
                    plan, plan.participants or [], fields.get("country", "")
                )
            new.append(event)
        Event.objects.bulk_create(new, batch_size=BATCH)
        for event in new:
            self.events[event.slug] = event
            self.lookups.events[event.slug] = event
        links, participations, citations = [], [], []
        for plan in plans:
            pk = self.events[plan.slug].pk
            for topic in plan.topics or ():
                links.append((pk, self.lookups.topics[topic]))
            for order, p in enumerate(plan.participants or ()):
                participations.append(
                    (
                        pk,
                        self.party_pk("organization", p["organization"]),
                        self.party_pk("person", p["person"]),
                        p["role"],
                        p["title"],
                        p["note"],
                        order,
                    )
                )
            for cited in plan.sources or ():
                citations.append((pk, self.source_of(cited).pk, cited.quote, cited.note))
        insert_rows(Event.topics.through, ["event_id", "topic_id"], links)
        insert_rows(
            Participation,
            ["event_id", "organization_id", "person_id", "role", "title", "note", "order"],
            participations,
        )
        insert_rows(Citation, ["event_id", "source_id", "quote", "note"], citations)
        # Parents and relations may name events created just now, so they come last.
        with_parent = []
        for plan in plans:
            event = self.events[plan.slug]
            if plan.parent:
                event.parent_id = self.lookups.events[plan.parent].pk
                with_parent.append(event)
        update_column(Event, "parent", [(event.pk, event.parent_id) for event in with_parent])
        relations = []
        for plan in plans:
            relations += self.new_relations(plan, self.events[plan.slug])
        EventRelation.objects.bulk_create(relations, batch_size=BATCH, ignore_conflicts=True)
        # An event that was there already and is now linked from a new one has changed too.
        created = {event.pk for event in new}
        linked = {pk for r in relations for pk in (r.from_event_id, r.to_event_id)} - created
        for batch in batches(sorted(linked)):
            Event.objects.filter(pk__in=batch).update(updated_at=self.now)
        # A file exported elsewhere keeps its records' "updated" time (so exporting again
        # gives the same file); without one, the record is new now.
        kept_times = []
        for plan in plans:
            if plan.updated_at is not None:
                event = self.events[plan.slug]
                event.updated_at = plan.updated_at
                kept_times.append(event)
        update_column(Event, "updated_at", [(event.pk, event.updated_at) for event in kept_times])
        for batch in batches([event.pk for event in new]):
            Event.objects.filter(pk__in=batch).refresh_derived()
        self.created.append((Event, [event.pk for event in new]))

    def new_relations(self, plan, event):
        rows = []
        for relation in plan.relations or ():
            other = self.lookups.events[relation["event"]]
            ends = (event, other) if relation["direction"] == "outgoing" else (other, event)
            rows.append(
                EventRelation(
                    from_event_id=ends[0].pk,
                    kind=relation["type"],
                    to_event_id=ends[1].pk,
                    note=relation["note"],
                    source=self.relation_source(relation),
                )
            )
        return rows

    def versions_of_created(self):
        """One revision for what the import created in bulk (records named but missing,
        sources, events with their participants, sources and relations), as saving each
        in a revision would have made; written in bulk too (see tracker/history.py)."""
        if not any(pks for _, pks in self.created):
            return

        def querysets():
            for model, pks in self.created:
                for batch in batches(pks):
                    yield model.objects.filter(pk__in=batch)
                    if model is Event:
                        yield Participation.objects.filter(event__in=batch)
                        yield Citation.objects.filter(event__in=batch)
            events = next((pks for model, pks in self.created if model is Event), [])
            seen = set()  # a relation between two new events is found from both ends
            for batch in batches(events):
                fresh = [
                    pk
                    for pk in EventRelation.objects.filter(
                        Q(from_event__in=batch) | Q(to_event__in=batch)
                    ).values_list("pk", flat=True)
                    if pk not in seen
                ]
                seen.update(fresh)
                yield EventRelation.objects.filter(pk__in=fresh)

        bulk_revision(querysets(), user=self.user, comment=self.reason, date=self.now)

    # Events that exist, one by one -----------------------------------------------------

    def update_event(self, plan):
        """Apply a plan to its event, as one revision of the whole event, as an edit in the
        admin is; ``True`` if anything changed."""
        with reversion.create_revision(atomic=False):
            reversion.set_user(self.user)
            reversion.set_comment(self.reason)
            changed = self.apply(plan)
            if changed:  # its final state, with every part as it is now
                reversion.add_to_revision(self.events[plan.slug])
        return changed

    def apply(self, plan):
        event = plan.existing
        self.events[plan.slug] = event
        changed = False
        fields = dict(plan.fields)
        if "event_type" in fields:
            fields["event_type_id"] = self.lookups.types[fields.pop("event_type")]
        if plan.slug != event.slug:
            fields["slug"] = plan.slug
        if plan.parent_given:
            parent = self.lookups.events.get(plan.parent) if plan.parent else None
            keep_draft_parent = parent is None and event.parent_id and not event.parent.published
            if not keep_draft_parent:
                fields["parent_id"] = parent.pk if parent else None
        participants_changed = self.update_participants(plan, event)
        changed |= participants_changed
        if plan.countries is not None:
            participants = [
                {
                    "organization": p.organization.slug if p.organization_id else None,
                    "person": p.person.slug if p.person_id else None,
                }
                for p in event.participations.select_related("organization", "person")
            ]
            venue = fields.get("country", event.country.code if event.country else "")
            fields["extra_countries"] = self.extra_countries(plan, participants, venue)
        dirty = {
            name: value
            for name, value in fields.items()
            if self.differs(getattr(event, name), value)
        }
        if dirty:
            for name, value in dirty.items():
                setattr(event, name, value)
            event.save()
            changed = True
        if plan.topics is not None:
            wanted = {self.lookups.topics[slug] for slug in plan.topics}
            if wanted != set(event.topics.values_list("pk", flat=True)):
                event.topics.set(wanted)
                changed = True
        changed |= self.update_citations(plan, event)
        changed |= self.update_relations(plan, event)
        if changed and not dirty:
            # Only its participants, sources, topics or relations changed: the event changed
            # all the same, and its calendar and feed entries must say so.
            event.save(update_fields=["updated_at"])
        return changed

    @staticmethod
    def differs(current, wanted):
        if hasattr(current, "code"):  # a django-countries Country
            current = current.code
        if (
            isinstance(current, list)
            or hasattr(current, "__iter__")
            and not isinstance(current, str)
        ):
            current = sorted(str(getattr(c, "code", c)) for c in current)
            wanted = sorted(wanted)
        return current != wanted

    def update_participants(self, plan, event):
        if plan.participants is None:
            return False
        current = list(event.participations.order_by("order", "pk"))
        wanted = [
            (
                self.party_pk("organization", p["organization"]),
                self.party_pk("person", p["person"]),
                p,
            )
            for p in plan.participants
        ]
        by_pair = {}
        for participation in current:
            by_pair.setdefault((participation.organization_id, participation.person_id), []).append(
                participation
            )
        changed = False
        keep = set()
        for order, (organization_id, person_id, p) in enumerate(wanted):
            matches = by_pair.get((organization_id, person_id)) or []
            if matches:
                participation = matches.pop(0)
                keep.add(participation.pk)
                new_values = {"role": p["role"], "title": p["title"], "note": p["note"]}
                new_values["order"] = order
                if any(getattr(participation, k) != v for k, v in new_values.items()):
                    for k, v in new_values.items():
                        setattr(participation, k, v)
                    participation.save()
                    changed = True
            else:
                Participation(
                    event=event,
                    organization_id=organization_id,
                    person_id=person_id,
                    role=p["role"],
                    title=p["title"],
                    note=p["note"],
                    order=order,
                ).save()
                changed = True
        for participation in current:
            if participation.pk not in keep:
                participation.delete()
                changed = True
        return changed

    def update_citations(self, plan, event):
        if plan.sources is None:
            return False
        current = {citation.source_id: citation for citation in event.citations.all()}
        changed = False
        keep = set()
        for cited in plan.sources:
            source = self.source_of(cited)
            citation = current.get(source.pk)
            keep.add(source.pk)
            if citation is None:
                Citation(event=event, source=source, quote=cited.quote, note=cited.note).save()
                changed = True
            elif (citation.quote, citation.note) != (cited.quote, cited.note):
                citation.quote, citation.note = cited.quote, cited.note
                citation.save()
                changed = True
        for source_id, citation in current.items():
            if source_id not in keep:
                citation.delete()
                changed = True
        return changed

    def update_relations(self, plan, event):
        """Set the event's relations with published events to those of the plan. Relations
        with drafts are never shown in an export, so an import leaves them alone."""
        if plan.relations is None:
            return False
        current = {}
        for relation in EventRelation.objects.filter(
            Q(from_event=event, to_event__published=True)
            | Q(to_event=event, from_event__published=True)
        ):
            current[(relation.from_event_id, relation.kind, relation.to_event_id)] = relation
        changed = False
        keep = set()
        for wanted in self.new_relations(plan, event):
            key = (wanted.from_event_id, wanted.kind, wanted.to_event_id)
            keep.add(key)
            relation = current.get(key)
            if relation is None:
                if not EventRelation.objects.filter(
                    from_event_id=key[0], kind=key[1], to_event_id=key[2]
                ).exists():
                    wanted.save()
                    changed = True
            elif (relation.note, relation.source_id) != (wanted.note, wanted.source_id):
                relation.note, relation.source_id = wanted.note, wanted.source_id
                relation.save()
                changed = True
        for key, relation in current.items():
            if key not in keep:
                relation.delete()
                changed = True
        return changed
