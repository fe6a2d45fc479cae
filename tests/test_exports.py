"""The timeline's view as files: /events.csv, /events.ics, /events/<slug>.ics, /events.atom.

Each format answers the timeline's query string with the timeline's events, keeps dates as
precise as the sources, never shows a draft, and answers a query it does not understand with
a 400 that names the parameter."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.utils import timezone

from tests.factories import build_timeline
from tracker.exports import atom, ics
from tracker.exports import csv as csv_export
from tracker.exports.csv import neutralise, restore
from tracker.interchange import CSV_COLUMNS
from tracker.models import Event

D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"
GB_SUMMIT = [
    "ai-seoul-summit-2024-ministers-meeting",
    "ai-seoul-summit-2024",
    "ai-seoul-summit-2024-leaders-session",
]


# Reading each format back --------------------------------------------------------------------


def csv_text(response):
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(client, query=""):
    text = csv_text(client.get(f"/events.csv?{query}"))
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


def calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(client, query=""):
    return calendar(client, f"/events.ics?{query}").walk("VEVENT")


def slug_of_url(url):
    return str(url).rstrip("/").rsplit("/", 1)[-1]


def feed(client, query=""):
    response = client.get(f"/events.atom?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entry_slugs(root):
    return [
        slug_of_url(entry.find(f"{ATOM}link[@rel='alternate']").get("href"))
        for entry in root.findall(f"{ATOM}entry")
    ]


def slugs_in(client, fmt, query):
    if fmt == "csv":
        return [row["slug"] for row in csv_rows(client, query)]
    if fmt == "ics":
        return [slug_of_url(event["URL"]) for event in vevents(client, query)]
    return entry_slugs(feed(client, query))


def timeline_slugs(client, query):
    return [event.slug for event in client.get(f"/?{query}").context_data["page_events"]]


# The same events as the timeline ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "ics"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=GB", GB_SUMMIT),
        ("person=seth-center", ["ai-working-group-first-meeting-2024"]),
        ("from=2023-12-15&to=2024-04-10", []),
        ("country=GB&order=asc", GB_SUMMIT[::-1]),
    ],
)
def test_files_list_the_timeline_views_events_in_its_order(client, seeded, fmt, query, expected):
    assert timeline_slugs(client, query) == expected
    assert slugs_in(client, fmt, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=GB", GB_SUMMIT),
        ("person=seth-center", ["ai-working-group-first-meeting-2024"]),
        ("from=2023-12-15&to=2024-04-10", []),
    ],
)
def test_the_feed_has_the_timeline_views_events(client, seeded, query, expected):
    assert sorted(slugs_in(client, "atom", query)) == sorted(expected)


def test_a_search_is_in_the_timelines_order_of_relevance(client, seeded):
    query = "q=summit"
    expected = timeline_slugs(client, query)
    assert len(expected) > 1
    assert slugs_in(client, "csv", query) == expected
    assert slugs_in(client, "ics", query) == expected


def test_an_empty_view_is_a_valid_empty_file_not_an_error(client, seeded):
    query = "from=2023-12-15&to=2024-04-10"
    text = csv_text(client.get(f"/events.csv?{query}"))
    assert text == ",".join(CSV_COLUMNS) + "\r\n"
    cal = calendar(client, f"/events.ics?{query}")
    assert cal.walk("VEVENT") == []
    assert cal["X-WR-CALNAME"]
    assert feed(client, query).findall(f"{ATOM}entry") == []


def test_the_page_parameter_is_ignored_since_a_file_is_the_whole_view(client, seeded):
    assert slugs_in(client, "csv", "country=GB&page=7") == GB_SUMMIT


def test_the_csv_row_is_the_interchange_shape(client, seeded):
    (row,) = csv_rows(client, "person=seth-center")
    assert row["slug"] == "ai-working-group-first-meeting-2024"
    assert row["start"] == "2024-04-11"
    assert row["date"] == "11 April 2024"
    assert row["type"] == "working-group-meeting"
    assert "seth-center" in row["people"].split("; ")
    assert row["url"] == "http://testserver/events/ai-working-group-first-meeting-2024/"


# Dates as precise as the sources -----------------------------------------------------------------


@pytest.fixture
def last_december(event_factory):
    return event_factory(
        title="Last December",
        slug="last-december",
        start_date=D(2023, 12, 1),
        start_precision="month",
        summary="Agreed some time in December.",
    )


def test_a_month_precision_event_is_never_given_a_day_in_the_csv(client, last_december):
    text = csv_text(client.get("/events.csv"))
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["start"] == "2023-12"
    assert row["end"] == ""
    assert row["date"] == "December 2023"
    assert "2023-12-01" not in text
    assert "1 December" not in text


def test_a_month_precision_event_spans_its_month_in_the_calendar(client, last_december):
    (entry,) = vevents(client)
    assert entry.decoded("DTSTART") == D(2023, 12, 1)
    assert entry.decoded("DTEND") == D(2024, 1, 1)  # exclusive: the whole of December
    assert entry["DTSTART"].params["VALUE"] == "DATE"
    assert str(entry["SUMMARY"]) == "Last December (December 2023, day not known)"
    assert "The sources give only the month" in str(entry["DESCRIPTION"])
    text = calendar(client, "/events/last-december.ics").to_ical().decode()
    assert "1 December" not in text


def test_a_month_precision_event_is_never_given_a_day_in_the_feed(client, last_december):
    response = client.get("/events.atom")
    text = response.content.decode()
    assert "December 2023" in text
    assert "1 December" not in text


def test_a_range_ending_in_a_month_ends_with_that_month(client, event_factory):
    event_factory(
        slug="spring-talks",
        title="Spring talks",
        start_date=D(2024, 4, 10),
        end_date=D(2024, 5, 1),
        end_precision="month",
    )
    (entry,) = vevents(client)
    assert entry.decoded("DTSTART") == D(2024, 4, 10)
    assert entry.decoded("DTEND") == D(2024, 6, 1)
    assert "days not known" in str(entry["SUMMARY"])
    assert "for its end" in str(entry["DESCRIPTION"])


def test_events_known_only_to_the_year_are_left_out_of_calendars_and_counted(client, event_factory):
    event_factory(slug="some-day", title="Some day", start_date=D(2024, 3, 5))
    event_factory(slug="in-2022", start_date=D(2022, 1, 1), start_precision="year")
    event_factory(slug="in-2021", start_date=D(2021, 1, 1), start_precision="year")
    cal = calendar(client, "/events.ics")
    assert [slug_of_url(e["URL"]) for e in cal.walk("VEVENT")] == ["some-day"]
    description = str(cal["X-WR-CALDESC"])
    assert "2 events known only to the year are not shown" in description
    assert "http://testserver/" in description
    # The file and the feed still list them: there the year is shown as a year.
    assert {row["start"] for row in csv_rows(client)} == {"2024-03-05", "2022", "2021"}

    one = calendar(client, "/events/in-2022.ics")
    assert one.walk("VEVENT") == []
    assert "known only to the year (2022)" in str(one["X-WR-CALDESC"])


# The calendar entry ------------------------------------------------------------------------------


def test_a_calendar_entry_has_stable_keys_dates_status_place_and_link(client, seeded):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    cal = calendar(client, "/events/ai-seoul-summit-2024.ics")
    assert cal["VERSION"] == "2.0"
    assert str(cal["PRODID"]) == ics.PRODID
    assert str(cal["X-WR-CALNAME"]) == "AI Policy Tracker: AI Seoul Summit"
    (entry,) = cal.walk("VEVENT")
    assert str(entry["UID"]) == f"event-{summit.pk}@testserver"
    assert entry.decoded("DTSTART") == D(2024, 5, 21)
    assert entry.decoded("DTEND") == D(2024, 5, 23)
    assert entry["STATUS"] == "CONFIRMED"
    assert str(entry["URL"]) == "http://testserver/events/ai-seoul-summit-2024/"
    assert str(entry["LOCATION"]) == "Seoul, South Korea"
    assert entry["CATEGORIES"].cats == ["Summit"]
    changed = summit.updated_at.replace(microsecond=0)  # iCalendar keeps whole seconds
    assert entry.decoded("LAST-MODIFIED") == changed
    assert entry.decoded("DTSTAMP") == changed
    description = str(entry["DESCRIPTION"])
    assert "When: 21–22 May 2024" in description
    assert "Rishi Sunak, Prime Minister of the United Kingdom (co-chair)" in description
    assert "Sources:" in description and "https://" in description
    # The same entry, with the same UID, in the view's calendar.
    (same,) = [e for e in vevents(client, "country=GB") if e["UID"] == entry["UID"]]
    assert same.decoded("DTEND") == D(2024, 5, 23)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("held", "CONFIRMED"),
        ("scheduled", "CONFIRMED"),
        ("postponed", "TENTATIVE"),
        ("cancelled", "CANCELLED"),
    ],
)
def test_status_maps_to_the_calendars_status(client, event_factory, status, expected):
    event_factory(status=status)
    (entry,) = vevents(client)
    assert entry["STATUS"] == expected


def test_sequence_grows_with_each_change(client, event_factory):
    event = event_factory(slug="edited")
    (entry,) = vevents(client)
    first = entry.decoded("SEQUENCE")
    later = event.created_at + datetime.timedelta(minutes=5)
    Event.objects.filter(pk=event.pk).update(updated_at=later)
    event.save()  # bumps the data version too, so no cached calendar is reused
    Event.objects.filter(pk=event.pk).update(updated_at=later)
    (entry,) = vevents(client)
    assert entry.decoded("SEQUENCE") == 300 > first


def test_a_view_calendar_is_capped_and_says_so(client, event_factory, monkeypatch):
    monkeypatch.setattr(ics, "MAX_CALENDAR_EVENTS", 2)
    for day in (1, 2, 3):
        event_factory(slug=f"day-{day}", start_date=D(2024, 3, day))
    cal = calendar(client, "/events.ics")
    assert [slug_of_url(e["URL"]) for e in cal.walk("VEVENT")] == ["day-3", "day-2"]
    assert "more than 2 events" in str(cal["X-WR-CALDESC"])


def test_an_unknown_or_draft_event_has_no_calendar(client, event_factory):
    event_factory(slug="not-yet", published=False)
    assert client.get("/events/not-yet.ics").status_code == 404
    assert client.get("/events/no-such-event.ics").status_code == 404


# The feed ----------------------------------------------------------------------------------------


def test_the_feed_is_atom_with_the_newest_change_first(client, event_factory):
    now = timezone.now()
    changed = {"old-news": 3, "fresh-news": 1, "middling-news": 2}  # days ago
    for slug, days in changed.items():
        event = event_factory(slug=slug, start_date=D(2020, 1, 1 + days))
        when = now - datetime.timedelta(days=days)
        Event.objects.filter(pk=event.pk).update(updated_at=when, created_at=when)
    root = feed(client, "order=asc")  # the view's order does not apply to a feed
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/?order=asc"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        "http://testserver/events.atom?order=asc"
    )
    assert entry_slugs(root) == ["fresh-news", "middling-news", "old-news"]
    entries = root.findall(f"{ATOM}entry")
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:testserver,") for i in ids)


def test_a_feed_entry_holds_date_summary_participants_and_sources(client, seeded):
    root = feed(client, "person=seth-center")
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.endswith("(11 April 2024)")
    content = entry.find(f"{ATOM}summary")
    assert content.get("type") == "html"
    html = content.text  # the entry's HTML, escaped once inside the XML
    assert "<strong>11 April 2024</strong>" in html
    assert "Seth Center (Office of the Special Envoy" in html
    assert "<em>(participant)</em>" in html
    assert '<a href="https://babl.ai/' in html and "BABL AI" in html
    assert entry.find(f"{ATOM}published") is not None


def test_feed_content_escapes_what_editors_typed(client, event_factory):
    event_factory(summary="<script>alert(1)</script> & more")
    html = feed(client).find(f"{ATOM}entry/{ATOM}summary").text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_the_feed_has_at_most_its_latest_entries(client, event_factory, monkeypatch):
    monkeypatch.setattr(atom, "MAX_ENTRIES", 2)
    for day in (1, 2, 3):
        event_factory(start_date=D(2024, 3, day))
    assert len(feed(client).findall(f"{ATOM}entry")) == 2


# Drafts ------------------------------------------------------------------------------------------


def test_drafts_appear_in_no_format(client, event_factory):
    event_factory(slug="public-meeting", title="Public meeting")
    event_factory(slug="secret-draft", title="Secret draft", published=False)
    for url in ("/events.csv", "/events.ics", "/events.atom", "/events.csv?q=secret"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        assert b"secret-draft" not in body
        assert b"Secret draft" not in body
    assert slugs_in(client, "csv", "") == ["public-meeting"]


# Bad parameters ----------------------------------------------------------------------------------

BAD = [
    ("colour=red", "colour"),
    ("from=2024-13", "from"),
    ("from=yesterday", "from"),
    ("person=nobody-by-this-name", "person"),
    ("q=%00", "q"),
    ("q=" + "a" * 10_000, "q"),
    ("country=XX", "country"),
    ("from=2024-05&to=2024-01", "to"),
    ("country=GB&type=no-such-type", "type"),
]


@pytest.mark.parametrize("path", ["/events.csv", "/events.ics", "/events.atom"])
@pytest.mark.parametrize(("query", "name"), BAD)
def test_a_parameter_not_understood_is_a_400_naming_it(client, seeded, path, query, name):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.streaming
    lines = response.content.decode().splitlines()
    assert [line for line in lines if line.startswith(f"{name}: ")], lines
    assert "\x00" not in response.content.decode()
    assert len(response.content) < 2_000


def test_each_bad_parameter_gets_its_own_line(client, seeded):
    response = client.get("/events.csv?colour=red&from=2024-13&country=XX&country=GB")
    lines = response.content.decode().splitlines()
    assert response.status_code == 400
    assert sorted(line.split(":")[0] for line in lines[1:]) == ["colour", "country", "from"]


# Spreadsheet formulas ----------------------------------------------------------------------------


def test_text_cells_that_would_run_as_formulas_are_neutralised(client, event_factory):
    event_factory(
        slug="formula-event",
        title='=HYPERLINK("http://evil.example","click")',
        summary="+1+2",
        description="-2+3",
        venue="@SUM(A1:A2)",
        city="\tTab city",
    )
    (row,) = csv_rows(client)
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["summary"] == "'+1+2"
    assert row["description"] == "'-2+3"
    assert row["venue"] == "'@SUM(A1:A2)"
    assert row["city"] == "'\tTab city"
    assert row["place"].startswith("'@SUM")
    assert row["slug"] == "formula-event"  # keys are never touched: the importer needs them
    assert restore(row["title"]) == '=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+", "-", "@x", "\tx", "\rx", "'=x", "''=x", "'", "''", "", "'hello", "plain", "x=1"],
)
def test_restore_undoes_neutralise_exactly(value):
    assert restore(neutralise(value)) == value
    assert not neutralise(value).startswith(csv_export.FORMULA_TRIGGERS)


def test_restore_strips_one_quote_only_before_a_trigger():
    assert restore("'=x") == "=x"
    assert restore("''=x") == "'=x"
    assert restore("'hello") == "'hello"
    assert restore("it's") == "it's"


# File names and caching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("country=KR&from=2024", "ai-policy-tracker-events-country-KR-from-2024.csv"),
        ("", "ai-policy-tracker-events-all.csv"),
        ("page=2", "ai-policy-tracker-events-all.csv"),
        (
            "person=seth-center&order=asc",
            "ai-policy-tracker-events-person-seth-center-order-asc.csv",
        ),
    ],
)
def test_the_file_is_named_for_the_view(client, seeded, query, filename):
    response = client.get(f"/events.csv?{query}")
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_a_file_name_is_ascii_short_and_without_quotes_or_slashes(client, seeded):
    q = '"/../evil\\name 서울 ' + "x" * 150
    response = client.get("/events.ics", {"q": q[:190], "country": ["KR", "US", "GB"]})
    assert response.status_code == 200
    header = response["Content-Disposition"]
    name = header.removeprefix('attachment; filename="').removesuffix('"')
    assert name.startswith("ai-policy-tracker-events-search-evil-name-")
    assert name.endswith(".ics")
    assert len(name) <= 104
    assert name.isascii() and not set(name) & set("\"'/\\ ;")


def test_an_unchanged_file_is_not_sent_again(client, event_factory):
    event_factory()
    for path in ("/events.csv", "/events.ics", "/events.atom"):
        first = client.get(path)
        assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
        again = client.get(path, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304, path
    etag = client.get("/events.ics")["ETag"]
    event_factory()  # any edit changes the data version
    assert client.get("/events.ics", headers={"if-none-match": etag}).status_code == 200


# Queries ---------------------------------------------------------------------------------------

# Each format's query budget, pinned, at two sizes of timeline: a change must be deliberate.
# Each reads the data version, the events and their six prefetched relations (the CSV per chunk
# of CHUNK_SIZE rows); a filter by person or topic first checks that the slug exists; the
# calendar also counts the events it leaves out.
EXPORTS = {
    "csv": ("/events.csv", 8),
    "csv, filtered": ("/events.csv?country=KR&person={person}&topic={topic}", 10),
    "ics": ("/events.ics", 9),
    "ics, filtered": ("/events.ics?country=KR&person={person}&topic={topic}", 11),
    "atom": ("/events.atom", 8),
    "event ics": ("/events/bulk-event-1.ics", 8),
}


def url_for(template, events):
    event = events[2]  # known to the day, so in every format
    person = event.participations.exclude(person=None).select_related("person").first().person
    return template.format(person=person.slug, topic=event.topics.first().slug)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("size", [5, 500])
@pytest.mark.parametrize("name", list(EXPORTS))
def test_queries_per_export_do_not_grow_with_the_data(
    client, db, django_assert_num_queries, size, name
):
    events = build_timeline(size)
    template, budget = EXPORTS[name]
    url = url_for(template, events)
    with django_assert_num_queries(budget):
        response = client.get(url)
        content = body(response)  # a streamed file reads its rows while it is sent
    assert response.status_code == 200
    assert b"bulk-event-" in content


def test_the_csv_reads_one_batch_of_queries_per_chunk_of_rows(
    client, db, django_assert_num_queries, monkeypatch
):
    build_timeline(250)
    monkeypatch.setattr(csv_export, "CHUNK_SIZE", 100)  # three chunks: 100, 100, 50
    with django_assert_num_queries(2 + 3 * 6):  # version, events; prefetches per chunk
        text = body(client.get("/events.csv")).decode()
    assert len(text.strip().splitlines()) == 251
