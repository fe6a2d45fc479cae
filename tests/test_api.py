"""The JSON API's reads: which records it gives, in which order, how they look, how it pages,
what it refuses, what it costs, and how a client polls it cheaply."""

import base64
import datetime
import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle

from tests.factories import build_timeline
from tracker.filters import EventFilterSet
from tracker.interchange import event_data
from tracker.models import Event, EventRelation

D = datetime.date
EVENTS = "/api/v1/events/"
LISTS = [
    "/api/v1/events/",
    "/api/v1/organizations/",
    "/api/v1/people/",
    "/api/v1/topics/",
    "/api/v1/event-types/",
]


def get(client, url, params=None, **headers):
    if params:
        url = f"{url}?{urlencode(params, doseq=True)}"
    return client.get(url, headers=headers)


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def timeline_slugs(params):
    filterset = EventFilterSet(params, queryset=Event.objects.published())
    return [event.slug for event in filterset.qs]


def every_page(client, url, direction="next"):
    """The slugs of every page, following ``direction`` links from ``url``."""
    pages = []
    while url:
        response = client.get(url)
        pages.append(slugs(response))
        url = response.json()[direction]
        assert len(pages) < 100, "the links go round in circles"
    return pages


# What the list gives: the timeline's answers -------------------------------------------------


def test_which_events_involved_the_united_kingdom(client, seeded):
    assert slugs(get(client, EVENTS, {"country": "GB"})) == [
        "ai-seoul-summit-2024-ministers-meeting",
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
    ]


def test_where_seth_center_took_part(client, seeded):
    assert slugs(get(client, EVENTS, {"person": "seth-center"})) == [
        "ai-working-group-first-meeting-2024"
    ]


def test_nothing_happened_between_mid_december_2023_and_april_10_2024(client, seeded):
    response = get(client, EVENTS, {"from": "2023-12-15", "to": "2024-04-10"})
    assert response.json() == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"order": "asc"},
        {"country": ["KR", "US"]},
        {"from": "2024", "to": "2024"},
        {"type": "dialogue"},
        {"organization": "korea-us-ai-working-group"},
        {"topic": "ai-safety", "order": "asc"},
        {"q": "summit"},
        {"q": "seoul", "order": "desc"},
        {"status": "held", "country": "GB"},
    ],
    ids=lambda params: urlencode(params, doseq=True) or "no filter",
)
def test_the_list_gives_the_timelines_events_in_the_timelines_order(client, seeded, params):
    assert slugs(get(client, EVENTS, params)) == timeline_slugs(params)


# How an event looks ---------------------------------------------------------------------------


def test_an_event_is_exactly_its_interchange_data(client, seeded):
    event = Event.objects.for_interchange().get(slug="ai-seoul-summit-2024")
    detail = get(client, f"{EVENTS}ai-seoul-summit-2024/").json()
    assert detail == event_data(event, "http://testserver")
    listed = get(client, EVENTS, {"country": "GB"}).json()["results"]
    assert detail in listed
    assert detail["url"] == "http://testserver/events/ai-seoul-summit-2024/"


def test_a_month_precision_event_starts_in_its_month_not_on_its_first_day(client, event_factory):
    event_factory(slug="december", start_date=D(2023, 12, 1), start_precision="month")
    event = get(client, f"{EVENTS}december/").json()
    assert (event["start"], event["end"], event["date_display"]) == (
        "2023-12",
        None,
        "December 2023",
    )


# Drafts appear nowhere ------------------------------------------------------------------------


@pytest.fixture
def draft(seeded, event_factory):
    draft = event_factory(
        slug="secret-draft", published=False, country="GB", start_date=D(2024, 5, 23)
    )
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    EventRelation.objects.create(from_event=draft, kind="follows-from", to_event=summit)
    leaders = Event.objects.get(slug="ai-seoul-summit-2024-leaders-session")
    leaders.parent = draft
    leaders.save()
    return draft


def test_a_draft_is_in_no_list_and_has_no_page(client, draft):
    assert "secret-draft" not in slugs(get(client, EVENTS, {"page_size": 500}))
    assert "secret-draft" not in slugs(get(client, EVENTS, {"country": "GB"}))
    assert "secret-draft" not in slugs(get(client, EVENTS, {"q": "meeting"}))
    response = get(client, f"{EVENTS}secret-draft/")
    assert response.status_code == 404


