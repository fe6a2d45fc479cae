"""Versions of whole records, kept by django-reversion, told in the editor's words.

Each save of a record in the admin (or through the API, an import, the seed) is one
*revision*. It holds a version of the record and of the rows that make up the whole record
(see the ``reversion.register`` calls in tracker/models/): an event's participations,
citations and relations both ways (its topics are in its own version); an organization's and a
person's posts held. Reverting to a revision restores all of them at once.

This module describes what each revision changed, comparing it with the revision before it
("Starts: March 2025 → 12 March 2025", "Participant added: Jake Sullivan (The White House),
co-chair"), records deletions (reversion keeps only saves) so that deleted records can be
recovered with their children, and writes the versions of records created in bulk.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django_countries import countries
from reversion.models import Revision, Version
from reversion.revisions import _follow_relations_recursive, _get_options

from tracker.dates import PartialDate, format_range
from tracker.models import (
    Citation,
    DataVersion,
    Event,
    EventRelation,
    EventType,
    MergedSlug,
    Organization,
    Participation,
    Person,
    Role,
    Source,
    Topic,
)
from tracker.models.bulk import insert_rows
from tracker.models.events import INVERSE_LABELS, ParticipationRole, RelationKind

ARROW = "\u2192"
# Fields nobody edits, or that are worked out from others: never part of a description.
UNTOLD = {"last_day", "search_document", "created_at", "updated_at"}
# Partial dates: the pair of fields and the words the forms use for them.
PARTIAL_DATES = {
    Event: {"start": "Starts", "end": "Ends"},
    Role: {"start": "From", "end": "Until"},
    Source: {"published": "Published"},
}
NAMED = {  # what a foreign key's value is looked up in, to name it
    "event_type": EventType,
    "organization": Organization,
    "person": Person,
    "source": Source,
    "parent": None,  # the model's own (an event's or an organization's parent)
    "topics": Topic,
    "from_event": Event,
    "to_event": Event,
}


def when(moment: datetime.datetime) -> str:
    """A revision's time as an editor reads it: "14 December 2023, 10:22"."""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def fields_of(version: Version) -> dict:
    return json.loads(version.serialized_data)[0]["fields"]


# Reading a record's history ---------------------------------------------------------------


@dataclass
class Entry:
    """One save of a record, as the History page lists it."""

    version: Version
    changes: list[str] = field(default_factory=list)

    @property
    def revision(self):
        return self.version.revision


