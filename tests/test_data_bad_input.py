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
