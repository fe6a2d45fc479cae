"""The move from per-table history (django-simple-history) to versions of whole records
(django-reversion) keeps every saved row: a database with the old history, migrated, has
the same saves in its History, with who, when and why, and its deleted records can be
recovered."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Revision, Version

from tracker.history import history
from tracker.models import Event

BEFORE = [
    ("tracker", "0007_sub_events_index"),
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
]
AFTER = [("tracker", "0008_history_to_reversion")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_history(transactional_db, django_user_model):
    editor = django_user_model.objects.create_user("alice", password="pw-alice-12345")
    apps = migrate(BEFORE)
    try:
        yield apps, editor
    finally:
        migrate(executor_leaves())


def executor_leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def at(minutes):
    return timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 0)) + datetime.timedelta(
        minutes=minutes
    )


EVENT = {
    "title": "AI dialogue",
    "slug": "ai-dialogue",
    "summary": "",
    "description": "",
    "event_type_id": 1,
    "status": "held",
    "start_date": datetime.date(2025, 3, 1),
    "start_precision": "month",
    "end_date": None,
    "end_precision": "",
    "last_day": datetime.date(2025, 3, 31),
    "venue": "",
    "city": "Seoul",
    "country": "KR",
    "attendance_mode": "in-person",
    "extra_countries": "",
    "parent_id": None,
    "wikidata_id": "",
    "published": False,
    "created_at": at(0),
    "updated_at": at(0),
}


def test_old_history_becomes_revisions_of_whole_records(old_history):
    apps, editor = old_history
    HistoricalEvent = apps.get_model("tracker", "HistoricalEvent")
    HistoricalTopics = apps.get_model("tracker", "HistoricalEvent_topics")
    HistoricalParticipation = apps.get_model("tracker", "HistoricalParticipation")
    HistoricalCitation = apps.get_model("tracker", "HistoricalCitation")

    def event_row(pk, minutes, kind, user=None, reason=None, **changes):
        return HistoricalEvent.objects.create(
            id=pk,
            **{**EVENT, "slug": f"ai-dialogue-{pk}", **changes},
            history_date=at(minutes),
            history_type=kind,
            history_user_id=user.pk if user else None,
            history_change_reason=reason,
        )

    def participation_row(minutes, kind, role, user=None, reason=None):
        return HistoricalParticipation.objects.create(
            id=10,
            event_id=1,
            organization_id=5,
            person_id=None,
            role=role,
            title="",
            note="",
            source_id=None,
            order=0,
            history_date=at(minutes),
            history_type=kind,
            history_user_id=user.pk if user else None,
            history_change_reason=reason,
        )

    added = event_row(1, 0, "+", reason="Imported from events.csv")
    HistoricalTopics.objects.create(history=added, event_id=1, topic_id=3, id=1)
    participation_row(0, "+", "co-chair", reason="Imported from events.csv")
    retitled = event_row(1, 5, "~", user=editor, title="AI dialogue (first round)")
    HistoricalTopics.objects.create(history=retitled, event_id=1, topic_id=3, id=1)
    # The same save wrote the event again for its topics, and removed a participant.
    again = event_row(1, 5.005, "~", user=editor, title="AI dialogue (first round)")
    HistoricalTopics.objects.create(history=again, event_id=1, topic_id=3, id=1)
    HistoricalTopics.objects.create(history=again, event_id=1, topic_id=4, id=2)
    HistoricalParticipation.objects.create(
        id=11,
        event_id=1,
        organization_id=6,
        person_id=None,
        role="participant",
        title="",
        note="",
        source_id=None,
        order=1,
        history_date=at(0),
        history_type="+",
    )
    HistoricalParticipation.objects.create(
        id=11,
        event_id=1,
        organization_id=6,
        person_id=None,
        role="participant",
        title="",
        note="",
        source_id=None,
        order=1,
        history_date=at(5.004),
        history_type="-",
        history_user_id=editor.pk,
    )
    participation_row(9, "~", "host", user=editor, reason="Role fix")
    event_row(2, 1, "+")
    HistoricalCitation.objects.create(
        id=20, event_id=2, source_id=7, quote="", note="", history_date=at(1), history_type="+"
    )
    HistoricalCitation.objects.create(
        id=20,
        event_id=2,
        source_id=7,
        quote="",
        note="",
        history_date=at(20),
        history_type="-",
        history_user_id=editor.pk,
    )
    event_row(2, 20, "-", user=editor)

    migrate(AFTER)

    revisions = list(Revision.objects.order_by("date_created"))
    assert [(r.date_created, r.user, r.comment) for r in revisions] == [
        (at(0), None, "Added; Imported from events.csv"),
        (at(1), None, "Added"),
        (at(5), editor, ""),
        (at(9), editor, "Role fix"),
        (at(20), editor, "Deleted"),
    ]
    # Every version of event 1 holds its participation as it was then.
    versions = Version.objects.get_for_object_reference(Event, 1).order_by("pk")
    assert [v.revision.date_created for v in versions] == [at(0), at(5), at(9)]
    roles = [
        sorted(
            p.field_dict["role"]
            for p in v.revision.version_set.filter(content_type__model="participation")
        )
        for v in versions
    ]
    assert roles == [["co-chair", "participant"], ["co-chair"], ["host"]]
    assert versions[0].field_dict["topics"] == [3]
    words = [entry.changes for entry in history(Event, 1)]
    assert words[0] == [
        "Participant changed: #5 (no longer in the tracker), host (role co-chair → host)"
    ]
    assert words[1] == [
        "Title: “AI dialogue” → “AI dialogue (first round)”",
        "Topic added: #4 (no longer in the tracker)",
        "Participant removed: #6 (no longer in the tracker), participant",
    ]
    # The deleted event can be recovered, with its citation.
    # (Neither event is in the events table here: only their history was made.)
    deleted = Version.objects.get_deleted(Event).get(object_id="2")
    assert deleted.revision.comment == "Deleted"
    assert {v.object_id for v in deleted.revision.version_set.all()} == {"2", "20"}
