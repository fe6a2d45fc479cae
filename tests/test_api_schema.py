"""The OpenAPI document: valid, complete, and true of what the API really answers."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from jsonschema import Draft202012Validator

EVENT_PARAMETERS = [
    "q",
    "from",
    "to",
    "country",
    "type",
    "status",
    "organization",
    "person",
    "topic",
    "order",
    "cursor",
    "page_size",
]


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def response_schema(schema, path, method, status):
    """The JSON Schema of one response, with the components it refers to alongside."""
    operation = schema["paths"][path][method]
    body = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    return {**body, "components": schema["components"]}


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def assert_matches(schema, path, method, status, body):
    """The body validates, and has exactly the properties its schema declares (no key in the
    data function that the serializer does not declare, nor the other way round)."""
    root = response_schema(schema, path, method, status)
    Draft202012Validator(root).validate(body)
    Draft202012Validator.check_schema(root)
    declared = resolve(schema, root)
    if "results" in declared.get("properties", {}):
        declared = resolve(schema, declared["properties"]["results"]["items"])
        rows = body["results"]
    else:
        rows = [body]
    assert rows
    for row in rows:
        assert set(row) == set(declared["properties"])


def test_the_schema_validates_without_a_warning(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    document = yaml.safe_load(target.read_text())
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/events/{slug}/" in document["paths"]


def test_the_schema_is_served_as_yaml_and_as_json(client, schema):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["info"]["title"] == schema["info"]["title"]
    assert schema["openapi"] == "3.1.0"


def test_every_event_filter_is_documented_with_a_type_and_what_it_means(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert set(EVENT_PARAMETERS) <= set(parameters)
    for name in EVENT_PARAMETERS:
        assert parameters[name]["schema"]["type"] in ("string", "integer", "array"), name
        assert len(parameters[name]["description"]) > 10, name
    assert parameters["country"]["schema"]["type"] == "array"
    assert parameters["order"]["schema"]["enum"] == ["desc", "asc"]
    organizations = schema["paths"]["/api/v1/organizations/"]["get"]["parameters"]
    assert {"q", "country", "kind", "cursor", "page_size"} <= {p["name"] for p in organizations}


def test_writes_are_documented_with_their_request_bodies(schema):
    events = schema["paths"]["/api/v1/events/"]["post"]
    assert events["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EventRequest"
    }
    request = schema["components"]["schemas"]["EventRequest"]
    assert {"slug", "title", "type", "start"} <= set(request["required"])
    assert not {"url", "date_display", "place", "updated_at"} & set(request["properties"])
    assert "roles" not in schema["components"]["schemas"]["OrganizationRequest"]["properties"]


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/api/v1/events/", "/api/v1/events/"),
        ("/api/v1/events/", "/api/v1/events/?q=summit&page_size=2"),
        ("/api/v1/events/{slug}/", "/api/v1/events/ai-seoul-summit-2024/"),
        ("/api/v1/events/{slug}/", "/api/v1/events/ai-seoul-summit-2024-leaders-session/"),
        ("/api/v1/organizations/", "/api/v1/organizations/"),
        ("/api/v1/organizations/{slug}/", "/api/v1/organizations/the-white-house/"),
        ("/api/v1/people/", "/api/v1/people/"),
        ("/api/v1/people/{slug}/", "/api/v1/people/rishi-sunak/"),
        ("/api/v1/topics/", "/api/v1/topics/"),
        ("/api/v1/topics/{slug}/", "/api/v1/topics/ai-safety/"),
        ("/api/v1/event-types/", "/api/v1/event-types/"),
        ("/api/v1/event-types/{slug}/", "/api/v1/event-types/summit/"),
    ],
)
def test_real_responses_match_the_schema(client, seeded, schema, path, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_matches(schema, path, "get", 200, response.json())


def test_a_month_precision_event_matches_the_schema(client, schema, event_factory):
    import datetime

    event_factory(slug="december", start_date=datetime.date(2023, 12, 1), start_precision="month")
    body = client.get("/api/v1/events/december/").json()
    assert body["start"] == "2023-12"
    assert_matches(schema, "/api/v1/events/{slug}/", "get", 200, body)


def test_a_400_matches_the_documented_error_body(client, seeded, schema):
    response = client.get("/api/v1/events/?contry=GB&country=XX")
    assert response.status_code == 400
    root = response_schema(schema, "/api/v1/events/", "get", 400)
    Draft202012Validator(root).validate(response.json())


def test_the_schema_would_catch_a_wrong_response(client, seeded, schema):
    body = client.get("/api/v1/events/ai-seoul-summit-2024/").json()
    root = response_schema(schema, "/api/v1/events/{slug}/", "get", 200)
    for wrong in ({"start": "2024-05-21T00:00"}, {"countries": "KR"}, {"published": "yes"}):
        assert not Draft202012Validator(root).is_valid({**body, **wrong})


def test_the_docs_page_uses_no_asset_from_another_site(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger" in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    static = [asset for asset in assets if asset.startswith("/static/")]
    assert any(asset.endswith(".js") for asset in static)
    for asset in static:
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset
