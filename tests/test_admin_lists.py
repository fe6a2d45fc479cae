"""The event list's filters and search: countries in use only, organizations and people typed
in (usable with thousands of them), and a search that finds events by who took part and by
the sources they cite, as the public search does."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tracker.models import Event

LIST = "admin:tracker_event_changelist"


def listed(client, **params):
    """The titles the event list shows for these parameters."""
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    assert ".0=1" not in response.get("Location", "")  # Django's "bad filter" redirect
    return sorted(event.title for event in response.context["cl"].result_list)


def country_options(page):
    panel = page.split('data-filter-title="country"', 1)[1].split("</details>", 1)[0]
    return re.findall(r"<a href=\"[^\"]*\">([^<]+)</a>", panel)


def test_the_country_filter_offers_only_countries_events_took_place_in(editor_client, seeded):
    page = editor_client.get(reverse(LIST)).content.decode()
    in_use = {str(c) for c in Event.objects.exclude(country="").values_list("country", flat=True)}
    assert country_options(page) == ["All", "South Korea", "United States of America"]
    assert in_use == {"KR", "US"}
    assert listed(editor_client, country="US") == sorted(
        Event.objects.filter(country="US").values_list("title", flat=True)
    )


def test_the_country_filter_reads_its_options_in_one_query(editor_client, event_factory):
    for code in ["FR", "JP", "JP", "KR"]:
        event_factory(country=code)
    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(reverse(LIST)).content.decode()
    assert country_options(page) == ["All", "France", "Japan", "South Korea"]
    distinct = [
        q
        for q in queries.captured_queries
        if 'SELECT DISTINCT "tracker_event"."country"' in q["sql"]
    ]
    assert len(distinct) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("MSIT", 4),  # an acronym
        ("science and ict", 4),  # part of a name, any case
        ("ministry-of-science-and-ict", 4),  # a slug
        ("no such body", 0),
    ],
)
def test_the_organization_filter_finds_events_by_a_typed_name_acronym_or_slug(
    editor_client, seeded, typed, expected
):
    msit_events = sorted(
        Event.objects.filter(participations__organization__slug="ministry-of-science-and-ict")
        .distinct()
        .values_list("title", flat=True)
    )
    assert len(msit_events) == 4
    assert listed(editor_client, organization=typed) == (msit_events if expected else [])


def test_the_person_filter_finds_events_by_a_name_in_either_script(editor_client, seeded):
    yoon = sorted(
        Event.objects.filter(participations__person__slug="yoon-suk-yeol").values_list(
            "title", flat=True
        )
    )
    assert listed(editor_client, person="Yoon") == yoon
    assert listed(editor_client, person="윤석열") == yoon
    assert listed(editor_client, person="Sunak", country="US") == []


def test_the_typed_filters_keep_the_other_filters_and_can_be_cleared(editor_client, seeded):
    page = editor_client.get(reverse(LIST), {"person": "Sullivan", "status": "held"})
    html = page.content.decode()
    assert '<input type="hidden" name="status" value="held">' in html
    assert 'name="person" value="Sullivan"' in html
    assert '<a href="?status=held">All</a>' in html


def test_the_event_list_runs_as_many_queries_filtered_by_a_person_at_any_size(editor_client):
    def queries(n):
        person = factories.PersonFactory(name=f"Jane Roe {n}")
        for _ in range(n):
            factories.ParticipationFactory(person=person, event__country="JP")
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get(reverse(LIST), {"person": f"Jane Roe {n}"})
        assert len(response.context["cl"].result_list) == n
        return len(captured)

    assert queries(2) == queries(20)


@pytest.mark.parametrize(
    ("search", "slug"),
    [
        ("Sullivan", "nget-dialogue-2023"),  # a participant
        ("jake sullivan", "nget-dialogue-2023"),  # every word of a name
        ('"National Security Council"', "nget-dialogue-2023"),  # an organization, a phrase
        ("Next-Generation Core", "nget-dialogue-2023"),  # words of a cited source's title
        ("Asia Economy", "nget-dialogue-2023"),  # a cited source's publisher
    ],
)
def test_admin_search_finds_events_by_participant_organization_and_source(
    editor_client, seeded, search, slug
):
    titles = listed(editor_client, q=search)
    assert Event.objects.get(slug=slug).title in titles


def test_admin_search_still_finds_by_title_and_needs_every_word(editor_client, seeded):
    assert listed(editor_client, q="state visit") == [
        "State visit of President Yoon Suk Yeol to the United States"
    ]
    assert listed(editor_client, q="ai-global-forum-2024") == ["AI Global Forum"]  # a slug
    assert listed(editor_client, q="Sullivan Sunak") == []


def test_the_filters_work_with_djangos_facet_counts_shown(editor_client, seeded):
    response = editor_client.get(reverse(LIST), {"_facets": "True", "person": "Yoon"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
    assert "South Korea (" in response.content.decode()  # the country filter's count