def test_a_draft_is_never_a_relation_or_a_parent(client, draft):
    summit = get(client, f"{EVENTS}ai-seoul-summit-2024/").json()
    assert "secret-draft" not in [relation["event"] for relation in summit["relations"]]
    leaders = get(client, f"{EVENTS}ai-seoul-summit-2024-leaders-session/").json()
    assert leaders["parent"] is None
    body = get(client, EVENTS, {"page_size": 500}).content.decode()
    assert "secret-draft" not in body


# Other lists ------------------------------------------------------------------------------


def test_organizations_are_searched_and_filtered_as_their_page_is(client, seeded):
    assert slugs(get(client, "/api/v1/organizations/", {"q": "commerce department"})) == [
        "department-of-commerce"
    ]
    gb = slugs(get(client, "/api/v1/organizations/", {"country": "GB"}))
    assert gb == ["department-for-science-innovation-and-technology"]
    forums = slugs(get(client, "/api/v1/organizations/", {"kind": "multilateral-forum"}))
    assert "korea-us-ai-working-group" in forums
    names = [row["name"] for row in get(client, "/api/v1/organizations/").json()["results"]]
    assert names == sorted(names)


def test_an_organization_shows_the_posts_held_in_it(client, seeded):
    minsci = get(client, "/api/v1/organizations/ministry-of-science-and-ict/").json()
    assert {(role["person"], role["current"]) for role in minsci["roles"]} == {
        ("eom-yeol", True),
        ("lee-jong-ho", True),
    }
    white_house = get(client, "/api/v1/organizations/the-white-house/").json()
    assert white_house["roles"] == [
        {
            "person": "joe-biden",
            "title": "President of the United States",
            "start": "2021-01-20",
            "end": "2025-01-20",
            "ended": True,
            "current": False,
        }
    ]


def test_people_are_searched_by_any_of_their_names(client, seeded):
    assert slugs(get(client, "/api/v1/people/", {"q": "윤석열"})) == ["yoon-suk-yeol"]
    us = slugs(get(client, "/api/v1/people/", {"country": "US"}))
    assert "seth-center" in us and "yoon-suk-yeol" not in us
    sunak = get(client, "/api/v1/people/rishi-sunak/").json()
    assert sunak["roles"][0]["organization"] is None
    assert sunak["roles"][0]["end"] == "2024-07-05"


def test_topics_and_event_types_are_listed_by_name(client, seeded):
    assert slugs(get(client, "/api/v1/topics/", {"q": "safety"})) == ["ai-safety"]
    types = get(client, "/api/v1/event-types/").json()["results"]
    assert [t["name"] for t in types] == sorted(t["name"] for t in types)
    assert set(types[0]) == {"slug", "name", "description"}


# Parameters that are not understood --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("contry=GB", "contry"),
        ("from=2023-13", "from"),
        ("to=yesterday", "to"),
        ("person=nobody-at-all", "person"),
        ("q=%00", "q"),
        ("country=XX", "country"),
        ("country=GB%00", "country"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=two", "page_size"),
        ("page_size=99999999999999999999999", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("order=sideways", "order"),
        ("format=xml", "format"),
    ],
)
def test_a_parameter_that_is_not_understood_is_a_400_naming_it(client, seeded, query, bad):
    response = client.get(f"{EVENTS}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [bad]
    assert all(isinstance(message, str) for message in response.json()[bad])


def test_every_bad_parameter_is_named_at_once(client, seeded):
    response = client.get(f"{EVENTS}?contry=GB&country=XX&from=2023-13&page_size=0&cursor=x")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"contry", "country", "from", "page_size", "cursor"}
    assert errors["country"] == ["Select a valid choice. XX is not one of the available choices."]
    assert errors["contry"][0].startswith("“contry” is not a parameter here; use country,")


@pytest.mark.parametrize(
    ("url", "query", "bad"),
    [
        ("/api/v1/organizations/", "kind=castle", "kind"),
        ("/api/v1/organizations/", "country=XX", "country"),
        ("/api/v1/people/", "country=ZZ", "country"),
        ("/api/v1/people/", "name=seth", "name"),
        ("/api/v1/topics/", "q=" + "a" * 201, "q"),
        ("/api/v1/event-types/", "kind=summit", "kind"),
        ("/api/v1/events/ai-seoul-summit-2024/", "country=GB", "country"),
    ],
)
def test_the_other_lists_and_records_are_as_strict(client, seeded, url, query, bad):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [bad]


HOSTILE_VALUES = [
    "%00",
    "a%00b",
    "x" * 10_000,
    "9" * 400,
    "-1",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "1); DROP TABLE tracker_event; --",
    "%E2%80%AE%F0%9F%92%A5",
    "%FF%FE",
    "no-such-thing",
]
HOSTILE_NAMES = ["q", "from", "to", "country", "type", "person", "kind", "cursor", "page_size"]


