"""Carry the history kept by django-simple-history (a table per model, a row per saved row)
over to django-reversion (a revision per save, holding a version of each row it saved), so
that none of it is lost when the per-table history goes (the next migration drops it).

- Rows saved together (by the same user, within a second, for the same reason; a row saved
  twice, as an event was again for its topics, counts once) become one revision, as an admin save of an event with its participants was; its comment is the
  reasons given (an import's "Imported from …", the API's "Changed through the API").
- A revision that changed a part of a record (a participant's role, a citation's note) also
  holds the record as it was then, so that the record's History shows the change.
- A version of an event, an organization or a person is made whole, as reversion keeps them
  from now on: the revision also holds the rows that hung off the record at that moment
  (participations, citations, relations both ways; posts held), replayed from their own
  history, so that reverting to it restores the children too.
- A deletion ("-") of a record becomes a revision of it (and its parts) as it was, noted
  "Deleted", from which the admin can recover it. A part deleted while its record stayed
  (a participant removed) is simply absent from the record's next version.
"""

import bisect
import datetime
import json
from collections import defaultdict

from django.core import serializers
from django.db import migrations

# Models in the order their rows may be restored (what a row refers to comes first).
MODELS = [
    "eventtype",
    "topic",
    "source",
    "organization",
    "person",
    "role",
    "event",
    "participation",
    "citation",
    "eventrelation",
]
# The rows that are part of a record's version: (child model, its key to the record).
CHILDREN = {
    "event": [
        ("participation", "event_id"),
        ("citation", "event_id"),
        ("eventrelation", "from_event_id"),
        ("eventrelation", "to_event_id"),
    ],
    "organization": [("role", "organization_id")],
    "person": [("role", "person_id")],
}
TOGETHER = datetime.timedelta(seconds=1)
KINDS = {"+": "Added", "~": "", "-": "Deleted"}


PART_MODELS = {child for links in CHILDREN.values() for child, _ in links}


def _goes_with(entry, deleted):
    """Whether the deleted row ``entry`` is a part whose record was deleted with it (or is
    no part at all)."""
    name, data = entry[5], entry[7]
    if name not in PART_MODELS:
        return True
    for parent, links in CHILDREN.items():
        for child, key in links:
            if child == name and (parent, data["fields"].get(key[: -len("_id")])) in deleted:
                return True
    return False


def kept(field, row):
    """Whether the history table kept ``field`` (the event's search document it did not)."""
    return field in row or f"{field}_id" in row


def row_repr(name, data, pk):
    fields = data["fields"]
    for key in ("title", "name"):
        if fields.get(key):
            return str(fields[key])[:190]
    return f"{name} {pk}"


