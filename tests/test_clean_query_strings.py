"""A submitted filter form leaves no empty parameter in the address: without JavaScript the
server redirects to the short address (with it, timeline.js leaves them out: see
test_timeline_list_browser.py)."""

import pytest

from tracker.querystrings import clean_pairs


def redirected(client, query):
    response = client.get("/?" + query)
    assert response.status_code == 302, response.status_code
    return response["Location"]


def test_a_plain_form_submission_is_redirected_to_the_filters_it_sets(client, seeded):
    query = "q=&from=&to=&country=US&type=&status=&organization=&person=&order=desc"
    assert redirected(client, query) == "/?country=US"


def test_repeated_keys_and_everything_else_keep_their_order(client, seeded):
    query = "country=US&q=&country=GB&type=summit&page=&country=KR&from=2024"
    assert redirected(client, query) == "/?country=US&country=GB&type=summit&country=KR&from=2024"


def test_a_form_with_nothing_set_is_the_bare_timeline(client, seeded):
    assert redirected(client, "q=&from=&to=&order=desc") == "/"
    assert redirected(client, "q=+&page=1") == "/"  # blanks and page 1 say nothing either


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("order=desc&country=KR", "/?country=KR"),  # newest first is the default...
        ("q=seoul&order=", "/?q=seoul"),  # ...and a search's default is relevance
        ("country=KR&page=1", "/?country=KR"),
        ("page=1&page=", "/"),
    ],
)
def test_default_values_are_dropped(client, seeded, query, clean):
    assert redirected(client, query) == clean


@pytest.mark.parametrize(
    "query",
    [
        "",
        "country=US",
        "country=US&country=GB&order=asc",
        "q=seoul&order=desc",  # with a search, newest first is a choice, not the default
        "q=seoul",
        "page=2",
        "from=2024&to=2024",
        "person=nobody",  # not understood, but not empty: reported on the page
    ],
)
def test_a_clean_address_is_answered_not_redirected(client, seeded, query):
    assert client.get("/?" + query).status_code == 200


def test_the_redirect_leads_to_a_page_not_to_another_redirect(client, seeded):
    response = client.get("/?q=&country=GB&type=summit&to=&order=desc", follow=True)
    assert response.redirect_chain == [("/?country=GB&type=summit", 302)]
    assert response.status_code == 200
    assert [event.slug for event in response.context_data["page_events"]] == [
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
    ]


def test_the_redirect_asks_nothing_of_the_database(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/?q=&country=GB").status_code == 302


def test_odd_values_are_kept_as_they_were_sent(client, seeded):
    # Markup, non-ASCII text: kept (and escaped in the address), then reported; a NUL byte
    # is taken out.
    location = redirected(client, "q=&person=%3Cb%3E&topic=a%00b&q=%ED%95%9C%EA%B5%AD")
    assert location == "/?person=%3Cb%3E&topic=ab&q=%ED%95%9C%EA%B5%AD"
    assert client.get(location).status_code == 200


def test_only_the_timeline_redirects(client, seeded):
    assert client.get("/people/?q=").status_code == 200
    assert client.get("/events.csv?q=&country=GB").status_code == 200


def test_clean_pairs_drop_what_says_nothing():
    pairs = [("q", ""), ("country", "US"), ("order", "desc"), ("country", "GB"), ("page", "1")]
    assert clean_pairs(pairs) == [("country", "US"), ("country", "GB")]
    assert clean_pairs([("q", "ai"), ("order", "desc")]) == [("q", "ai"), ("order", "desc")]
    assert clean_pairs([("q", " "), ("order", "desc")]) == []


def test_nul_characters_are_taken_out_of_the_address(client, seeded):
    # No field means a NUL, and HTML cannot hold one: it would be echoed in the form.
    response = client.get("/?q=Seoul%00Summit&from=%00")
    assert response.status_code == 302
    assert response["Location"] == "/?q=SeoulSummit"


def test_the_order_links_lead_to_clean_addresses(client, seeded):
    links = client.get("/?country=GB&order=asc").context_data["order_urls"]
    assert links["desc"] == "?country=GB"  # newest first is the default: no order=desc
    links = client.get("/?q=Seoul").context_data["order_urls"]
    assert links["desc"] == "?q=Seoul&order=desc"  # but not when a search orders by relevance


def test_country_codes_are_read_in_either_case(client, seeded):
    lower, upper = client.get("/?country=gb"), client.get("/?country=GB")
    assert lower.context_data["errors"] == {}
    assert lower.context_data["total"] == upper.context_data["total"] == 3
    assert [o.value for o in lower.context_data["facets"]["country"] if o.selected] == ["GB"]
    assert client.get("/api/v1/events/?country=gb").json()["results"]
