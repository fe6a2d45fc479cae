"""Bad input on every data URL (the exports, the API, the admin's import): a clear 4xx, never
a 500, on SQLite and on PostgreSQL (which refuses NUL bytes even inside a query)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

URLS = [
    "/events.csv",
    "/events.ics",
    "/events.atom",
    "/api/v1/events/",
    "/api/v1/organizations/",
    "/api/v1/people/",
    "/api/v1/topics/",
    "/api/v1/event-types/",
]
BAD = [
    {"q": "a\x00b"},
    {"q": "-" * 300},
    {"q": '"' * 50 + "or " * 50},
    {"country": "K\x00"},
    {"organization": "x\x00"},
    {"person": "9" * 40},
    {"from": "99999999999999999999"},
    {"to": "2024-02-30"},
    {"page_size": "99999999999999999999"},
    {"cursor": "\x00" * 10},
    {"x\x00": "1"},
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("params", BAD, ids=lambda p: repr(p)[:30])
def test_bad_parameters_on_data_urls_are_a_4xx(client, seeded, url, params):
    if "q" in params and "\x00" not in params["q"] and "events" not in url:
        pytest.skip("a name search of punctuation is a search that finds nothing")
    response = client.get(url, params)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path", ["/events/a%00b.ics", "/api/v1/events/a%00b/", "/api/v1/people/" + "x" * 5000 + "/"]
)
def test_bad_record_addresses_are_a_404(client, seeded, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "name, content",
    [
        ("a\x00b.csv", b"slug,title\nx,y\n"),
        ("e.json", b'[{"slug": "x\\u0000", "title": "t\\u0000", "topics": ["\\u0000"]}]'),
        ("e.csv", b"slug,organizations\nnget-dialogue-2023,a\x00b\n"),
    ],
)
def test_bad_files_on_the_admin_import_are_reported(editor_client, seeded, name, content):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    response = editor_client.post("/admin/tracker/event/import/", {"file": upload})
    assert response.status_code == 200
    assert "Confirm the import" not in response.content.decode()


# Found by the fuzzer (tests/test_fuzz.py) --------------------------------------------------


@pytest.mark.parametrize("search", ["-" * 33, "- " * 40, "-" * 10_000, "a " + "-b " * 100])
def test_does_a_search_of_many_hyphens_answer_without_a_500(client, seeded, search):
    """PostgreSQL's websearch_to_tsquery nests a NOT per hyphen and failed with "tsquery
    stack too small" from 33 of them (search.tidy)."""
    for url in ["/", "/events.csv", "/api/v1/events/"]:
        assert client.get(url, {"q": search}).status_code in (200, 400)


@pytest.mark.parametrize(
    "query",
    [
        "country=%00",
        "status__exact=%00",
        "published__exact=%00",
        "event_type__id__exact=%00",
        "start_precision__exact=%00",
        "topics__id__exact=1%00",
        "organization=a%00",
        "person=%00",
        "q=a%00b",
        "start_date__year=2024%00",
        "o=1%00",
        "p=%00",
        "%00=1",
    ],
)
def test_is_a_nul_in_the_admin_event_lists_query_a_400(editor_client, seeded, query):
    """PostgreSQL refuses a NUL in any query: the list's filters and search were 500s."""
    response = editor_client.get("/admin/tracker/event/", QUERY_STRING=query)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/admin/tracker/event/a%00/history/", "/admin/tracker/event/1%00/change/"]
)
def test_is_a_nul_in_an_admin_records_address_a_400(editor_client, seeded, path):
    assert editor_client.get(path).status_code == 400


def test_is_a_nul_in_the_admin_autocomplete_a_400(editor_client, seeded):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "tracker", "model_name": "event", "field_name": "parent", "term": "a\x00"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "start_date__year=9999999999999999999999",
        "start_date__year=2024&start_date__month=99999999999999999999",
        "event_type__id__exact=99999999999999999999",
        "topics__id__exact=-99999999999999999999",
        "p=99999999999999999999",
    ],
)
def test_are_numbers_out_of_range_in_the_admin_event_list_not_a_500(editor_client, seeded, query):
    response = editor_client.get("/admin/tracker/event/", QUERY_STRING=query)
    assert response.status_code in (200, 302, 400)


def test_does_a_pasted_page_in_the_admin_search_answer_with_a_notice(editor_client, seeded):
    """A search of thousands of words was thousands of column tests and full-text subqueries:
    over 40 seconds, then "Expression tree is too large" on SQLite. The first 32 words are
    looked for, and the list says so."""
    response = editor_client.get("/admin/tracker/event/", {"q": "seoul " * 2000}, follow=True)
    assert response.status_code == 200
    assert "Only the first 32 words" in response.content.decode()
    assert "AI Seoul Summit" in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/tracker/event/", "/admin/tracker/organization/"])
def test_does_a_100_kb_word_in_the_admin_search_answer_without_a_500(editor_client, seeded, url):
    """SQLite refuses a LIKE pattern over 50,000 bytes ("pattern too complex")."""
    assert editor_client.get(url, {"q": "x" * 100_000}).status_code == 200


def test_does_a_short_admin_search_say_nothing_of_cutting(editor_client, seeded):
    response = editor_client.get("/admin/tracker/event/", {"q": "seoul summit"})
    assert "Only the first" not in response.content.decode()
