"""The timeline's numbered pages: "51–100 of 129", the first and last pages, a window around
the current one with ellipses, and links that keep every other filter."""

import re

import pytest
from django.core.paginator import Paginator

from tests.factories import build_timeline
from tracker.paging import paging
from tracker.views.timeline import CountedPaginator, TimelineView


def nav(response):
    page = response.content.decode()
    found = re.search(r'<nav class="pagination".*?</nav>', page, re.S)
    return found.group(0) if found else ""


def page_range(response):
    return re.search(r'<p class="page-range">(.*?)</p>', nav(response)).group(1)


def links(response):
    """``[(text, href, current)]`` of the page links, the ellipses as ``("…", None, False)``."""
    found = []
    for item in re.findall(r"<li[^>]*>.*?</li>", nav(response), re.S):
        link = re.search(r'href="([^"]*)"', item)
        text = re.sub(r"<[^>]+>", "", item).strip()
        text = text.replace(" page", "").strip()
        found.append(
            (text, link.group(1).replace("&amp;", "&") if link else None, "aria-current" in item)
        )
    return found


@pytest.fixture
def generated(db):
    """129 generated events, in several countries."""
    return build_timeline(129)


def test_the_first_page_reads_1_50_of_129(client, generated):
    response = client.get("/")
    assert page_range(response) == "1–50 of 129"
    assert links(response) == [
        ("1", "/", True),
        ("2", "?page=2", False),
        ("3", "?page=3", False),
        ("Next →", "?page=2", False),
    ]
    assert 'rel="next"' in nav(response) and 'rel="prev"' not in nav(response)


def titles(response):
    return [event.title for event in response.context_data["page_events"]]


def test_page_2_reads_51_100_of_129_and_its_first_page_has_no_page_number(
    client, generated, monkeypatch
):
    response = client.get("/?page=2")
    assert page_range(response) == "51–100 of 129"
    shown = titles(response)
    monkeypatch.setattr(TimelineView, "paginate_by", 200)
    assert shown == titles(client.get("/"))[50:100]
    assert links(response) == [
        ("← Previous", "/", False),
        ("1", "/", False),
        ("2", "?page=2", True),
        ("3", "?page=3", False),
        ("Next →", "?page=3", False),
    ]


def test_the_last_page_reads_101_129_of_129(client, generated):
    response = client.get("/?page=3")
    assert page_range(response) == "101–129 of 129"
    assert len(response.context_data["page_events"]) == 29
    assert links(response)[-1] == ("3", "?page=3", True)
    assert 'rel="next"' not in nav(response)


def test_every_page_link_keeps_the_other_filters(client, generated, monkeypatch):
    monkeypatch.setattr(TimelineView, "paginate_by", 5)
    response = client.get("/?country=KR&order=asc&type=summit&page=3")
    total = response.context_data["total"]
    assert 20 < total < 129
    assert page_range(response) == f"11–15 of {total}"
    for text, href, _ in links(response):
        if href is not None:
            assert href.startswith("?country=KR&order=asc&type=summit"), (text, href)
    assert ("1", "?country=KR&order=asc&type=summit", False) in links(response)
    assert ("4", "?country=KR&order=asc&type=summit&page=4", False) in links(response)


def test_a_window_around_the_current_page_with_ellipses(client, generated, monkeypatch):
    monkeypatch.setattr(TimelineView, "paginate_by", 5)  # 26 pages
    response = client.get("/?page=10")
    assert page_range(response) == "46–50 of 129"
    shown = [text for text, _, _ in links(response)]
    assert shown == ["← Previous", "1", "…", "8", "9", "10", "11", "12", "…", "26", "Next →"]
    assert [text for text, _, current in links(response) if current] == ["10"]
    near_the_end = [text for text, _, _ in links(client.get("/?page=25"))]
    assert near_the_end == ["← Previous", "1", "…", "23", "24", "25", "26", "Next →"]


def test_the_current_page_is_marked_for_assistive_technology(client, generated):
    page = nav(client.get("/?page=2"))
    assert 'aria-current="page"' in page
    assert page.count("aria-current") == 1
    assert 'aria-label="Pages"' in page


@pytest.mark.parametrize(
    ("page", "notice"),
    [
        ("9" * 30, "There is no page 99999999999999999999…; the last page is 3"),
        ("4", "There is no page 4; the last page is 3"),
        ("x4", "is not a page number"),
    ],
)
def test_bad_and_huge_page_numbers_keep_their_notice(client, generated, page, notice):
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert notice in response.content.decode()
    assert page_range(response) in {"1–50 of 129", "101–129 of 129"}


def test_a_single_page_has_no_page_links(client, seeded):
    assert nav(client.get("/")) == ""


def test_the_links_are_bounded_work_at_a_million_events(rf):
    """Twenty thousand pages still give at most a first, a last and five around."""
    paginator = CountedPaginator(range(0), 50, count=1_000_000)
    request = rf.get("/", {"country": "KR", "page": "10000"})
    paged = paging(request, paginator.page(10_000))
    assert (paged.first, paged.last, paged.count) == ("499,951", "500,000", "1,000,000")
    assert [link.number for link in paged.links] == [
        1, None, 9998, 9999, 10000, 10001, 10002, None, 20000,
    ]
    assert paged.links[-1].url == "?country=KR&page=20000"


def test_other_lists_share_the_page_links(rf):
    paginator = Paginator(list(range(450)), 200)
    paged = paging(rf.get("/people/", {"q": "kim"}), paginator.page(3))
    assert (paged.first, paged.last, paged.count) == ("401", "450", "450")
    assert paged.previous_url == "?q=kim&page=2" and paged.next_url == ""
