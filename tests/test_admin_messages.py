"""What an editor reads when a record is refused: what is wrong and what to do, in plain words,
never the name of a database constraint."""

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint

from tests import factories
from tests.test_admin import admin_url, change_form_data, event_form, inline_management
from tracker.models import Event, Person


def every_constraint():
    for model in apps.get_app_config("tracker").get_models():
        for constraint in model._meta.constraints:
            yield model, constraint


def test_every_constraint_has_a_message_for_editors_that_is_not_its_name():
    constraints = list(every_constraint())
    assert len(constraints) >= 15
    for model, constraint in constraints:
        assert isinstance(constraint, (CheckConstraint, UniqueConstraint))
        message = constraint.get_violation_error_message()
        label = f"{model.__name__}: {constraint.name}"
        assert message != constraint.default_violation_error_message % {"name": constraint.name}
        assert constraint.name not in message, label
        assert "constraint" not in message.lower(), label
        assert message.endswith("."), label


def errors_of(response):
    """Every error message the admin page shows, form and inline formsets alike."""
    assert response.status_code == 200, "the form was accepted"
    errors = []
    for item in response.context["errors"]:  # a form's error lists, and formsets' messages
        errors += [str(item)] if isinstance(item, str) else [str(message) for message in item]
    return errors


def test_a_participant_with_neither_organization_nor_person_is_refused_once_in_words(
    editor_client,
):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    data = event_form(
        event_type,
        **inline_management("participations", 1),
        **{
            "participations-0-role": "co-chair",
            "participations-0-title": "Minister",
            "participations-0-order": "0",
        },
    )
    errors = errors_of(editor_client.post(admin_url("event", "add"), data))
    assert errors == [
        "Name who took part: an organization, a person, or a person and the organization "
        "they represented."
    ]
    assert not Event.objects.exists()


def test_the_same_source_cited_twice_on_a_new_event_is_refused_in_words(
    editor_client, source_factory
):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    source = source_factory()
    data = event_form(event_type, **inline_management("citations", 2))
    for i in (0, 1):
        data.update({f"citations-{i}-source": source.pk, f"citations-{i}-quote": ""})
    page = editor_client.post(admin_url("event", "add"), data).content.decode()
    assert "This source is already cited by this event" in page
    assert "Please correct the duplicate data" not in page
    assert not Event.objects.exists()


def test_citing_a_source_the_event_already_cites_is_refused_in_words(
    editor_client, citation_factory
):
    citation = citation_factory(event__published=False)
    event = citation.event
    data = change_form_data(editor_client.get(admin_url("event", "change", event.pk)))
    data.update(inline_management("citations", 2))
    data["citations-INITIAL_FORMS"] = "1"
    data.update({"citations-1-source": citation.source_id, "citations-1-quote": ""})
    errors = errors_of(editor_client.post(admin_url("event", "change", event.pk), data))
    assert errors == [
        "This source is already cited by this event: add its quote or note to the existing "
        "citation instead.",
        "This row repeats another: change it or delete it.",
    ]
    assert event.citations.count() == 1


def test_an_event_that_ends_before_it_starts_is_told_which_dates_to_correct(editor_client):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    data = event_form(event_type, start="2024-05-22", end="2024-05-21")
    errors = errors_of(editor_client.post(admin_url("event", "add"), data))
    assert errors == ["The end (21 May 2024) cannot be before the start (22 May 2024)."]


def test_an_event_cannot_be_part_of_itself(editor_client, event_factory):
    event = event_factory(published=False)
    data = change_form_data(editor_client.get(admin_url("event", "change", event.pk)))
    data["parent"] = event.pk
    errors = errors_of(editor_client.post(admin_url("event", "change", event.pk), data))
    assert errors == [
        "An event cannot be part of itself: choose another event under “Part of”, "
        "or leave it empty."
    ]


def test_a_second_source_with_the_same_url_is_refused_in_words(editor_client, source_factory):
    existing = source_factory(url="https://news.example.org/dialogue")
    data = {
        "title": "The dialogue, again",
        "url": existing.url,
        "publisher": "",
        "author": "",
        "published": "",
        "language": "en",
        "note": "",
    }
    errors = errors_of(editor_client.post(admin_url("source", "add"), data))
    assert errors == [
        "Another source already has this URL: cite that source rather than adding it again."
    ]


@pytest.mark.parametrize("model", ["event", "person"])
def test_no_admin_page_shows_a_constraint_name(editor_client, seeded, model):
    page = editor_client.get(admin_url(model, "add")).content.decode()
    for _, constraint in every_constraint():
        assert constraint.name not in page


# A range whose end is more precise than its start ------------------------------------------

VAGUER_START = (
    "The end (5 March 2025) falls within the start (March 2025) and is more precise: enter "
    "the start as precisely (a day, YYYY-MM-DD), or leave the end empty."
)


def test_an_event_whose_end_falls_in_its_month_to_the_day_is_told_to_give_the_start_day(
    editor_client,
):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    data = event_form(event_type, start="2025-03", end="2025-03-05")
    errors = errors_of(editor_client.post(admin_url("event", "add"), data))
    assert errors == [VAGUER_START]
    assert not Event.objects.exists()


def test_an_event_from_a_month_to_a_day_in_a_later_month_is_kept_as_given(editor_client):
    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    data = event_form(event_type, start="2025-03", end="2025-06-05")
    response = editor_client.post(admin_url("event", "add"), data)
    assert response.status_code == 302
    assert Event.objects.get().date_display == "March 2025 – 5 June 2025"


def test_a_year_start_with_a_month_end_in_that_year_is_refused_too(event_factory):
    from django.core.exceptions import ValidationError

    from tracker.dates import PartialDate

    event = event_factory.build(event_type=factories.EventTypeFactory())
    event.start, event.end = PartialDate.parse("2024"), PartialDate.parse("2024-06")
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert refused.value.message_dict["end_date"] == [
        "The end (June 2024) falls within the start (2024) and is more precise: enter the "
        "start as precisely (a month, YYYY-MM), or leave the end empty."
    ]
    event.end = PartialDate.parse("2025-06")
    event.full_clean()


def person_form(**roles):
    data = {
        "name": "Jane Doe",
        "slug": "jane-doe",
        "native_name": "",
        "other_names": "",
        "country": "US",
        "bio": "",
        "wikidata_id": "",
        **inline_management("roles", 1),
        "roles-0-title": "Minister",
    }
    data.update({f"roles-0-{name}": value for name, value in roles.items()})
    return data


def test_a_post_held_from_a_month_until_a_day_of_that_month_is_refused_in_words(editor_client):
    response = editor_client.post(
        admin_url("person", "add"), person_form(start="2025-03", end="2025-03-05")
    )
    assert errors_of(response) == [VAGUER_START]


def test_a_post_held_from_a_month_until_a_day_months_later_is_kept(editor_client):
    response = editor_client.post(
        admin_url("person", "add"), person_form(start="2025-03", end="2025-06-05")
    )
    assert response.status_code == 302
    role = Person.objects.get(slug="jane-doe").roles.get()
    assert role.period == "March 2025 – 5 June 2025"
