"""How a search reads back to the reader: as typed, in quotes once."""

import re

import pytest

from tracker.search import quoted


@pytest.mark.parametrize(
    ("typed", "chip"),
    [
        ("seoul", "Search: “seoul”"),
        ("AI Seoul", "Search: “AI Seoul”"),
        ('"AI Seoul"', 'Search: "AI Seoul"'),  # not “"AI Seoul"”
        ('"AI Seoul" -Korea', 'Search: "AI Seoul" -Korea'),
        ("“AI Seoul”", "Search: “AI Seoul”"),
    ],
)
def test_the_search_chip_shows_the_search_as_typed_quoted_once(client, seeded, typed, chip):
    response = client.get("/", {"q": typed})
    labels = [c.label for c in response.context_data["chips"]]
    assert labels[0] == chip
    page = response.content.decode()
    assert "“&#34;" not in page and "“\"" not in page


def test_the_page_title_quotes_the_search_once(client, seeded):
    page = client.get("/", {"q": '"AI Seoul"'}).content.decode()
    assert re.search(r"<title>(.*?)</title>", page).group(1) == (
        "&#34;AI Seoul&#34; · Timeline · AI Policy Tracker"
    )
    page = client.get("/", {"q": "summit " * 20}).content.decode()
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title.startswith("“summit summit") and "…” · Timeline" in title


def test_the_feed_names_the_search_once_quoted_and_without_control_characters(client, seeded):
    response = client.get("/events.atom", {"q": '"AI Seoul"'})
    assert response.status_code == 200
    assert 'matching "AI Seoul"' in response.content.decode()
    # A control character in a search matching events was a 500 on PostgreSQL (XML 1.0).
    response = client.get("/events.atom", QUERY_STRING="q=Seoul%04%1D")
    assert response.status_code == 200
    assert "matching “Seoul”" in response.content.decode()


def test_quoted():
    assert quoted("ai") == "“ai”"
    assert quoted('ai "safety"') == 'ai "safety"'
