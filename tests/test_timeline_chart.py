"""The chart above the timeline's list: what it draws for a view, how it zooms, what a bad
value gets, and that it stays small at 100,000 events."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from tracker import chart as chart_module
from tracker import timeline_index
from tracker.models import Event, EventCountry, EventType

D = datetime.date


def chart_of(response):
    return response.context_data["chart"]


def figure(response):
    html = response.content.decode()
    found = re.search(r'<figure class="chart".*?</figure>', html, re.S)
    return found.group(0) if found else ""


def svg(response):
    return re.search(r"<svg class=\"chart-svg\".*?</svg>\s*</div>", figure(response), re.S).group(0)


def marks(chart):
    return {mark.url.split("/")[-2]: mark for lane in chart.lanes for mark in lane.marks}


def percent(text):
    return float(text.rstrip("%"))


def test_the_seoul_summit_is_a_two_day_bar_and_one_day_events_are_dots(client, seeded):
    response = client.get("/")
    chart = chart_of(response)
    assert chart.mode == "marks"
    assert chart.range_label == "April 2023 – May 2024"  # the events' months, rounded out
    drawn = marks(chart)
    assert len(drawn) == 8
    summit = drawn["ai-seoul-summit-2024"]
    assert summit.kind == "bar"
    assert summit.label == "AI Seoul Summit, 21–22 May 2024"
    # From the middle of 21 May to the middle of 22 May: one day of the 427 drawn.
    days = (D(2024, 5, 31) - D(2023, 4, 1)).days + 1
    assert percent(summit.x2) - percent(summit.x1) == pytest.approx(100 / days, abs=0.002)
    assert drawn["nget-dialogue-2023"].kind == "dot"
    assert drawn["state-visit-2023"].kind == "bar"  # 24–29 April 2023
    html = figure(response)
    assert "<title>AI Seoul Summit, 21–22 May 2024</title>" in html  # its name and tooltip
    assert 'class="mark mark-bar status-held" href="/events/ai-seoul-summit-2024/"' in html


def test_a_month_precision_event_is_a_band_over_its_month_with_no_day(
    client, seeded, event_factory
):
    event_factory(
        title="Talks in February", slug="talks-in-february", start_date=D(2024, 2, 1),
        start_precision="month", country="KR",
    )  # fmt: skip
    response = client.get("/?from=2024&to=2024")
    chart = chart_of(response)
    band = marks(chart)["talks-in-february"]
    assert band.kind == "band"
    assert band.label == "Talks in February, February 2024, day not known"
    # The whole of February 2024 (29 days) on an axis of the 366 days of 2024.
    assert percent(band.x1) == pytest.approx(31 / 366 * 100, abs=0.002)
    assert percent(band.width) == pytest.approx(29 / 366 * 100, abs=0.002)
    drawn = re.search(
        r'<a class="mark[^"]*" href="/events/talks-in-february/".*?</a>', svg(response), re.S
    )
    assert "mark-band" in drawn.group(0)
    assert "<line" not in drawn.group(0)  # no dot on any day
    assert "1 February 2024" not in figure(response)


def test_scheduled_events_are_hollow_and_cancelled_ones_struck_through(client, event_factory):
    next_year = datetime.date.today().year + 1
    event_factory(slug="coming", start_date=D(next_year, 3, 2), status="scheduled")
    event_factory(slug="called-off", start_date=D(next_year, 4, 2), status="cancelled")
    response = client.get(f"/?from={next_year}&to={next_year}")
    drawn = marks(chart_of(response))
    assert drawn["coming"].label.endswith("(scheduled)")
    assert drawn["called-off"].label.endswith("(cancelled)")
    html = svg(response)
    coming = re.search(r'<a class="mark[^"]*" href="/events/coming/".*?</a>', html, re.S).group(0)
    assert "status-scheduled" in coming and 'class="hole"' in coming
    cancelled = re.search(r'<a class="mark[^"]*" href="/events/called-off/".*?</a>', html, re.S)
    assert "status-cancelled" in cancelled.group(0) and 'class="strike"' in cancelled.group(0)


def test_lanes_by_country_are_labelled(client, seeded):
    response = client.get("/?lanes=country")
    chart = chart_of(response)
    labels = [(lane.label, lane.count) for lane in chart.lanes]
    assert labels == [("South Korea", 8), ("United Kingdom", 3), ("United States of America", 3)]
    html = svg(response)
    for label, count in labels:
        assert f">{label} · {count}</text>" in html
        assert f'role="group" aria-label="{label}"' in html
    # An event of two countries is in both lanes.
    summit_lanes = [
        lane.label for lane in chart.lanes for m in lane.marks if "seoul-summit-2024/" in m.url
    ]
    assert summit_lanes == ["South Korea", "United Kingdom"]


def test_applying_filters_keeps_the_lanes_chosen(client, seeded):
    form = client.get("/?lanes=type").content.decode().split('class="filter-form"')[1]
    form = form.split("</form>")[0]
    assert '<input type="hidden" name="lanes" value="type">' in form
    form = client.get("/").content.decode().split('class="filter-form"')[1].split("</form>")[0]
    assert 'name="lanes"' not in form  # no lanes asked for: none kept
    bad = client.get("/?lanes=%3Cb%3E").content.decode().split('class="filter-form"')[1]
    assert 'name="lanes"' not in bad.split("</form>")[0]  # a value not understood is not kept


def test_lanes_by_type_and_organization_name_their_records(client, seeded):
    lanes = [lane.label for lane in chart_of(client.get("/?lanes=type")).lanes]
    assert lanes[0] == "Summit" and "Dialogue" in lanes
    lanes = chart_of(client.get("/?lanes=organization")).lanes
    assert len(lanes) == chart_module.MAX_LANES + 1  # the six largest, and the others
    assert lanes[0].label == "Ministry of Science and ICT"
    assert [lane.count for lane in lanes[:-1]] == sorted([lane.count for lane in lanes[:-1]])[::-1]
    assert lanes[-1].label == "Other organizations or none"


def test_zoom_links_keep_the_other_filters(client, seeded):
    response = client.get("/?country=KR&type=summit&lanes=country&q=seoul&order=asc")
    chart = chart_of(response)
    kinds = [link.rel for link in chart.zoom]
    assert kinds == ["prev", "zoom-out", "zoom-in", "next"]
    for link in chart.zoom:
        query = parse_qs(urlsplit(link.url).query)
        assert query["country"] == ["KR"] and query["type"] == ["summit"]
        assert query["lanes"] == ["country"] and query["q"] == ["seoul"]
        assert query["order"] == ["asc"]
        assert set(query) >= {"from", "to"}
    response = client.get("/?country=KR&from=2024-05&to=2024-05")
    by_kind = {link.rel: link.url for link in chart_of(response).zoom}
    assert by_kind["prev"] == "?country=KR&from=2024-04&to=2024-04"
    assert by_kind["next"] == "?country=KR&from=2024-06&to=2024-06"
    assert by_kind["zoom-in"] == "?country=KR&from=2024-05-20&to=2024-05-26"  # its events' week
    assert by_kind["zoom-out"] == "?country=KR&from=2024-04&to=2024-06"  # a quarter
    assert by_kind["all"] == "?country=KR"
    # Zooming in from a decade down to a day, every step a link.
    url, seen = "/?from=2020&to=2029", []
    while url:
        chart = chart_of(client.get(url if url.startswith("/") else "/" + url))
        seen.append(chart.range_label)
        url = next((link.url for link in chart.zoom if link.rel == "zoom-in"), None)
        assert len(seen) < 15
    assert seen[0] == "2020–2029" and re.fullmatch(r"\d+ \w+ 20\d\d", seen[-1])


def test_wide_views_count_per_period_and_a_period_narrows_the_view(client, db, event_factory):
    for year in range(1986, 2016):
        for month in (1, 6):
            event_factory(start_date=D(year, month, 3), country="KR")
    response = client.get("/?country=KR")
    chart = chart_of(response)
    assert chart.mode == "counts"
    assert chart.unit_label == "year"
    assert chart.range_label == "1986–2015"
    cells = chart.lanes[0].cells
    assert len(cells) == 30 and all(cell.count == 2 for cell in cells)
    assert cells[0].url == "?country=KR&from=1986&to=1986"
    assert cells[0].label == "1986: 2 events"
    narrowed = chart_of(client.get("/" + cells[0].url))
    assert narrowed.mode == "marks" and narrowed.range_label == "1986"
    assert sum(len(lane.marks) for lane in narrowed.lanes) == 2


def test_bad_lanes_from_and_to_get_a_notice_never_an_error(client, seeded):
    for lanes in ["bogus", "<script>x</script>", "x" * 5000, "COUNTRY"]:
        response = client.get("/", {"lanes": lanes})
        assert response.status_code == 200
        chart = chart_of(response)
        assert "not understood" in chart.notice and not chart.labelled
        assert "<script>x" not in response.content.decode()
    assert client.get("/", {"lanes": "country\x00"})["Location"] == "/?lanes=country"
    response = client.get("/?lanes=country&lanes=type")
    assert "one kind of lanes at a time" in chart_of(response).notice
    for query in [
        "from=99999999999999999999", "to=abc", "from=2024-13", "from=2024&to=2023",
        "from=0999", "from=9999-12-31", "to=1000-01-01", "from=1000&to=9999", "from=x",
        "from=9999-12-31&lanes=type", "to=1000-01-01&lanes=country", "from=9999-12&to=9999-12",
        "from=1000-01-01&to=1000-01-01", "from=9999&to=9999&lanes=organization",
    ]:  # fmt: skip
        cache.clear()
        response = client.get("/?" + query)
        assert response.status_code == 200, query
        for link in chart_of(response).zoom if chart_of(response) else []:  # and their zooms
            assert client.get("/" + link.url).status_code == 200, (query, link.url)
    assert "not understood" in client.get("/?from=2024-13").content.decode()
    # A range far wider than the events is cut to them: no millennia of empty axis.
    assert chart_of(client.get("/?from=1000&to=9999")).range_label == "April 2023 – May 2024"


def test_today_is_drawn_only_within_or_next_to_the_view(client, event_factory):
    today = datetime.date.today()
    event_factory(title="Last year", start_date=today.replace(day=1) - datetime.timedelta(300))
    event_factory(title="Old", start_date=D(2015, 3, 3))
    near = client.get(f"/?from={today.year - 1}")  # runs to today
    assert chart_of(near).today_x and ">Today</text>" in figure(near)
    assert "today-marker" in near.content.decode()
    past = client.get("/?from=2015&to=2016")
    assert not chart_of(past).today_x
    assert (
        chart_of(past).today_note
        == f"Today, {today.day} {today:%B} {today.year}, is after this range."
    )
    assert "today-marker" not in past.content.decode()  # nor in the list
    future = client.get(f"/?from={today.year + 5}")
    assert "today-marker" not in future.content.decode()


def test_views_with_no_event_draw_no_chart(client, seeded):
    response = client.get("/?q=zeppelin")
    assert chart_of(response) is None
    assert 'class="chart"' not in response.content.decode()


def many_events(n, start=None):
    """``n`` published events over 30 years, in bulk, with their countries."""
    start = start or D(1996, 1, 1)
    kind = EventType.objects.create(slug="meeting", name="Meeting")
    codes = ["KR", "US", "GB", "JP", "FR", "DE", "CN", "IN", "SG"]
    events = []
    for i in range(n):
        day = start + datetime.timedelta(days=(i * 7919) % 10950)
        events.append(
            Event(
                title=f"Event {i}", slug=f"event-{i}", event_type=kind, start_date=day,
                start_precision="day", last_day=day + datetime.timedelta(days=i % 3),
                published=True, country=codes[i % 9],
            )
        )  # fmt: skip
    Event.objects.bulk_create(events, batch_size=5000)
    pks = Event.objects.values_list("pk", flat=True)
    links = [EventCountry(event_id=pk, country=codes[pk % 9]) for pk in pks]
    links += [EventCountry(event_id=pk, country="KR") for pk in pks if pk % 9]
    EventCountry.objects.bulk_create(links, batch_size=5000)
    timeline_index.INDEX.forget()


MAX_SVG_BYTES = 60_000


def test_at_100000_events_the_chart_draws_counts_and_stays_small(client, db):
    many_events(100_000)
    for query in ["/", "/?lanes=country", "/?lanes=type", "/?from=2010&to=2011&lanes=country",
                  "/?from=1000&to=9999", "/?from=2020-03&to=2020-04"]:  # fmt: skip
        response = client.get(query)
        chart = chart_of(response)
        assert chart.mode == "counts", query
        drawn = svg(response)
        assert len(drawn.encode()) < MAX_SVG_BYTES, (query, len(drawn))
        # Every matching event is counted once (a lane by country counts an event in each
        # of its countries: without lanes, the counts add up to the total).
        if "lanes" not in query:
            assert sum(c.count for c in chart.lanes[0].cells) == response.context_data["total"]
        assert len(figure(response).encode()) < 2 * MAX_SVG_BYTES


def test_zooming_in_lands_on_events_not_on_an_empty_middle(client, seeded):
    for query in ["?from=2024-05&to=2024-05", "?from=1990&to=2030",
                  "?country=KR&type=summit&from=2024&to=2024", ""]:  # fmt: skip
        zoom = {link.rel: link.url for link in chart_of(client.get("/" + query)).zoom}
        zoomed = client.get("/" + zoom["zoom-in"])
        assert zoomed.context_data["total"] > 0, (query, zoom["zoom-in"])


def test_long_lane_names_are_cut_to_fit_a_phone_and_chart_links_are_not_followed(
    client, seeded
):
    response = client.get("/?lanes=organization")
    lanes = {lane.label: lane.short_label for lane in chart_of(response).lanes}
    long_name = "Department for Science, Innovation and Technology"
    assert lanes[long_name] == "Department for Science, Innovat…"
    assert len(lanes[long_name]) <= chart_module.MAX_LABEL
    drawn = figure(response)
    assert f'aria-label="{long_name}"' in drawn  # whole for a screen reader
    # Crawlers are not sent walking through every zoom of every view.
    links = re.findall(r"<a [^>]*#chart[^>]*>", drawn)
    assert links and all('rel="nofollow"' in link for link in links)


def test_an_empty_range_still_draws_its_axis_and_says_how_to_find_events(client, seeded):
    drawn = figure(client.get("/?from=2031&to=2032"))
    assert "Move or zoom out to find events." in drawn
    assert "Choose an event" not in drawn and "The chart as a table" not in drawn
    assert 'data-zoom="zoom-out"' in drawn
