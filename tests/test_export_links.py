"""Links from the pages to the data formats: the timeline's view, an event's calendar entry."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

D = datetime.date
LABELS = {
    "Download CSV": "/events.csv",
    "JSON": "/api/v1/events/",
    "Subscribe in a calendar": "/events.ics",
    "Atom feed": "/events.atom",
}


def format_links(page):
    """``{label: href}`` of the timeline's "this view as data" links."""
    nav = re.search(r'<nav class="format-links".*?</nav>', page, re.S).group(0)
    found = re.findall(r'<a href="([^"]*)" type="[^"]+">([^<]+)</a>', nav)
    return {label: unescape(href) for href, label in found}


def params(url):
    return sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def test_the_timeline_links_each_format_of_its_view_without_the_page(client, seeded):
    # (An empty "type=" or "page=1" is redirected away before: see test_clean_query_strings.)
    page = client.get("/?country=GB&page=2&order=asc&from=2024").content.decode()
    links = format_links(page)
    assert set(links) == set(LABELS)
    for label, path in LABELS.items():
        assert urlsplit(links[label]).path == path
        assert params(links[label]) == [("country", "GB"), ("from", "2024"), ("order", "asc")]


def test_an_unfiltered_timeline_links_the_whole_files(client, seeded):
    links = format_links(client.get("/").content.decode())
    assert links == LABELS


def test_the_links_leave_out_what_the_page_did_not_understand(client, seeded):
    page = client.get("/?country=XX&person=seth-center&colour=red").content.decode()
    links = format_links(page)
    assert params(links["Download CSV"]) == [("person", "seth-center")]


def test_the_links_give_the_events_the_page_shows(client, seeded):
    page = client.get("/?country=GB&country=KR&q=summit&page=2").content.decode()
    shown = client.get("/?country=GB&country=KR&q=summit").context_data["page_events"]
    links = format_links(page)
    assert params(links["Download CSV"]) == [("country", "GB"), ("country", "KR"), ("q", "summit")]
    for label in ("Download CSV", "Subscribe in a calendar", "Atom feed"):
        response = client.get(links[label])
        assert response.status_code == 200, label
    rows = b"".join(client.get(links["Download CSV"]).streaming_content).decode()
    assert [line.split(",")[0] for line in rows.splitlines()[1:]] == [e.slug for e in shown]


def test_the_timeline_head_announces_the_views_feed(client, seeded):
    page = client.get("/?person=seth-center").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Latest changes to this view '
        '(Atom)" href="/events.atom?person=seth-center">'
    ) in page


def test_an_event_page_offers_its_calendar_entry(client, seeded):
    page = client.get("/events/ai-seoul-summit-2024/").content.decode()
    assert '<a href="/events/ai-seoul-summit-2024.ics" type="text/calendar" download>' in page
    assert "Add to calendar" in page


@pytest.mark.parametrize(
    ("start", "precision", "offered"),
    [(D(2023, 12, 1), "month", True), (D(2023, 1, 1), "year", False)],
)
def test_an_event_known_only_to_the_year_offers_no_calendar_entry(
    client, event_factory, start, precision, offered
):
    event_factory(slug="vague", start_date=start, start_precision=precision)
    page = client.get("/events/vague/").content.decode()
    assert ("Add to calendar" in page) is offered
    assert ("/events/vague.ics" in page) is offered
