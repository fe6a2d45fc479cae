"""The timeline page as a reader sees it."""

import datetime
import re

import pytest

from tests import factories
from tracker.dates import PartialDate

D = datetime.date


def the_list(response):
    """The page without its chart (which names events too): the list, and what follows."""
    page = response.content.decode()
    return page[page.index("</figure>") :] if 'id="chart"' in page else page


def titles(response):
    return [event.title for event in response.context_data["page_events"]]


def test_timeline_groups_events_by_year_and_month_with_precise_dates(client, seeded):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    years = [group.year for group in response.context_data["groups"]]
    assert years == [2024, 2023]
    months = [month.label for month in response.context_data["groups"][0].months]
    assert months == ["May 2024", "April 2024"]
    assert "21–22 May 2024" in page
    assert "24–29 April 2023" in page
    assert "8</strong> events" in page


def test_a_row_shows_type_place_participants_topics_and_sources(client, seeded):
    page = client.get("/?person=seth-center").content.decode()
    assert "Working group meeting" in page
    assert "Virtual" in page
    assert "Korea–U.S. AI Working Group" in page
    assert "and 4 more" in page  # seven participants, three shown
    assert "3 sources" in page
    assert "Global AI governance" in page


def test_month_precision_events_never_show_a_day(client, event_factory, citation_factory):
    event_factory(title="Last December", start_date=D(2023, 12, 1), start_precision="month")
    page = client.get("/").content.decode()
    assert "December 2023" in page
    assert "1 December 2023" not in page


def test_scheduled_future_events_read_as_upcoming_and_today_is_marked(client, event_factory):
    next_year = D.today().year + 1
    event_factory(title="Future summit", start_date=D(next_year, 5, 1), status="scheduled")
    event_factory(title="Past meeting", start_date=D(2020, 1, 1))
    event_factory(title="Called off", start_date=D(2021, 1, 1), status="cancelled")
    response = client.get("/")
    page = response.content.decode()
    assert "Upcoming" in page
    assert "Cancelled" in page
    # The marker sits between the future event and the past ones, in either order.
    page = the_list(response)
    assert page.index("Future summit") < page.index("today-marker") < page.index("Past meeting")
    page = the_list(client.get("/?order=asc"))
    assert page.index("Past meeting") < page.index("today-marker") < page.index("Future summit")


def test_today_marker_tops_the_first_page_when_nothing_is_upcoming(client, event_factory):
    event_factory(title="Old meeting", start_date=D(2020, 1, 1))
    event_factory(title="Past meeting", start_date=D.today() - datetime.timedelta(days=10))
    for query in ["/", "/?page=abc"]:
        page = the_list(client.get(query))
        assert page.index("today-marker") < page.index("Past meeting")


def test_no_today_marker_under_a_view_whose_events_ended_years_ago(client, event_factory):
    """With no dates chosen, the view's range is its events': the seed's April 2023 to May
    2024 ends years before today, so "Today" is neither in the chart nor in the list."""
    event_factory(title="Past meeting", start_date=D(2020, 5, 1))
    event_factory(title="Earlier meeting", start_date=D(2019, 5, 1))
    response = client.get("/")
    assert "today-marker" not in response.content.decode()
    assert response.context_data["chart"].today_note.endswith("is after this range.")


def test_facet_counts_follow_the_other_filters(client, seeded):
    facets = client.get("/?country=GB").context_data["facets"]
    countries = {o.value: (o.count, o.selected) for o in facets["country"]}
    # The country facet ignores its own filter, so other countries still offer their counts.
    assert countries["GB"] == (3, True)
    assert countries["KR"] == (8, False)
    types = {o.value: o.count for o in facets["type"]}
    assert types == {"summit": 2, "ministerial-meeting": 1}
    people = {o.value: o.count for o in facets["person"]}
    assert people["rishi-sunak"] == 2
    assert "seth-center" not in people


@pytest.mark.parametrize("query", ["", "?status=held"])
def test_facet_counts_leave_out_drafts(client, event_factory, participation_factory, query):
    """Unfiltered counts are taken as all links less the drafts' links: check both paths."""
    published = event_factory(country="KR")
    draft = event_factory(country="KR", published=False)
    ministry = factories.OrganizationFactory(slug="ministry", country="JP")
    for event in (published, draft):
        participation_factory(event=event, organization=ministry)
        event.topics.add(factories.TopicFactory(slug="safety"))
    facets = client.get("/" + query).context_data["facets"]
    assert {o.value: o.count for o in facets["country"]} == {"KR": 1, "JP": 1}
    assert {o.value: o.count for o in facets["organization"]} == {"ministry": 1}
    assert {o.value: o.count for o in facets["topic"]} == {"safety": 1}