def forwards(apps, schema_editor):
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias

    rows = []  # (date, order, user, reason, kind, model name, pk, serialized data)
    timelines = defaultdict(list)  # (model name, pk) → [(date, kind, data)]
    for order, name in enumerate(MODELS):
        model = apps.get_model("tracker", name)
        history = apps.get_model("tracker", f"Historical{model.__name__}")
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        topics = defaultdict(list)
        if name == "event":
            links = apps.get_model("tracker", "HistoricalEvent_topics").objects.using(db)
            for version, topic in links.order_by("topic_id").values_list("history_id", "topic_id"):
                topics[version].append(topic)
        values = history.objects.using(db).order_by("history_date", "history_id").values()
        for row in values.iterator():
            instance = model(**{f.attname: row.get(f.attname) for f in model._meta.concrete_fields})
            instance.pk = row["id"]
            data = json.loads(
                serializers.serialize(
                    "json", [instance], fields=[f for f in fields if kept(f, row)]
                )
            )[0]
            if name == "event":
                data["fields"]["search_document"] = ""  # derived; worked out again on save
                data["fields"]["topics"] = topics[row["history_id"]]
            entry = (
                row["history_date"],
                order,
                row["history_user_id"],
                row["history_change_reason"] or "",
                row["history_type"],
                name,
                row["id"],
                data,
            )
            rows.append(entry)
            timelines[(name, row["id"])].append((row["history_date"], row["history_type"], data))
    if not rows:
        return

    # Which children each record had: child rows by the record they hang off.
    children_of = defaultdict(set)  # (record name, record pk) → {(child name, child pk)}
    for (name, pk), timeline in timelines.items():
        for parent, links in CHILDREN.items():
            for child, key in links:
                if child != name:
                    continue
                for _, _, data in timeline:
                    owner = data["fields"].get(key[: -len("_id")])
                    if owner is not None:
                        children_of[(parent, owner)].add((name, pk))

    dates = {key: [date for date, _, _ in timeline] for key, timeline in timelines.items()}

    def state_at(name, pk, when):
        """The row as its history says it was at ``when``, or None if not there."""
        index = bisect.bisect_right(dates.get((name, pk), []), when) - 1
        if index < 0:
            return None
        _, kind, data = timelines[(name, pk)][index]
        return None if kind == "-" else data

    rows.sort(key=lambda entry: (entry[0], entry[1], entry[6]))
    groups, current = [], None
    for entry in rows:
        date, _, user, reason, _, name, pk, _ = entry
        if (
            current is None
            or current["user"] != user
            or date - current["date"] > TOGETHER
            or (reason and current["reasons"] and reason not in current["reasons"])
        ):
            current = {"date": date, "user": user, "reasons": [], "rows": {}}
            groups.append(current)
        # A row saved twice in one save (an event, again for its topics): the later wins.
        current["rows"][(name, pk)] = entry
        if reason and reason not in current["reasons"]:
            current["reasons"].append(reason)

    content_types = {
        name: ContentType.objects.db_manager(db).get_or_create(app_label="tracker", model=name)[0]
        for name in MODELS
    }
    for group in groups:
        group["keys"] = set(group["rows"])
        group["rows"] = sorted(group["rows"].values(), key=lambda entry: (entry[0], entry[1]))
        deleted = {(e[5], e[6]) for e in group["rows"] if e[4] == "-"}
        # A part deleted while its record stayed is left out: the record's version, without
        # it, says it was removed. It is kept when its record went too (to be recovered).
        group["rows"] = [e for e in group["rows"] if e[4] != "-" or _goes_with(e, deleted)]
        group["keys"] = {(e[5], e[6]) for e in group["rows"]}
        kinds = {entry[4] for entry in group["rows"] if entry[5] not in PART_MODELS}
        words = [KINDS[kind] for kind in ("+", "-") if kind in kinds]
        comment = "; ".join([*words, *group["reasons"]])
        revision = Revision.objects.using(db).create(
            date_created=group["date"], user_id=group["user"], comment=comment
        )
        versions, keys = [], set(group["keys"])
        for _, _, _, _, _, name, pk, data in group["rows"]:
            versions.append((name, pk, data))
        # A change to a part (a participant, a citation…) is a change of the record it
        # belongs to: add the record, as it was then, so that its History shows the change.
        last = group["rows"][-1][0]
        for _, _, _, _, _, name, _, data in group["rows"]:
            for parent, links in CHILDREN.items():
                for child, key in links:
                    owner = data["fields"].get(key[: -len("_id")]) if child == name else None
                    if owner is None or (parent, owner) in keys:
                        continue
                    state = state_at(parent, owner, last)
                    if state is not None:
                        keys.add((parent, owner))
                        versions.append((parent, owner, state))
        # Make each record's version whole: its parts as they were at that moment.
        for name, pk, _ in list(versions):
            for child, child_pk in sorted(children_of.get((name, pk), ())):
                if (child, child_pk) in keys:
                    continue
                data = state_at(child, child_pk, last)
                if data is not None:
                    keys.add((child, child_pk))
                    versions.append((child, child_pk, data))
        Version.objects.using(db).bulk_create(
            batch_size=1000,
            objs=(
                Version(
                    revision=revision,
                    object_id=str(pk),
                    content_type=content_types[name],
                    db=db,
                    format="json",
                    serialized_data=json.dumps([data]),
                    object_repr=row_repr(name, data, pk),
                )
                for name, pk, data in versions
            ),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0007_sub_events_index"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
