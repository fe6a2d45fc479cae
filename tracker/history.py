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
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django_countries import countries
from reversion.errors import RevertError
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
    first: bool = False

    @property
    def revision(self):
        return self.version.revision

    @property
    def note(self):
        """What the entry says when no field or part changed."""
        comment = self.revision.comment
        if comment.startswith("Deleted"):
            return "Deleted (and since recovered)"
        if comment.startswith(MERGE_SNAPSHOT):
            return "As it was before the merge: restore this version to undo the merge"
        return "Added" if self.first else "Saved, nothing changed"


class Names:
    """Names of the records that versions refer to, read in one query per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}
        self.gone = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self):
        for model, pks in self.wanted.items():
            rows = model.objects.filter(pk__in=pks)
            if model is Participation:
                rows = rows.select_related("organization", "person")
            self.found.update({(model, row.pk): row for row in rows})
            gone = [pk for pk in pks if (model, pk) not in self.found]
            if gone:  # named as their last version calls them
                versions = Version.objects.get_for_model(model).filter(
                    object_id__in=[str(pk) for pk in gone]
                )
                for object_id, name in versions.order_by("pk").values_list(
                    "object_id", "object_repr"
                ):
                    self.gone[(model, int(object_id))] = name

    def of(self, model, pk):
        if pk is None:
            return "none"
        row = self.found.get((model, pk))
        if row is None:
            name = self.gone.get((model, pk), f"#{pk}")
            return f"{name} (no longer in the tracker)"
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
        entries.append(Entry(version, state.changes_since(older, names), first=older is None))
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
    found = defaultdict(dict)
    for version in _part_versions(revision_ids, model, int(object_id)):
        found[version.revision_id][(version._model, int(version.object_id))] = fields_of(version)
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
            if part is MergedSlug:
                lines.append(_merge_line(before, after))
                continue
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
                old = self._value(model_field, before.get(name), names)
                new = self._value(model_field, after.get(name), names)
                if model_field.choices:  # as the row itself reads: "co-chair"
                    old, new = old.lower(), new.lower()
                bits.append(f"{model_field.verbose_name} {old} {ARROW} {new}")
        if part is Role and _period(before) != _period(after):
            bits.append(f"dates {_period(before) or 'none'} {ARROW} {_period(after) or 'none'}")
        return "; ".join(bits)


def _merge_line(before, after):
    data = after or before
    address = reverse(f"tracker:{data['kind']}", args=[data["slug"]])
    if before is None:
        return f"Merged in: {data['title']} (its address {address} now leads here)"
    if after is None:
        return f"Merge undone: {data['title']} ({address} is its own again)"
    return f"Merged in: {data['title']} ({address} leads here)"


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


# Restoring a version -----------------------------------------------------------------------

MERGE_SNAPSHOT = "Before merging: "


def record_versions(version):
    """The versions that restoring ``version`` writes back: the record's own and those of
    its parts in the same revision, not the other records the revision also holds (a seed
    load or an import saves many records in one revision; restoring one event must not undo
    another's later edits). The snapshot taken before a merge is restored whole from the
    record that stayed (its first version): undoing the merge is what it is for."""
    if undoes_merge(version):
        return list(version.revision.version_set.order_by("pk"))
    parts = _part_versions([version.revision_id], version._model, int(version.object_id))
    return [version, *parts]


def undoes_merge(version):
    """Whether restoring ``version`` undoes a merge: the survivor's version in the snapshot
    taken before it."""
    if not version.revision.comment.startswith(MERGE_SNAPSHOT):
        return False
    first = version.revision.version_set.order_by("pk").first()
    return first is not None and first.pk == version.pk


def _part_versions(revision_ids, model, pk):
    """The versions of the record's parts in a revision. An import's revision holds the
    parts of every event it made: the database picks out this record's by the key in their
    JSON (``"event": 12``) before any is parsed."""
    kinds = PARTS.get(model, [])
    if not kinds:
        return []
    types = {ContentType.objects.get_for_model(kind[0]).pk: kind[0] for kind in kinds}
    mentions = Q()
    for _, key, _ in kinds:
        mentions |= Q(serialized_data__contains=f'"{key}": {pk}')
    found = []
    rows = Version.objects.filter(revision_id__in=revision_ids, content_type_id__in=types)
    for other in rows.filter(mentions).order_by("pk"):
        data = fields_of(other)
        part = types[other.content_type_id]
        if any(kind[0] is part and data.get(kind[1]) == pk for kind in kinds):
            found.append(other)
    return found


def restore(version):
    """Restore the record of ``version`` as it was, in the caller's transaction: its own
    fields and its parts (rows added since are deleted, rows deleted since come back).
    Returns the versions written. Raises RevertError, with a message an editor can act on,
    when the version refers to a record that is gone (restore that first)."""
    versions = record_versions(version)
    _check_references(versions)
    kept = {(v.content_type_id, v.object_id) for v in versions}
    present = []
    for v in versions:
        obj = v._model._default_manager.filter(pk=v.object_id).first()
        if obj is not None:
            present.append(obj)
    added_since = {}
    for obj in present:
        for item in _follow_relations_recursive(obj):
            key = (ContentType.objects.get_for_model(type(item)).pk, str(item.pk))
            if key not in kept:
                added_since[key] = item
    for item in added_since.values():
        item.delete()
    pending = versions
    while pending:
        failed = []
        for v in pending:
            try:
                with transaction.atomic(using=v.db):
                    v.revert()
            except (IntegrityError, ObjectDoesNotExist):
                failed.append(v)
        if len(failed) == len(pending):
            names = "; ".join(v.object_repr for v in failed)
            raise RevertError(
                f"This version cannot be restored as it was: {names} would clash with a "
                "record saved since. Change or delete that record first."
            )
        pending = failed
    return versions


def _check_references(versions):
    """Every record the versions point to must exist, or be among them."""
    restoring = {(v._model, int(v.object_id)) for v in versions}
    wanted = defaultdict(set)
    for v in versions:
        data = fields_of(v)
        for model_field in [*v._model._meta.concrete_fields, *v._model._meta.many_to_many]:
            if not model_field.is_relation or model_field.name not in data:
                continue
            target = model_field.related_model
            values = data[model_field.name]
            for pk in values if isinstance(values, list) else [values]:
                if pk is not None and (target, pk) not in restoring:
                    wanted[target].add(pk)
    for target, pks in wanted.items():
        missing = pks - set(target._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
        if missing:
            names = Names()
            for pk in missing:
                names.want(target, pk)
            names.load()
            listed = "; ".join(f"“{names.of(target, pk)}”" for pk in sorted(missing))
            plural = target._meta.verbose_name_plural
            raise RevertError(
                f"This version refers to {target._meta.verbose_name} {listed}, deleted since. "
                f"Recover it first (Recover deleted {plural}), then restore this version."
            )


def refresh_restored(versions):
    """After versions are restored: reversion writes rows raw, without the signals that keep
    each event's countries and search document in step, so work them out for every event the
    versions touch (a merge undone moves participations of many)."""
    events, named = set(), Q(pk__in=[])
    for version in versions:
        model, pk = version._model, int(version.object_id)
        if model is Event:
            events.add(pk)
        elif model in (Participation, Citation, EventRelation):
            data = fields_of(version)
            events.update(data.get(key) for key in ("event", "from_event", "to_event"))
        elif model in (Organization, Person):  # their names are in their events' documents
            named |= Q(**{f"participations__{model._meta.model_name}": pk})
        elif model in (Topic, EventType):
            named |= Q(**{"topics" if model is Topic else "event_type": pk})
    events.discard(None)
    Event.objects.filter(Q(pk__in=events) | named).distinct().refresh_derived()
    DataVersion.bump()


# Writing revisions ------------------------------------------------------------------------


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
    everything = {}  # in order: each object, then its parts (the first is a merge's survivor)
    for obj in objects:
        for item in [obj, *_follow_relations_recursive(obj)]:
            everything.setdefault((type(item), item.pk), item)
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
        for item in everything.values()
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