def test_active_filters_are_removable_chips(client, seeded):
    response = client.get("/?country=GB&country=US&type=summit&q=seoul")
    chips = {chip.label: chip.remove_url for chip in response.context_data["chips"]}
    assert chips["Country: United Kingdom"] == "?country=US&type=summit&q=seoul"
    assert chips["Type: Summit"] == "?country=GB&country=US&q=seoul"
    assert chips["Search: “seoul”"] == "?country=GB&country=US&type=summit"
    assert "Clear all" in response.content.decode()


def test_search_results_are_highlighted_and_escaped(client, seeded):
    page = client.get("/?q=Sullivan").content.decode()
    assert "<mark>Sullivan</mark>" in page
    page = client.get("/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pagination_keeps_every_filter(client, db):
    for n in range(55):
        factories.EventFactory(
            title=f"Event {n:02d}", start_date=D(2020, 1, 1) + datetime.timedelta(n), country="KR"
        )
    response = client.get("/?country=KR&order=asc")
    assert len(titles(response)) == 50
    assert titles(response)[0] == "Event 00"
    page = response.content.decode()
    next_link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert next_link == "?country=KR&order=asc&page=2"
    response = client.get("/" + next_link)
    assert titles(response) == [f"Event {n}" for n in range(50, 55)]


@pytest.mark.parametrize(
    ("page", "shown", "notice"),
    [
        ("abc", 1, "is not a page number"),
        ("0", 1, "is not a page number"),
        ("-3", 1, "is not a page number"),
        ("99", 1, "There is no page 99"),
        ("9" * 400, 1, "There is no page 99999999999999999999…; the last page is 1"),
    ],
)
def test_bad_page_numbers_are_reported_not_500(client, seeded, page, shown, notice):
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert response.context_data["page_obj"].number == shown
    assert notice in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "from=2023-02-30",
        "to=%00",
        "country=XX&country=KR",
        "type=%3Cb%3E",
        "organization=" + "a" * 5000,
        "person=%E2%80%AE",
        "q=" + "ab " * 4000,
        "q=%22unclosed",
        "q=-",
        "q=or",
        "q=%27%3B+DROP+TABLE+tracker_event%3B--",
        "order=",
        "page=1e9",
        "country=" + "&country=".join(["KR"] * 50),
    ],
)
def test_bad_input_never_gives_a_500(client, seeded, query):
    # An empty value ("order=") is first redirected to the address without it.
    response = client.get("/?" + query, follow=True)
    assert response.status_code == 200


def test_unknown_filter_value_is_named_and_the_rest_applies(client, seeded):
    response = client.get("/?country=GB&person=nobody")
    page = response.content.decode()
    assert "No person is named “nobody” or has that key." in page  # see test_typed_names
    assert response.context_data["total"] == 3


def test_filtered_views_are_shareable_urls(client, seeded):
    response = client.get("/?from=2024&to=2024&country=KR&type=summit")
    assert [e.slug for e in response.context_data["page_events"]] == [
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
    ]


def test_today_marker_stands_above_the_month_heading_not_under_it(client, event_factory):
    today = D.today()
    before, after = today - datetime.timedelta(days=40), today + datetime.timedelta(days=40)
    event_factory(title="Past meeting", start_date=before)
    event_factory(title="Future summit", start_date=after, status="scheduled")
    past_month = str(PartialDate.of(before, "month"))
    next_month = str(PartialDate.of(after, "month"))
    # Not "<past month> — Today — Past meeting": today is not in that month.
    page = the_list(client.get("/"))
    assert (
        page.index("Future summit") < page.index("today-marker")
        < page.index(past_month) < page.index("Past meeting")
    )  # fmt: skip
    page = the_list(client.get("/?order=asc"))
    assert (
        page.index("Past meeting") < page.index("today-marker")
        < page.index(next_month) < page.index("Future summit")
    )  # fmt: skip


def test_today_marker_follows_the_last_event_when_every_event_is_past(client, event_factory):
    event_factory(title="Old meeting", start_date=D(2020, 1, 1))
    event_factory(title="Past meeting", start_date=D.today() - datetime.timedelta(days=10))
    page = the_list(client.get("/?order=asc"))  # oldest first: today comes after them all
    assert page.index("Old meeting") < page.index("Past meeting") < page.index("today-marker")
    event_factory(title="Next summit", start_date=D.today() + datetime.timedelta(days=10))
    page = the_list(client.get("/"))  # newest first, nothing past on the page: before them
    assert page.index("Next summit") < page.index("today-marker") < page.index("Past meeting")
