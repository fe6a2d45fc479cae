"""Writes through the API: who may, how they are validated, and that each is in the history."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token
from reversion.models import Version

from tracker.models import Event, EventType, Organization, Person, Topic

D = datetime.date
ORGS = "/api/v1/organizations/"
EVENTS = "/api/v1/events/"


class Api:
    """A client that sends JSON, with a token when it has one."""

    def __init__(self, client, token=None):
        self.client = client
        self.headers = {"Authorization": f"Token {token.key}"} if token else {}

    def __getattr__(self, method):
        def call(url, data=None, **kwargs):
            send = getattr(self.client, method)
            if data is not None:
                kwargs.update(data=data, content_type="application/json")
            return send(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

        return call


@pytest.fixture
def api(client, editor):
    """The editor (a superuser) by token."""
    return Api(client, Token.objects.create(user=editor))


@pytest.fixture
def make_user(db, django_user_model):
    def make(name, *, staff=False, perms=()):
        user = django_user_model.objects.create_user(name, password="pw-" + name, is_staff=staff)
        for codename in perms:
            user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    return make


def token_api(client, user):
    return Api(client, Token.objects.create(user=user))


NEW_ORG = {"slug": "ai-office", "name": "AI Office", "kind": "agency", "country": "FR"}


# Who may write -----------------------------------------------------------------------------


def test_anonymous_writes_are_401_with_a_challenge(client, organization_factory):
    org = organization_factory(slug="moe")
    api = Api(client)
    for response in (
        api.post(ORGS, NEW_ORG),
        api.patch(f"{ORGS}moe/", {"name": "x"}),
        api.delete(f"{ORGS}moe/"),
        api.post(EVENTS, {"slug": "x"}),
    ):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Token"
    org.refresh_from_db()
    assert org.name != "x"


def test_a_logged_in_reader_who_is_not_staff_gets_403(client, make_user, organization_factory):
    organization_factory(slug="moe")
    reader = make_user("reader", perms=["change_organization", "add_organization"])
    client.force_login(reader)
    assert Api(client).post(ORGS, NEW_ORG).status_code == 403
    assert token_api(Client(), reader).patch(f"{ORGS}moe/", {"name": "x"}).status_code == 403


def test_staff_without_the_permission_get_403(client, make_user, organization_factory):
    organization_factory(slug="moe")
    api = token_api(client, make_user("intern", staff=True))
    assert api.post(ORGS, NEW_ORG).status_code == 403
    assert api.patch(f"{ORGS}moe/", {"name": "x"}).status_code == 403
    assert api.delete(f"{ORGS}moe/").status_code == 403
    assert Organization.objects.get(slug="moe").name != "x"


def test_staff_who_may_change_organizations_may_not_add_or_delete_them(
    client, make_user, organization_factory
):
    organization_factory(slug="moe")
    api = token_api(client, make_user("clerk", staff=True, perms=["change_organization"]))
    response = api.patch(f"{ORGS}moe/", {"name": "Ministry of Everything"})
    assert response.status_code == 200
    assert response.json()["name"] == "Ministry of Everything"
    assert api.post(ORGS, NEW_ORG).status_code == 403
    assert api.delete(f"{ORGS}moe/").status_code == 403
    assert api.patch(f"{EVENTS}x/", {"title": "x"}).status_code == 403
    assert Organization.objects.filter(slug="moe").exists()


@pytest.mark.parametrize(
    ("url", "record", "change", "model"),
    [
        (ORGS, NEW_ORG, {"acronym": "AIO"}, Organization),
        ("/api/v1/people/", {"slug": "ada", "name": "Ada"}, {"native_name": "에이다"}, Person),
        ("/api/v1/topics/", {"slug": "chips", "name": "Chips"}, {"description": "Semis."}, Topic),
        (
            "/api/v1/event-types/",
            {"slug": "hearing", "name": "Hearing"},
            {"description": "In a legislature."},
            EventType,
        ),
    ],
)
def test_an_editor_with_a_token_adds_changes_and_deletes(api, url, record, change, model):
    created = api.post(url, record)
    assert created.status_code == 201, created.content
    location = f"http://testserver{url}{record['slug']}/"
    assert created.headers["Location"] == location
    assert "Cache-Control" not in created.headers
    assert created.json() == api.get(location).json()
    changed = api.patch(location, change)
    assert changed.status_code == 200
    assert change.items() <= changed.json().items()
    replaced = api.put(location, record)
    assert replaced.status_code == 200
    assert replaced.json()[next(iter(change))] in ("", None)  # a PUT replaces the whole record
    assert api.delete(location).status_code == 204
    assert not model.objects.filter(slug=record["slug"]).exists()


def test_a_session_write_needs_the_csrf_token(editor, organization_factory):
    organization_factory(slug="moe")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    response = Api(browser).patch(f"{ORGS}moe/", {"name": "Forged"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Organization.objects.get(slug="moe").name != "Forged"
    # With the token from the cookie, as the admin's pages send it, the same write goes through.
    browser.get("/admin/")
    token = browser.cookies["csrftoken"].value
    response = Api(browser).patch(
        f"{ORGS}moe/", {"name": "Ministry"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200


# Validation: a 400 naming the field, never a 500 ----------------------------------------------


def test_a_taken_slug_is_a_400_naming_slug(api, organization_factory):
    organization_factory(slug="ai-office")
    response = api.post(ORGS, NEW_ORG)
    assert response.status_code == 400
    assert list(response.json()) == ["slug"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"kind": "castle"}, "kind"),
        ({"wikidata_id": "42"}, "wikidata_id"),
        ({"parent": "no-such-org"}, "parent"),
        ({"parent": "moe"}, "parent"),
        ({"website": "not a url"}, "website"),
        ({"name": "x" * 301}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"name": ""}, "name"),
        ({"other_names": "one\ntwo"}, "other_names"),
        ({"other_names": ["one\ntwo"]}, "other_names"),
        ({"slug": "not a slug"}, "slug"),
    ],
)
def test_a_value_the_admin_would_refuse_is_a_400_naming_its_field(
    api, organization_factory, change, field
):
    organization_factory(slug="moe")
    response = api.patch(f"{ORGS}moe/", change)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_organization_cannot_sit_in_one_of_its_own_units(api, organization_factory):
    top = organization_factory(slug="top")
    organization_factory(slug="unit", parent=top)
    response = api.patch(f"{ORGS}top/", {"parent": "unit"})
    assert response.status_code == 400
    assert list(response.json()) == ["parent"]


def test_other_names_are_a_list_in_the_api_and_lines_in_the_record(api):
    data = {**NEW_ORG, "other_names": [" Bureau de l'IA ", "AIO", ""], "country": "fr"}
    response = api.post(ORGS, data)
    assert response.status_code == 201
    assert response.json()["other_names"] == ["Bureau de l'IA", "AIO"]
    assert response.json()["country"] == "FR"
    org = Organization.objects.get(slug="ai-office")
    assert org.other_names == "Bureau de l'IA\nAIO"
    assert api.patch(f"{ORGS}ai-office/", {"country": None}).json()["country"] is None


def test_deleting_an_organization_that_events_cite_is_a_400_and_deletes_nothing(
    api, participation_factory
):
    participation = participation_factory(
        organization__slug="moe", organization__name="Ministry", event__slug="the-meeting"
    )
    response = api.delete(f"{ORGS}moe/")
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "1 participation" in message and "the-meeting" in message
    assert Organization.objects.filter(slug="moe").exists()
    assert participation.event.participations.count() == 1


def test_a_body_that_is_not_json_or_not_an_object_is_a_400(api):
    response = api.post(ORGS, "not json", content_type="application/json")
    assert response.status_code == 400
    assert api.post(EVENTS, ["a", "list"]).status_code == 400
    assert api.post(ORGS, ["a", "list"]).status_code == 400


# History ---------------------------------------------------------------------------------


def test_the_history_records_who_wrote_through_the_api(api, editor):
    api.post(ORGS, NEW_ORG)
    api.patch(f"{ORGS}ai-office/", {"acronym": "AIO"})
    org = Organization.objects.get(slug="ai-office")
    versions = list(Version.objects.get_for_object(org).order_by("pk"))
    assert [v.field_dict["acronym"] for v in versions] == ["", "AIO"]
    assert {v.revision.user for v in versions} == {editor}
    assert {v.revision.comment for v in versions} == {"Changed through the API"}
    api.delete(f"{ORGS}ai-office/")
    deleted = Version.objects.get_deleted(Organization).get()
    assert deleted.object_repr == "AI Office (AIO)"
    assert (deleted.revision.user, deleted.revision.comment) == (editor, "Deleted through the API")


# Events: the importer's rules ------------------------------------------------------------


@pytest.fixture
def vocabulary(db):
    EventType.objects.create(slug="dialogue", name="Dialogue")
    Topic.objects.create(slug="ai-safety", name="AI safety")
    Organization.objects.create(slug="msit", name="Ministry of Science and ICT", kind="ministry")


NEW_EVENT = {
    "slug": "ai-dialogue-2025",
    "title": "AI dialogue",
    "type": "dialogue",
    "start": "2025-03",
    "country": "KR",
    "topics": ["ai-safety"],
    "participants": [{"organization": "msit", "role": "host"}],
    "sources": [{"url": "https://example.org/report", "title": "A report"}],
    "published": True,
}


def test_an_editor_creates_an_event_and_it_reads_back_as_sent(api, editor, vocabulary):
    response = api.post(EVENTS, NEW_EVENT)
    assert response.status_code == 201, response.content
    assert response.headers["Location"] == f"http://testserver{EVENTS}ai-dialogue-2025/"
    event = response.json()
    assert {key: event[key] for key in NEW_EVENT if key not in ("participants", "sources")} == {
        key: value for key, value in NEW_EVENT.items() if key not in ("participants", "sources")
    }
    assert event["participants"][0]["organization"] == "msit"
    assert event["sources"][0]["url"] == "https://example.org/report"
    assert event == api.get(response.headers["Location"]).json()
    version = Version.objects.get_for_object(Event.objects.get(slug="ai-dialogue-2025")).get()
    assert version.revision.user == editor
    # One revision: the event, its participant and citation, and the source it named.
    parts = sorted(v.content_type.model for v in version.revision.version_set.all())
    assert parts == ["citation", "event", "participation", "source"]


def test_an_invalid_event_is_a_400_naming_each_field(api, vocabulary):
    data = {**NEW_EVENT, "start": "2025-13", "type": "no-such-type", "title": "bad\x00title"}
    response = api.post(EVENTS, data)
    assert response.status_code == 400
    assert {"start", "type", "title"} <= set(response.json())
    assert not Event.objects.filter(slug="ai-dialogue-2025").exists()


def test_a_taken_event_slug_is_a_400_naming_slug(api, event_factory, vocabulary):
    event_factory(slug="ai-dialogue-2025")
    response = api.post(EVENTS, NEW_EVENT)
    assert response.status_code == 400
    assert "slug" in response.json()


def test_an_editor_publishes_a_draft_by_patching_it(api, client, event_factory, citation_factory):
    draft = event_factory(slug="draft", published=False, title="Draft")
    citation_factory(event=draft)
    assert client.get(f"{EVENTS}draft/").status_code == 404
    response = api.patch(f"{EVENTS}draft/", {"published": True})
    assert response.status_code == 200, response.content
    assert response.json()["published"] is True
    assert response.json()["title"] == "Draft"  # a PATCH changes only what it names
    assert client.get(f"{EVENTS}draft/").status_code == 200


def test_an_event_is_replaced_by_put_and_deleted(api, event_factory, vocabulary):
    api.post(EVENTS, NEW_EVENT)
    replaced = api.put(f"{EVENTS}ai-dialogue-2025/", {**NEW_EVENT, "topics": [], "country": None})
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["topics"], replaced.json()["country"]) == ([], None)
    assert api.delete(f"{EVENTS}ai-dialogue-2025/").status_code == 204
    assert not Event.objects.filter(slug="ai-dialogue-2025").exists()


def test_deleting_an_event_with_sessions_is_a_400(api, event_factory):
    summit = event_factory(slug="summit")
    event_factory(slug="session", parent=summit)
    response = api.delete(f"{EVENTS}summit/")
    assert response.status_code == 400
    assert "session" in response.json()["non_field_errors"][0]
    assert Event.objects.filter(slug="summit").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"slug": ["a-list"]},
        {"relations": 5},
        {"_people": None},
        {"participants": "msit"},
        {"sources": [{"url": 12}]},
        {"updated_at": "not a date"},
        {"countries": [None, {}]},
    ],
)
def test_values_of_the_wrong_type_are_a_400_never_a_500(api, vocabulary, change):
    response = api.post(EVENTS, {**NEW_EVENT, **change})
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert not Event.objects.filter(slug="ai-dialogue-2025").exists()


def test_an_editor_who_may_not_add_sources_cannot_create_one_through_an_event(
    client, make_user, vocabulary
):
    user = make_user("desk", staff=True, perms=["add_event", "change_event"])
    response = token_api(client, user).post(EVENTS, NEW_EVENT)
    assert response.status_code == 400
    assert "sources" in response.json()


def test_an_event_sent_without_a_status_is_scheduled_if_it_is_to_come(api, vocabulary):
    future = {**NEW_EVENT, "start": "2999-06"}
    assert api.post(EVENTS, future).json()["status"] == "scheduled"
    past = {**NEW_EVENT, "slug": "past-one", "start": "2020-06"}
    assert api.post(EVENTS, past).json()["status"] == "held"


def test_errors_name_the_field_as_the_event_names_it(api, vocabulary):
    bad = {
        **NEW_EVENT,
        "participants": [{"organization": "no-such-org", "role": "host"}],
        "topics": ["nope"],
        "start": 2025,
    }
    errors = api.post(EVENTS, bad).json()
    assert {"participants[0].organization", "topics", "start"} <= set(errors)
    assert "must be a string" in errors["start"][0]


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/v1/organizations/", {**NEW_ORG, "name": "A\x00", "parent": "p\x00"}),
        ("/api/v1/people/", {"slug": "p", "name": "N\x00", "country": "K\x00"}),
        ("/api/v1/topics/", {"slug": "t\x00", "name": "T"}),
        (EVENTS, {**NEW_EVENT, "parent": "\x00", "topics": ["\x00"], "type": "\x00"}),
    ],
)
def test_nul_bytes_in_a_write_are_a_400_on_both_databases(api, vocabulary, url, body):
    assert api.post(url, body).status_code == 400
