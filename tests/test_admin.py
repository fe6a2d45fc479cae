"""The editors' admin: pages render, rules are enforced with clear messages, history works."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tracker.models import Event, Organization, Person, Source

ADMIN_MODELS = ["event", "organization", "person", "source", "topic", "eventtype"]


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:tracker_{model}_{view}", args=args)


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_and_add_pages_render_for_staff(editor_client, seeded, model):
    for view in ("changelist", "add"):
        response = editor_client.get(admin_url(model, view))
        assert response.status_code == 200, (model, view)


@pytest.mark.parametrize(
    ("model", "obj"),
    [
        ("event", lambda: Event.objects.get(slug="ai-seoul-summit-2024")),
        ("organization", lambda: Organization.objects.get(slug="department-of-state")),
        ("person", lambda: Person.objects.get(slug="seth-center")),
        ("source", lambda: Source.objects.get(publisher="BABL AI")),
    ],
)
def test_change_and_history_pages_render(editor_client, seeded, model, obj):
    pk = obj().pk
    response = editor_client.get(admin_url(model, "change", pk))
    assert response.status_code == 200
    assert editor_client.get(admin_url(model, "history", pk)).status_code == 200


def test_event_change_page_shows_dates_as_precise_as_known(editor_client, seeded):
    event = Event.objects.get(slug="ai-seoul-summit-2024")
    page = editor_client.get(admin_url("event", "change", event.pk)).content.decode()
    assert 'value="2024-05-21"' in page and 'value="2024-05-22"' in page
    assert "Korea, Republic of" in page or "South Korea" in page  # countries involved
    assert "View on site" in page


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_anonymous_users_are_sent_to_the_login_page(client, db, model):
    response = client.get(admin_url(model))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_users_cannot_use_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-reader-1")
    client.force_login(user)
    response = client.get(admin_url("event"))
    assert response.status_code == 302


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_form(event_type, **overrides):
    data = {
        "title": "Korea–Japan AI dialogue",
        "slug": "korea-japan-ai-dialogue",
        "event_type": event_type.pk,
        "status": "held",
        "start": "2023-12",
        "end": "",
        "venue": "",
        "city": "Tokyo",
        "country": "JP",
        "attendance_mode": "in-person",
        "summary": "",
        "description": "",
        "wikidata_id": "",
    }
    for prefix in ("participations", "citations", "relations_out", "relations_in"):
        data.update(inline_management(prefix))
    data.update(overrides)
    return data


def test_editor_adds_an_event_with_participants_sources_and_a_month_date(
    editor_client, organization_factory, person_factory, source_factory
):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    ministry = organization_factory(name="Ministry of Economy", country="JP")
    person = person_factory(name="Jane Doe", country="US")
    source = source_factory()
    data = event_form(
        event_type,
        published="on",
        **inline_management("participations", 1),
        **{
            "participations-0-organization": ministry.pk,
            "participations-0-person": person.pk,
            "participations-0-role": "co-chair",
            "participations-0-title": "Minister",
            "participations-0-order": "0",
        },
        **inline_management("citations", 1),
        **{"citations-0-source": source.pk, "citations-0-quote": "", "citations-0-note": ""},
    )
    response = editor_client.post(admin_url("event", "add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    event = Event.objects.get(slug="korea-japan-ai-dialogue")
    assert (event.start_date, event.start_precision) == (datetime.date(2023, 12, 1), "month")
    assert event.date_display == "December 2023"
    assert event.published
    assert event.participations.get().person == person
    assert set(event.country_links.values_list("country", flat=True)) == {"JP", "US"}
    listing = editor_client.get(admin_url("event")).content.decode()
    assert "Korea–Japan AI dialogue" in listing and "December 2023" in listing
    history = editor_client.get(admin_url("event", "history", event.pk)).content.decode()
    assert "editor" in history


def test_publishing_an_event_with_no_source_is_refused_with_a_clear_message(editor_client):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    response = editor_client.post(admin_url("event", "add"), event_form(event_type, published="on"))
    assert response.status_code == 200
    assert "A published event must cite at least one source" in response.content.decode()
    assert not Event.objects.exists()
    # As a draft, the same event saves.
    response = editor_client.post(admin_url("event", "add"), event_form(event_type))
    assert response.status_code == 302
    assert Event.objects.get().published is False


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2023-13", "", "no month 13"),
        ("2023-02-30", "", "February 2023 has 28 days"),
        ("abc", "", "is not a date"),
        ("2024-05", "2024-04", "cannot be before the start"),
    ],
)
def test_bad_dates_get_a_form_error_that_says_what_to_fix(editor_client, start, end, message):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    response = editor_client.post(
        admin_url("event", "add"), event_form(event_type, start=start, end=end)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_publish_action_publishes_only_events_that_cite_a_source(
    editor_client, event_factory, citation_factory
):
    cited = event_factory(published=False, title="Cited")
    citation_factory(event=cited)
    uncited = event_factory(published=False, title="Uncited")
    response = editor_client.post(
        admin_url("event"),
        {"action": "publish", "_selected_action": [cited.pk, uncited.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Published 1 event(s)." in page
    assert "Not published, as they cite no source: Uncited" in page
    cited.refresh_from_db()
    uncited.refresh_from_db()
    assert cited.published and not uncited.published


def test_unpublish_action(editor_client, event_factory):
    event = event_factory(published=True)
    editor_client.post(admin_url("event"), {"action": "unpublish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert not event.published


def change_form_data(page):
    """The POST data that submits an admin change page as it was rendered."""
    form = page.context["adminform"].form
    data = {}
    for bound in [form] + [
        f for inline in page.context.get("inline_admin_formsets", []) for f in inline.formset.forms
    ]:
        for name in bound.fields:
            value = bound[name].value()
            if value is None or value is False:
                continue
            data[bound.add_prefix(name)] = value
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(inline_management(formset.prefix, formset.total_form_count()))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
    return data


def test_slug_is_kept_when_the_title_changes(editor_client, seeded):
    event = Event.objects.get(slug="ai-working-group-announcement-2024")
    page = editor_client.get(admin_url("event", "change", event.pk))
    data = change_form_data(page)
    data["title"] = "AI working group announced"
    response = editor_client.post(admin_url("event", "change", event.pk), data)
    assert response.status_code == 302, response.context["errors"]
    event.refresh_from_db()
    assert event.title == "AI working group announced"
    assert event.slug == "ai-working-group-announcement-2024"
    assert event.citations.count() == 2


@pytest.mark.parametrize("model", ["event", "organization", "person", "source", "topic"])
def test_changelists_run_a_constant_number_of_queries(
    editor_client, django_assert_max_num_queries, model
):
    def grow(n):
        for _ in range(n):
            event = factories.EventFactory()
            participation = factories.ParticipationFactory(
                event=event, person=factories.PersonFactory()
            )
            factories.RoleFactory(person=participation.person)
            factories.CitationFactory(event=event)
            event.topics.add(factories.TopicFactory())

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert editor_client.get(admin_url(model)).status_code == 200
    grow(20)
    with CaptureQueriesContext(connection) as large:
        assert editor_client.get(admin_url(model)).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_deleting_a_cited_organization_in_the_admin_is_refused_and_explained(editor_client, seeded):
    ministry = Organization.objects.get(slug="ministry-of-foreign-affairs")
    url = admin_url("organization", "delete", ministry.pk)
    page = editor_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    editor_client.post(url, {"post": "yes"})
    assert Organization.objects.filter(pk=ministry.pk).exists()
