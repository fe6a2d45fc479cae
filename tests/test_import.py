"""import_events: a CSV in the export's columns or JSON in the API's shape, checked row by
row, reported line by line, written all or nothing, idempotent, and a faithful round trip."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from reversion.models import Revision, Version

from tracker.importer import import_file
from tracker.interchange import event_data
from tracker.models import (
    Citation,
    DataVersion,
    Event,
    EventRelation,
    EventType,
    Organization,
    Participation,
    Person,
    Role,
    Source,
    Topic,
)

BASE = "http://testserver"


def export_json():
    events = Event.objects.published().for_interchange().chronological()
    return json.dumps([event_data(event, BASE) for event in events], indent=1).encode()


def export_csv():
    """The whole timeline as /events.csv gives it."""
    cache.clear()
    response = Client().get("/events.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_file(*rows, columns=("slug", "title", "type", "status", "start", "end", "sources")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def empty_the_database():
    Event.objects.update(parent=None)
    Organization.objects.update(parent=None)
    for model in (
        EventRelation,
        Citation,
        Participation,
        Event,
        Role,
        Source,
        Person,
        Organization,
    ):
        model.objects.all().delete()
    Topic.objects.all().delete()
    EventType.objects.all().delete()


def run(tmp_path, content, *args, name="events.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_events", str(path), *args, stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue()


# Round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("export", [export_json, export_csv], ids=["json", "csv"])
def test_the_seed_exported_and_imported_into_an_empty_database_exports_the_same(
    seeded, export, tmp_path
):
    first = export()
    empty_the_database()
    name = "seed.json" if export is export_json else "seed.csv"
    status, out = run(tmp_path, first, "--create-missing", name=name)
    assert status == 0, out
    assert "8 created, 0 updated, 0 unchanged, 0 problem(s)" in out
    assert export() == first


def test_a_formula_like_title_survives_the_csv_round_trip(seeded, tmp_path):
    Event.objects.filter(slug="nget-dialogue-2023").update(title='=HYPERLINK("x")')
    first = export_csv()
    assert b"'=HYPERLINK" in first
    empty_the_database()
    run(tmp_path, first, "--create-missing")
    assert Event.objects.get(slug="nget-dialogue-2023").title == '=HYPERLINK("x")'
    assert export_csv() == first


def test_the_json_round_trip_keeps_roles_notes_relations_and_parents(seeded, tmp_path):
    first = json.loads(export_json())
    empty_the_database()
    run(tmp_path, json.dumps(first).encode(), "--create-missing", name="seed.json")
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    assert {(p.person.slug, p.role) for p in dialogue.participations.exclude(person=None)} == {
        ("cho-tae-yong", "co-chair"),
        ("jake-sullivan", "co-chair"),
    }
    note = dialogue.citations.get(source__url__contains="babl.ai").note
    assert note == 'Gives only the month ("last December"); the day comes from Asia Economy.'
    assert EventRelation.objects.filter(
        from_event__slug="ai-working-group-first-meeting-2024",
        kind="follows-from",
        to_event=dialogue,
    ).exists()
    assert Event.objects.get(slug="ai-global-forum-2024").parent.slug == "ai-seoul-summit-2024"


def test_importing_the_same_file_again_changes_nothing(seeded, tmp_path):
    content = export_json()
    version = DataVersion.current()
    revisions = Revision.objects.count()
    status, out = run(tmp_path, content, name="seed.json")
    assert status == 0
    assert "0 created, 0 updated, 8 unchanged" in out
    assert DataVersion.current() == version
    assert Revision.objects.count() == revisions


# The report ---------------------------------------------------------------------------------

BAD_ROWS = csv_file(
    ["good-one", "A good meeting", "dialogue", "held", "2024-03", "", "https://a.example.org/1"],
    ["bad-date", "Bad date", "dialogue", "held", "2023-13", "", "https://a.example.org/1"],
    ["bad-status", "Bad status", "dialogue", "finished", "2024", "", "https://a.example.org/1"],
    ["bad-url", "Bad URL", "dialogue", "held", "2024-01-02", "", "htp:/nowhere"],
    [
        "backwards",
        "Ends first",
        "dialogue",
        "held",
        "2024-05-02",
        "2024-04",
        "https://a.example.org/1",
    ],
    ["no-source", "Published without a source", "dialogue", "held", "2024-02-02", "", ""],
    [
        "bad-type",
        "Unknown type",
        "no-such-type",
        "held",
        "2024-02-03",
        "",
        "https://a.example.org/1",
    ],
)


@pytest.fixture
def vocabulary(db, source_factory):
    EventType.objects.create(slug="dialogue", name="Dialogue")
    source_factory(url="https://a.example.org/1")


def test_the_report_names_each_problem_with_its_line_field_value_and_fix(vocabulary, tmp_path):
    status, out = run(tmp_path, BAD_ROWS)
    assert status == 1
    assert 'line 3, start: "2023-13" is not a date; use YYYY, YYYY-MM or YYYY-MM-DD.' in out
    assert 'line 4, status: "finished" is not one of scheduled, held, postponed, cancelled.' in out
    assert 'line 5, sources: "htp:/nowhere" is not a URL' in out
    assert 'line 6, end: "2024-04" is before the start (2024-05-02).' in out
    assert "line 7, sources: is empty, and a published event must cite at least one source" in out
    assert 'line 8, type: "no-such-type" is not the key of any event type' in out
    assert "Nothing was written" in out
    assert not Event.objects.exists()  # the good row is not written either


def test_an_end_inside_a_vaguer_start_is_refused_as_the_admin_refuses_it(vocabulary, tmp_path):
    source = "https://a.example.org/1"
    rows = csv_file(
        ["inside", "Inside", "dialogue", "held", "2025-03", "2025-03-05", source],
        ["later", "Later", "dialogue", "held", "2025-03", "2025-06-05", source],
    )
    status, out = run(tmp_path, rows, "--skip-invalid")
    assert status == 1
    assert (
        'line 2, end: "2025-03-05" falls within the start (2025-03) and is more precise: '
        "give the start as precisely, or leave the end empty." in out
    )
    assert Event.objects.get().date_display == "March 2025 – 5 June 2025"


def test_skip_invalid_writes_the_good_rows_and_still_fails(vocabulary, tmp_path):
    status, out = run(tmp_path, BAD_ROWS, "--skip-invalid")
    assert status == 1
    assert list(Event.objects.values_list("slug", flat=True)) == ["good-one"]
    event = Event.objects.get()
    assert (event.start.isoformat(), event.date_display) == ("2024-03", "March 2024")
    assert "line 3, line 4, line 5, line 6, line 7, line 8" in out


def test_a_dry_run_reports_what_would_change_and_writes_nothing(vocabulary, tmp_path):
    content = csv_file(
        ["new-one", "New", "dialogue", "held", "2024", "", "https://a.example.org/1"]
    )
    status, out = run(tmp_path, content, "--dry-run")
    assert status == 0
    assert "new-one" in out and "Dry run, nothing written: 1 created" in out
    assert not Event.objects.exists()


def test_unknown_records_are_errors_unless_create_missing(vocabulary, tmp_path):
    columns = ("slug", "title", "type", "start", "organizations", "people", "topics", "sources")
    content = csv_file(
        [
            "m",
            "M",
            "summit",
            "2024-05-21",
            "new-ministry",
            "new-person",
            "new-topic",
            "https://b.example.org/x",
        ],
        columns=columns,
    )
    status, out = run(tmp_path, content)
    assert status == 1
    for slug in ("summit", "new-ministry", "new-person"):
        assert slug in out
    assert not Event.objects.exists()
    status, out = run(tmp_path, content, "--create-missing")
    assert status == 0, out
    event = Event.objects.get(slug="m")
    assert event.event_type.slug == "summit"
    assert Organization.objects.filter(slug="new-ministry").exists()
    assert [t.slug for t in event.topics.all()] == ["new-topic"]
    assert event.citations.get().source.url == "https://b.example.org/x"
    assert "new-ministry" in out and "New sources created: 1." in out


def test_a_file_with_some_columns_changes_only_those(seeded, tmp_path):
    event = Event.objects.get(slug="nget-dialogue-2023")
    participants = list(event.participations.values_list("person", "role"))
    content = csv_file(["nget-dialogue-2023", "A new title"], columns=("slug", "title"))
    status, out = run(tmp_path, content)
    assert status == 0 and "1 updated" in out
    event.refresh_from_db()
    assert event.title == "A new title"
    assert event.date_display == "9 December 2023"
    assert list(event.participations.values_list("person", "role")) == participants
    assert event.citations.count() == 2


def test_a_csv_keeps_roles_of_participants_it_still_lists(seeded, tmp_path):
    content = csv_file(
        [
            "nget-dialogue-2023",
            "national-security-office; national-security-council",
            "jake-sullivan",
        ],
        columns=("slug", "organizations", "people"),
    )
    status, out = run(tmp_path, content)
    assert status == 0, out
    rows = Event.objects.get(slug="nget-dialogue-2023").participations.order_by("order")
    assert [
        (p.organization and p.organization.slug, p.person and p.person.slug, p.role) for p in rows
    ] == [
        ("national-security-council", "jake-sullivan", "co-chair"),
        ("national-security-office", None, "participant"),
    ]


def test_history_records_the_importing_user(seeded, tmp_path, django_user_model):
    django_user_model.objects.create_user("importer", password="x-import-1")
    content = csv_file(["nget-dialogue-2023", "Retitled"], columns=("slug", "title"))
    run(tmp_path, content, "--user", "importer")
    event = Event.objects.get(slug="nget-dialogue-2023")
    latest = Version.objects.get_for_object(event).latest("pk").revision
    assert latest.user.username == "importer"
    assert latest.comment == "Imported from events.csv"


def test_an_import_leaves_relations_with_drafts_alone(seeded, event_factory, tmp_path):
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    draft = event_factory(slug="draft-follow-up", published=False)
    EventRelation.objects.create(from_event=draft, kind="follows-from", to_event=dialogue)
    content = export_json()
    assert b"draft-follow-up" not in content
    run(tmp_path, content, name="seed.json")
    assert EventRelation.objects.filter(from_event=draft).exists()


def test_a_new_event_keeps_the_files_updated_time_and_a_changed_one_gets_now(vocabulary):
    data = [
        {
            "slug": "kept",
            "title": "Kept",
            "type": "dialogue",
            "start": "2024",
            "sources": [{"url": "https://a.example.org/1"}],
            "updated_at": "2024-04-19T08:30:00Z",
        }
    ]
    report = import_file("e.json", json.dumps(data).encode())
    assert report.created == ["kept"], report.lines()
    assert Event.objects.get().updated_at.isoformat() == "2024-04-19T08:30:00+00:00"
    data[0]["title"] = "Changed"
    report = import_file("e.json", json.dumps(data).encode())
    assert report.updated == ["kept"]
    assert Event.objects.get().updated_at.year > 2024


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe not utf-8", "is not UTF-8 text"),
        (b"[{broken", "is not valid JSON"),
        (b"slug,colour\nx,red\n", "colour: is not a column of the export"),
        (b"title\nx\n", "slug: is missing"),
        (b'{"not": "a list"}', "must be a list of events"),
        (b"slug,title\nx,\x00\n", "NUL"),
    ],
)
def test_an_unreadable_file_is_reported_not_a_crash(db, content, message):
    report = import_file("f.json" if content.startswith((b"[", b"{")) else "f.csv", content)
    assert report.has_errors
    assert message in "\n".join(report.lines())
    assert not Event.objects.exists()


def test_events_as_data_in_bulk_equals_event_data_one_by_one(seeded, event_factory):
    from tracker.interchange import events_as_data

    event_factory(slug="month-only", start_date=datetime.date(2023, 12, 1), start_precision="month")
    events = list(Event.objects.published().for_interchange().chronological())
    one_by_one = [event_data(event, BASE) for event in events]
    assert events_as_data([event.pk for event in events], BASE) == one_by_one


@pytest.mark.parametrize(
    "record, field",
    [
        ({"slug": ["x"]}, "slug"),
        ({"slug": "x", "relations": 5}, "relations"),
        ({"slug": "x", "_people": None}, "_people"),
        ({"slug": "x", "_source_refs": [{}]}, "_source_refs"),
        ({"slug": "x", "updated_at": "2024-13-01T00:00:00Z"}, "updated_at"),
        ({"slug": "x", "updated_at": "9999-12-31T23:59:59-01:00"}, "updated_at"),
        ({"slug": "x", "participants": [None, 5]}, "participants[0]"),
        ({"slug": "x", "title": 12}, "title"),
    ],
)
def test_values_of_the_wrong_type_are_problems_not_crashes(vocabulary, record, field):
    record = {"title": "T", "type": "dialogue", "start": "2024", **record}
    report = import_file("e.json", json.dumps([record]).encode())
    assert field in {problem.field for problem in report.problems}, report.lines()
    assert not Event.objects.exists()


def test_a_deeply_nested_file_is_reported(db):
    report = import_file("e.json", b"[" * 100_000)
    assert "nested too deeply" in "\n".join(report.lines())


def test_a_source_url_with_a_semicolon_survives_the_csv_round_trip(seeded, tmp_path):
    source = Source.objects.create(url="https://example.org/a;b=1", title="Semi")
    Citation.objects.create(event=Event.objects.get(slug="nget-dialogue-2023"), source=source)
    first = export_csv()
    status, out = run(tmp_path, first)
    assert status == 0, out
    assert "8 unchanged" in out


def test_a_change_to_topics_alone_marks_the_event_changed(seeded, tmp_path):
    event = Event.objects.get(slug="nget-dialogue-2023")
    before = event.updated_at
    run(tmp_path, csv_file(["nget-dialogue-2023", "quantum"], columns=("slug", "topics")))
    event.refresh_from_db()
    assert [t.slug for t in event.topics.all()] == ["quantum"]
    assert event.updated_at > before


def test_drafts_option_leaves_published_events_published(seeded, tmp_path):
    run(
        tmp_path,
        csv_file(["nget-dialogue-2023", "Retitled"], columns=("slug", "title")),
        "--drafts",
    )
    event = Event.objects.get(slug="nget-dialogue-2023")
    assert (event.title, event.published) == ("Retitled", True)


def test_created_types_whose_names_clash_get_names_of_their_own(vocabulary, tmp_path):
    content = csv_file(
        ["a", "A", "new-kind", "2024", "https://a.example.org/1"],
        ["b", "B", "New-kind", "2024", "https://a.example.org/1"],
        columns=("slug", "title", "type", "start", "sources"),
    )
    status, out = run(tmp_path, content, "--create-missing")
    assert status == 0, out
    assert sorted(
        EventType.objects.filter(slug__iexact="new-kind").values_list("name", flat=True)
    ) == [
        "New kind",
        "New kind (new-kind)",
    ]


def test_an_event_linked_from_a_new_one_is_marked_changed(seeded):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    before = summit.updated_at
    data = [
        {
            "slug": "follow-up",
            "title": "Follow-up",
            "type": "summit",
            "start": "2025",
            "sources": [
                {"url": "https://babl.ai/south-korea-and-u-s-establish-bilateral-ai-working-group/"}
            ],
            "relations": [{"type": "follows-from", "direction": "outgoing", "event": summit.slug}],
        }
    ]
    report = import_file("e.json", json.dumps(data).encode())
    assert report.created == ["follow-up"], report.lines()
    summit.refresh_from_db()
    assert summit.updated_at > before


NUL_RECORDS = [
    {"parent": "a\x00b"},
    {"topics": ["x\x00"]},
    {"type": "dia\x00logue"},
    {"participants": [{"organization": "m\x00", "person": "p\x00"}]},
    {"relations": [{"type": "prepares", "direction": "outgoing", "event": "e\x00"}]},
    {"sources": [{"url": "https://a.example.org/\x00", "title": "t\x00"}]},
    {"_source_refs": ["https://a.example.org/1\x00"], "_organizations": ["o\x00"]},
]


@pytest.mark.parametrize("change", NUL_RECORDS)
def test_nul_bytes_anywhere_in_a_record_are_problems_on_both_databases(vocabulary, change):
    record = {"slug": "x", "title": "T", "type": "dialogue", "start": "2024"}
    report = import_file("e.json", json.dumps([{**record, **change}]).encode())
    assert report.has_errors, report.lines()
    assert not Event.objects.exists()
