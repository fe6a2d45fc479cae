"""The timeline's FilterSet, tested with plain dicts, and the answers a reader comes for."""

import datetime

import pytest

from tracker.filters import EventFilterSet
from tracker.models import Event

D = datetime.date


def slugs(data, queryset=None):
    filterset = EventFilterSet(data, queryset=queryset or Event.objects.published())
    return [event.slug for event in filterset.qs]


def errors(data):
    filterset = EventFilterSet(data, queryset=Event.objects.published())
    filterset.qs  # noqa: B018
    return filterset.form.errors


# The questions of the issue, on the seed timeline -------------------------------------------


def test_which_events_involved_the_united_kingdom(seeded):
    assert slugs({"country": "GB"}) == [
        "ai-seoul-summit-2024-ministers-meeting",
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
    ]


def test_where_seth_center_took_part(seeded):
    assert slugs({"person": "seth-center"}) == ["ai-working-group-first-meeting-2024"]


def test_what_happened_in_2024(seeded):
    assert set(slugs({"from": "2024", "to": "2024"})) == {
        "ai-working-group-first-meeting-2024",
        "ai-working-group-announcement-2024",
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
        "ai-seoul-summit-2024-ministers-meeting",
        "ai-global-forum-2024",
    }


def test_what_korea_agreed_with_the_us_since_2023(seeded):
    found = slugs({"country": ["KR"], "from": "2023", "organization": "department-of-state"})
    assert found == []  # the State Department takes part through its special envoy's office
    found = slugs({"country": ["US"], "from": "2023", "order": "asc"})
    assert found == [
        "state-visit-2023",
        "nget-dialogue-2023",
        "ai-working-group-first-meeting-2024",
    ]


# Each filter ----------------------------------------------------------------------------------


def test_values_of_one_filter_are_ored_and_filters_are_anded(seeded):
    assert set(slugs({"type": ["dialogue", "state-visit"]})) == {
        "nget-dialogue-2023",
        "state-visit-2023",
    }
    assert slugs({"type": ["dialogue", "state-visit"], "country": "KR", "from": "2023-06"}) == [
        "nget-dialogue-2023"
    ]


def test_status_filter(event_factory):
    event_factory(slug="held")
    event_factory(slug="planned", status="scheduled")
    event_factory(slug="off", status="cancelled")
    assert slugs({"status": ["scheduled", "cancelled"], "order": "asc"}) == ["planned", "off"]


def test_topic_and_organization_filters(seeded):
    assert slugs({"topic": "quantum"}) == ["nget-dialogue-2023"]
    assert slugs({"organization": "ministry-of-foreign-affairs", "order": "asc"}) == [
        "ai-working-group-first-meeting-2024",
        "ai-working-group-announcement-2024",
        "ai-global-forum-2024",
    ]


def test_date_filters_mean_overlap_and_understand_precision(event_factory):
    event_factory(slug="december", start_date=D(2023, 12, 1), start_precision="month")
    event_factory(
        slug="ten-to-twenty",
        start_date=D(2023, 12, 10),
        end_date=D(2023, 12, 20),
        end_precision="day",
    )
    event_factory(slug="early-december", start_date=D(2023, 12, 9))
    event_factory(slug="last-of-2024", start_date=D(2024, 12, 31))
    event_factory(slug="year-2024", start_date=D(2024, 1, 1), start_precision="year")
    event_factory(slug="in-2025", start_date=D(2025, 1, 1))
    assert set(slugs({"from": "2023-12-15"})) == {
        "december",
        "ten-to-twenty",
        "last-of-2024",
        "year-2024",
        "in-2025",
    }
    assert set(slugs({"to": "2024"})) == {
        "december",
        "ten-to-twenty",
        "early-december",
        "last-of-2024",
        "year-2024",
    }
    assert set(slugs({"from": "2024-06", "to": "2024-06"})) == {"year-2024"}


def test_order_newest_first_by_default_and_oldest_first_on_request(seeded):
    newest = slugs({})
    assert newest[0] == "ai-global-forum-2024"
    assert newest[-1] == "state-visit-2023"
    assert slugs({"order": "asc"}) == list(reversed(newest))


def test_drafts_never_show(event_factory):
    event_factory(slug="draft", published=False)
    event_factory(slug="public")
    assert slugs({}) == ["public"]


# Bad values are reported on their filter; the others still apply --------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"from": "2023-13"}, "from", "no month 13"),
        ({"to": "abc"}, "to", "is not a date"),
        ({"country": "ZZ"}, "country", "ZZ is not one of the available choices"),
        ({"type": "no-such-type"}, "type", "No event type has the key “no-such-type”"),
        ({"person": "nobody"}, "person", "No person has the key “nobody”"),
        ({"organization": "<script>"}, "organization", "No organization has the key"),
        ({"topic": "a\x00b"}, "topic", "No topic has the key"),
        ({"q": "x" * 10_000}, "q", "at most 200 characters"),
        ({"q": "seoul\x00"}, "q", "Null characters are not allowed"),
        ({"order": "sideways"}, "order", "Select a valid choice"),
        ({"country": ["KR"] * 21}, "country", "Choose at most 20"),
        ({"from": "2024-03", "to": "2023"}, "to", "“To” (2023) is before “From” (March 2024)"),
    ],
)
def test_bad_values_become_form_errors(seeded, data, field, message):
    found = errors(data)
    assert field in found
    assert message in " ".join(found[field])


def test_the_rest_of_the_filters_still_apply(seeded):
    assert slugs({"country": ["GB"], "from": "garbage", "person": "nobody"}) == [
        "ai-seoul-summit-2024-ministers-meeting",
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
    ]


def test_empty_values_from_a_plain_form_mean_no_filter(seeded):
    assert len(slugs({"q": "", "from": "", "to": "", "country": [""], "person": [""]})) == 8
    assert errors({"q": "", "from": "", "person": [""], "country": [""]}) == {}