class Names:
    """Names of the records that versions refer to, read in one query per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self):
        for model, pks in self.wanted.items():
            rows = model.objects.filter(pk__in=pks)
            if model is Participation:
                rows = rows.select_related("organization", "person")
            self.found.update({(model, row.pk): row for row in rows})

    def of(self, model, pk):
        if pk is None:
            return "none"
        row = self.found.get((model, pk))
        if row is None:
            return f"{model._meta.verbose_name} {pk} (since deleted)"
        if model is Event:
            return f"{row.title} ({row.date_display})"
        if model is Source:
            return Truncator(str(row)).chars(120)
        return str(getattr(row, "name", row))


def history(model, object_id) -> list[Entry]:
    """Every save of the record, newest first, each with what it changed in words."""
    versions = list(
        Version.objects.get_for_object_reference(model, object_id)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )
    if not versions:
        return []
    parts = _parts_by_revision(model, object_id, [v.revision_id for v in versions])
    states = [_State.of(model, v, parts.get(v.revision_id, {})) for v in versions]
    names = Names()
    for state in states:
        state.want_names(names)
    names.load()
    entries = []
    for index, (version, state) in enumerate(zip(versions, states, strict=True)):
        older = states[index + 1] if index + 1 < len(states) else None
        entries.append(Entry(version, state.changes_since(older, names)))
    return entries


# The rows that make up a whole record: (model, the field that points at the record, label).
PARTS = {
    Event: [
        (Participation, "event", "Participant"),
        (Citation, "event", "Source"),
        (EventRelation, "from_event", "Relation"),
        (EventRelation, "to_event", "Relation"),
    ],
    Organization: [(Role, "organization", "Post")],
    Person: [(Role, "person", "Post")],
}
for _kind in (Event, Organization, Person):
    PARTS[_kind].append((MergedSlug, _kind._meta.model_name, "Merged record"))


def _parts_by_revision(model, object_id, revision_ids):
    """``{revision id: {(part model, pk): fields}}`` for the parts of the record."""
    kinds = PARTS.get(model, [])
    if not kinds:
        return {}
    types = {
        ContentType.objects.get_for_model(part).pk: part for part in {kind[0] for kind in kinds}
    }
    found = defaultdict(dict)
    rows = Version.objects.filter(revision_id__in=revision_ids, content_type_id__in=types).only(
        "revision_id", "content_type_id", "object_id", "serialized_data"
    )
    pk = int(object_id)
    for version in rows.iterator():
        part = types[version.content_type_id]
        data = fields_of(version)
        if any(kind[0] is part and data.get(kind[1]) == pk for kind in kinds):
            found[version.revision_id][(part, int(version.object_id))] = data
    return found


@dataclass
class _State:
    model: type
    pk: int
    data: dict
    parts: dict  # (model, pk) → fields

    @classmethod
    def of(cls, model, version, parts):
        return cls(model, int(version.object_id), fields_of(version), parts)

    def want_names(self, names):
        for name, value in self.data.items():
            target = NAMED.get(name, False)
            if target is False:
                continue
            target = target or self.model
            for pk in value if isinstance(value, list) else [value]:
                names.want(target, pk)
        for data in self.parts.values():
            for name in ("organization", "person", "source", "from_event", "to_event"):
                if name in data:
                    names.want(NAMED[name], data[name])

    def changes_since(self, older, names) -> list[str]:
        if older is None:
            return []
        return [*self._field_changes(older, names), *self._part_changes(older, names)]

    # The record's own fields.

    def _field_changes(self, older, names):
        lines = []
        told = set()
        for prefix, label in PARTIAL_DATES.get(self.model, {}).items():
            told |= {f"{prefix}_date", f"{prefix}_precision"}
            before, after = _partial(older.data, prefix), _partial(self.data, prefix)
            if before != after:
                lines.append(f"{label}: {before or 'none'} {ARROW} {after or 'none'}")
        for model_field in [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]:
            name = model_field.name
            if name in told or name in UNTOLD or model_field.primary_key:
                continue
            before, after = older.data.get(name), self.data.get(name)
            if before == after or (before in (None, "") and after in (None, "")):
                continue
            lines.extend(self._describe_field(model_field, before, after, names))
        return lines

    def _describe_field(self, model_field, before, after, names):
        label = model_field.verbose_name[:1].upper() + model_field.verbose_name[1:]
        name = model_field.name
        if name == "published":
            return ["Published" if after else "Unpublished (back to a draft)"]
        if model_field.many_to_many:
            target = NAMED.get(name) or model_field.related_model
            added = [names.of(target, pk) for pk in after or [] if pk not in (before or [])]
            removed = [names.of(target, pk) for pk in before or [] if pk not in (after or [])]
            singular = label.rstrip("s")
            return [f"{singular} added: {n}" for n in added] + [
                f"{singular} removed: {n}" for n in removed
            ]
        before, after = (
            self._value(model_field, before, names),
            self._value(model_field, after, names),
        )
        return [f"{label}: {before} {ARROW} {after}"]

    def _value(self, model_field, value, names):
        if value in (None, "", []):
            return "none"
        if model_field.is_relation:
            return names.of(NAMED.get(model_field.name) or model_field.related_model, value)
        if model_field.name in ("country", "extra_countries"):
            codes = value.split(",") if isinstance(value, str) else value
            return ", ".join(countries.name(code) or code for code in codes if code)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        return f"“{Truncator(str(value)).chars(100)}”"

    # The rows that make up the record.

    def _part_changes(self, older, names):
        lines = []
        order = [kind[0] for kind in PARTS[self.model]]
        keys = sorted({*older.parts, *self.parts}, key=lambda key: (order.index(key[0]), key[1]))
        for key in keys:
            before, after = older.parts.get(key), self.parts.get(key)
            if before == after:
                continue
            part = key[0]
            label = self._part_label(part)
            if before is None:
                lines.append(f"{label} added: {self._part(part, after, names)}")
            elif after is None:
                lines.append(f"{label} removed: {self._part(part, before, names)}")
            else:
                lines.append(
                    f"{label} changed: {self._part(part, after, names)}"
                    f" ({self._part_diff(part, before, after, names)})"
                )
        return lines

    def _part_label(self, part):
        for kind in PARTS[self.model]:
            if kind[0] is part:
                return kind[2]
        return part._meta.verbose_name.capitalize()

    def _part(self, part, data, names):
        if part is Participation:
            person, organization = data.get("person"), data.get("organization")
            who = names.of(Person, person) if person else ""
            if organization:
                org = names.of(Organization, organization)
                who = f"{who} ({org})" if who else org
            role = ParticipationRole(data["role"]).label.lower() if data.get("role") else ""
            return ", ".join(bit for bit in [who, role] if bit)
        if part is Citation:
            return names.of(Source, data.get("source"))
        if part is EventRelation:
            kind = data.get("kind")
            if data.get("from_event") == self.pk:
                verb = RelationKind(kind).label if kind in RelationKind.values else kind
                return f"{verb} {names.of(Event, data.get('to_event'))}"
            verb = INVERSE_LABELS.get(kind, kind)
            return f"{verb} {names.of(Event, data.get('from_event'))}"
        if part is MergedSlug:
            return f"{data.get('title')} (/{data.get('slug')}/ now leads here)"
        if part is Role:
            where = names.of(Organization, data["organization"]) if data.get("organization") else ""
            title = data.get("title", "")
            if self.model is Organization:
                title = f"{names.of(Person, data.get('person'))}: {title}"
            if self.model is Organization:
                where = ""
            return ", ".join(bit for bit in [title, where, _period(data)] if bit)
        return str(data)

    def _part_diff(self, part, before, after, names):
        bits = []
        for model_field in part._meta.concrete_fields:
            name = model_field.name
            if model_field.primary_key or name in UNTOLD or name in ("event", "person"):
                continue
            if name.endswith(("_date", "_precision")) and part is Role:
                continue
            if before.get(name) != after.get(name):
                label = model_field.verbose_name
                bits.append(
                    f"{label} {self._value(model_field, before.get(name), names)} {ARROW} "
                    + self._value(model_field, after.get(name), names)
                )
        if part is Role and _period(before) != _period(after):
            bits.append(f"dates {_period(before) or 'none'} {ARROW} {_period(after) or 'none'}")
        return "; ".join(bits)


def _partial(data, prefix):
    date, precision = data.get(f"{prefix}_date"), data.get(f"{prefix}_precision")
    if not date or not precision:
        return None
    return PartialDate(datetime.date.fromisoformat(date), precision)


def _period(data):
    start, end = _partial(data, "start"), _partial(data, "end")
    if start and end:
        return format_range(start, end)
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return ""


# Writing revisions ------------------------------------------------------------------------


def refresh_restored(revision):
    """After a revision is restored: reversion writes rows raw, without the signals that keep
    each event's countries and search document in step, so work them out for every event the
    revision touches (an organization's merge undone moves participations of many)."""
    events = set()
    for version in revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if model is Event:
            events.add(int(version.object_id))
        elif model in (Participation, Citation, EventRelation):
            data = fields_of(version)
            events.update(data.get(key) for key in ("event", "from_event", "to_event"))
    events.discard(None)
    Event.objects.filter(pk__in=events).refresh_derived()
    DataVersion.bump()



def record_deletion(objects, *, user=None, comment="Deleted"):
    """Keep a revision of ``objects`` as they are before they are deleted: reversion versions
    only saves, and the admin's "Recover deleted …" restores a record, with the rows that make
    up the whole record, from its last version."""
    return snapshot(objects, user=user, comment=comment)


def snapshot(objects, *, user=None, comment=""):
    """A revision of ``objects`` as they are now, each with the rows that make up its whole
    record, written even if they are about to go (``create_revision`` keeps only what is
    still there when it ends)."""
    objects = list(objects)
    if not objects:
        return None
    using = router.db_for_write(type(objects[0]))
    everything = []
    for obj in objects:
        for item in _follow_relations_recursive(obj):
            if item not in everything:
                everything.append(item)
    revision = Revision.objects.using(using).create(
        date_created=timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )
    Version.objects.using(using).bulk_create(
        Version(
            revision=revision,
            content_type=ContentType.objects.get_for_model(type(item)),
            object_id=str(getattr(item, _get_options(type(item)).object_id_field)),
            db=using,
            format="json",
            serialized_data=serializers.serialize("json", [item]),
            object_repr=str(item)[:1000],
        )
        for item in everything
    )
    return revision


def bulk_revision(querysets, *, user=None, comment="", date=None, using="default"):
    """One revision holding a version of every row of ``querysets``, written in bulk, as
    ``reversion.create_revision`` would have for rows saved one by one: an import of 100,000
    events writes their versions without a model instance or a serializer call per row."""
    revision = Revision.objects.using(using).create(
        date_created=date or timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )
    columns = ["revision_id", "content_type_id", "object_id", "db", "format"]
    columns += ["serialized_data", "object_repr"]
    for queryset in querysets:
        insert_rows(Version, columns, _versions(queryset, revision.pk, using), using=using)
    return revision


def _versions(queryset, revision_id, using):
    """Rows of reversion's version table for ``queryset``: the JSON Django's serializer
    writes (values as the database gives them; dates and times as DjangoJSONEncoder writes
    them; many-to-many links as lists of keys), made from plain rows."""
    model = queryset.model
    label = model._meta.label_lower
    content_type = ContentType.objects.get_for_model(model)
    local = [f for f in model._meta.concrete_fields if not f.primary_key]
    m2m = list(model._meta.many_to_many)
    names = [f.attname for f in local]
    keys = [f.name for f in local]
    links = {}
    for many in m2m:
        through = many.remote_field.through
        source = many.m2m_field_name()
        target = many.m2m_reverse_field_name()
        linked = defaultdict(list)
        for owner, other in (
            through.objects.filter(**{f"{source}__in": queryset.values("pk")})
            .order_by(source, target)
            .values_list(f"{source}_id", f"{target}_id")
        ):
            linked[owner].append(other)
        links[many.name] = linked
    encoder = DjangoJSONEncoder()
    for row in queryset.order_by("pk").values_list("pk", *names).iterator(chunk_size=2000):
        pk = row[0]
        fields = dict(zip(keys, row[1:], strict=True))
        for name, linked in links.items():
            fields[name] = linked.get(pk, [])
        data = encoder.encode([{"model": label, "pk": pk, "fields": fields}])
        name = fields.get("title") or fields.get("name") or f"{label} {pk}"
        yield (revision_id, content_type.pk, str(pk), using, "json", data, str(name)[:1000])
