"""Every public page runs a fixed number of queries, whatever the size of the timeline."""

import pytest

from tests.factories import build_timeline

# The query budget of each page, pinned. A change here must be a deliberate one. For the
# timeline it is the budget of a view not yet in the cache (see the cache test below).
PAGES = {
    "timeline": ("/", 14),
    "timeline, filtered": (
        "/?country=KR&type=summit&from=1996-01&person={person}&topic={topic}",
        17,
    ),
    "timeline, searched": ("/?q=summary", 14),
    "event": ("/events/bulk-event-3/", 10),
    "organization": ("/organizations/{org}/", 5),
    "person": ("/people/{person}/", 4),
    "topic": ("/topics/{topic}/", 3),
}


def url_for(template, events):
    event = events[3]
    participation = event.participations.select_related("organization").first()
    person = event.participations.exclude(person=None).select_related("person").first().person
    return template.format(
        org=participation.organization.slug,
        person=person.slug,
        topic=event.topics.first().slug,
    )


@pytest.mark.parametrize("size", [5, 500])
@pytest.mark.parametrize("name", list(PAGES))
def test_queries_per_page_do_not_grow_with_the_data(
    client, db, django_assert_num_queries, size, name
):
    events = build_timeline(size)
    template, budget = PAGES[name]
    url = url_for(template, events)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert not response.context.get("errors")


def test_timeline_counts_are_cached_until_the_data_changes(
    client, event_factory, django_assert_num_queries
):
    event_factory(country="KR")
    event_factory(country="KR")
    first = client.get("/?country=KR")
    assert first.context["total"] == 2
    # From the cache: the data version, the page of events and its related rows only.
    with django_assert_num_queries(6):
        second = client.get("/?country=KR&order=asc")
    assert second.context["total"] == 2
    assert second.context["facets"] == first.context["facets"]
    # An edit anywhere changes the data version, so the next request counts again.
    event_factory(country="KR")
    third = client.get("/?country=KR")
    assert third.context["total"] == 3
    assert {o.value: o.count for o in third.context["facets"]["country"]} == {"KR": 3}