@pytest.mark.parametrize("url", LISTS)
def test_no_value_of_any_parameter_gives_a_500(client, seeded, url):
    for name in HOSTILE_NAMES:
        for value in HOSTILE_VALUES:
            response = client.get(f"{url}?{name}={value}")
            assert response.status_code in (200, 400), (name, value[:20], response.status_code)
            assert isinstance(response.json(), dict)
    response = client.get(f"{url}?{'%00' * 3}=1&{'x' * 5000}=2")
    assert response.status_code == 400


@pytest.mark.parametrize("slug", ["no-such-event", "%00", "a%00b", "x" * 5000, "%3Cb%3E", "1%27--"])
def test_an_unknown_or_malformed_slug_is_a_404(client, seeded, slug):
    for url in LISTS:
        assert client.get(f"{url}{slug}/").status_code == 404


# Cursor pagination ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"order": "asc"}, {"q": "AI"}, {"country": "KR", "order": "desc"}],
    ids=["newest first", "oldest first", "by relevance", "filtered"],
)
def test_paging_by_two_gives_every_event_once_in_order_both_ways(client, seeded, params):
    expected = timeline_slugs(params)
    assert len(expected) > 2
    first = f"{EVENTS}?{urlencode({**params, 'page_size': 2})}"
    forward = every_page(client, first)
    assert [slug for page in forward for slug in page] == expected
    assert all(len(page) == 2 for page in forward[:-1])
    # From the last page back to the first: the same pages, in reverse.
    last = client.get(first)
    while last.json()["next"]:
        last = client.get(last.json()["next"])
    backward = every_page(
        client, last.request["PATH_INFO"] + "?" + last.request["QUERY_STRING"], direction="previous"
    )
    assert backward == forward[::-1]


def test_the_links_keep_the_other_parameters(client, seeded):
    page = get(client, EVENTS, {"country": "KR", "page_size": 2}).json()
    assert "country=KR" in page["next"] and "page_size=2" in page["next"]
    assert page["next"].startswith("http://testserver/api/v1/events/?")
    assert page["previous"] is None


def test_paging_stays_stable_when_events_are_added_and_removed_midway(client, event_factory):
    for day in range(1, 11):
        event_factory(slug=f"day-{day:02d}", start_date=D(2024, 1, day))
    expected = [f"day-{day:02d}" for day in range(10, 0, -1)]
    seen = []
    url = f"{EVENTS}?page_size=3"
    response = client.get(url)
    seen += slugs(response)
    # A newer event (it would have been on the first page) and one among those to come.
    event_factory(slug="newest", start_date=D(2024, 2, 1))
    event_factory(slug="day-05-bis", start_date=D(2024, 1, 5))
    url = response.json()["next"]
    while url:
        response = client.get(url)
        seen += slugs(response)
        url = response.json()["next"]
    assert "newest" not in seen  # it is before the cursor: no page shifts to repeat a row
    assert [slug for slug in seen if slug != "day-05-bis"] == expected
    assert seen.count("day-05-bis") == 1


def test_an_empty_page_past_the_end_still_leads_back(client, event_factory):
    for day in range(1, 4):
        event_factory(slug=f"day-{day}", start_date=D(2024, 1, day))
    page = client.get(f"{EVENTS}?page_size=2").json()
    Event.objects.filter(slug="day-1").delete()
    after = client.get(page["next"]).json()
    assert after["results"] == [] and after["next"] is None
    back = client.get(after["previous"]).json()
    assert [row["slug"] for row in back["results"]] == ["day-3", "day-2"]


def test_organizations_with_the_same_name_are_paged_without_loss(client, organization_factory):
    for i in range(7):
        organization_factory(name="Ministry of Everything", slug=f"moe-{i}")
    pages = every_page(client, "/api/v1/organizations/?page_size=3")
    assert [slug for page in pages for slug in page] == [f"moe-{i}" for i in range(7)]


def cursor(payload):
    text = json.dumps(payload)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


CHRONOLOGY = "-start_date,-last_day,-pk"


@pytest.mark.parametrize(
    "value",
    [
        cursor({"d": "next", "k": ["2024-01-01", "2024-01-01", 2**70], "o": CHRONOLOGY}),
        cursor({"d": "next", "k": ["2024-13-01", "2024-01-01", 1], "o": CHRONOLOGY}),
        cursor({"d": "next", "k": [20240101, "2024-01-01", 1], "o": CHRONOLOGY}),
        cursor({"d": "next", "k": ["2024-01-01", 1], "o": CHRONOLOGY}),
        cursor({"d": "next", "k": ["2024-01-01", "2024-01-01", True], "o": CHRONOLOGY}),
        cursor({"d": "up", "k": ["2024-01-01", "2024-01-01", 1], "o": CHRONOLOGY}),
        cursor({"d": "next", "k": ["2024-01-01", "2024-01-01", 1], "o": "start_date,last_day,pk"}),
        cursor({"d": "next", "k": ["a\x00", 1], "o": "name,pk"}),
        cursor(["next"]),
        base64.urlsafe_b64encode(b'{"d": "next", "k": [NaN], "o": "x"}').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "%00",
        "x" * 5000,
    ],
)
def test_a_tampered_cursor_is_a_400_not_a_500(client, seeded, value):
    response = client.get(f"{EVENTS}?cursor={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_a_cursor_of_another_order_is_refused(client, seeded):
    page = get(client, EVENTS, {"page_size": 2}).json()
    other = page["next"] + "&order=asc"
    response = client.get(other)
    assert response.status_code == 400
    assert "another order" in response.json()["cursor"][0]


def test_a_cursor_from_another_list_is_refused(client, seeded):
    page = get(client, EVENTS, {"page_size": 2}).json()
    token = page["next"].split("cursor=")[1].split("&")[0]
    response = client.get(f"/api/v1/organizations/?cursor={token}")
    assert response.status_code == 400


def test_no_list_counts_its_rows(client, seeded):
    for url in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{url}?page_size=2").status_code == 200
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_chronological_page_starts_with_one_row_value_comparison(client, seeded):
    page = get(client, EVENTS, {"page_size": 2}).json()
    with CaptureQueriesContext(connection) as queries:
        client.get(page["next"])
    main = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT 3" in q["sql"])
    assert (
        '("tracker_event"."start_date", "tracker_event"."last_day", "tracker_event"."id") <' in main
    )
    assert "OFFSET" not in main.upper()


# Query counts ------------------------------------------------------------------------------

# The data version (for the ETag), the page, and for events their six prefetched relations;
# a filter by slug reads its records once (to tell an unknown slug).
QUERIES = {
    "events": (EVENTS, 8),
    "events, filtered": (EVENTS + "?country=KR&type=summit&from=1996-01&person={person}", 10),
    "events, searched": (EVENTS + "?q=summary", 8),
    "event": (EVENTS + "bulk-event-3/", 8),
    "organizations": ("/api/v1/organizations/", 3),
    "people": ("/api/v1/people/", 3),
    "topics": ("/api/v1/topics/", 2),
}


@pytest.mark.parametrize("size", [5, 500])
@pytest.mark.parametrize("name", list(QUERIES))
def test_queries_per_request_do_not_grow_with_the_data(
    client, db, django_assert_num_queries, size, name
):
    events = build_timeline(size)
    person = events[3].participations.exclude(person=None).first().person
    template, budget = QUERIES[name]
    with django_assert_num_queries(budget):
        response = client.get(template.format(person=person.slug))
    assert response.status_code == 200
    assert response.json().get("results", [response.json()])


# Polling cheaply ------------------------------------------------------------------------------


def test_a_read_can_be_revalidated_with_its_etag(client, seeded, event_factory):
    first = client.get(f"{EVENTS}?country=GB")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(f"{EVENTS}?country=GB", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    # Another address or another Accept header is another representation.
    assert client.get(f"{EVENTS}?country=KR").headers["ETag"] != etag
    assert client.get(f"{EVENTS}?country=GB", headers={"Accept": "*/*"}).headers["ETag"] != etag
    # Any edit changes the data version, and so the ETag.
    event_factory(country="GB")
    changed = client.get(f"{EVENTS}?country=GB", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_a_record_is_revalidated_too(client, seeded):
    first = client.get("/api/v1/people/seth-center/")
    response = client.get(
        "/api/v1/people/seth-center/", headers={"If-None-Match": f"W/{first.headers['ETag']}"}
    )
    assert response.status_code == 304


def test_anonymous_clients_are_throttled_and_told_when_to_return(client, seeded, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    for _ in range(3):
        assert client.get("/api/v1/topics/").status_code == 200
    response = client.get("/api/v1/topics/")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Cache-Control" not in response.headers


def test_authenticated_staff_are_not_throttled(client, editor, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    token = Token.objects.create(user=editor)
    for _ in range(6):
        response = client.get("/api/v1/topics/", headers={"Authorization": f"Token {token.key}"})
        assert response.status_code == 200
