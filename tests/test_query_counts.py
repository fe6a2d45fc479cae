"""Every public page runs a fixed number of queries, whatever the size of the timeline."""

import pytest
from django.db import connection

from tests.factories import build_timeline
from tracker import timeline_index

# The query budget of each page, pinned. A change here must be a deliberate one. For the
# timeline it is the budget of a view not yet in the cache (see the cache test below). A
# search of frequent words is answered on the worker's columns (tracker/words.py); PostgreSQL
# reads the search first (``websearch_to_tsquery``: one query), SQLite needs none. A word that
# is not frequent ("zeppelin") is asked of the full-text index: one query more, on both.
SEARCHED = {"sqlite": 7, "postgresql": 8}
PAGES = {
    "timeline": ("/", 7),
    "timeline, filtered": (
        "/?country=KR&type=summit&from=1996-01&person={person}&topic={topic}",
        10,
    ),
    # Lanes of the chart by type or organization name their records: one query more.
    "timeline, chart in lanes": ("/?lanes=organization&from=1996", 8),
    "timeline, searched": ("/?q=summary", SEARCHED),
    "timeline, searched for a rare word": (
        "/?q=summary+or+zeppelin",
        {vendor: budget + 1 for vendor, budget in SEARCHED.items()},
    ),
    "event": ("/events/bulk-event-3/", 10),
    "event's citation (RIS)": ("/events/bulk-event-3/cite.ris", 2),
    "organization": ("/organizations/{org}/", 8),
    "person": ("/people/{person}/", 5),
    "topic": ("/topics/{topic}/", 4),
    "organizations": ("/organizations/", 5),
    "people": ("/people/", 4),
    # Events per topic and per country are read from the worker's columns.
    "topics": ("/topics/", 4),
    "countries": ("/countries/", 4),
    "country": ("/countries/kr/", 10),
    "sources": ("/sources/", 4),
    "about": ("/about/", 2),
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
    timeline_index.INDEX.current()  # a worker that has served before: its columns are built
    if isinstance(budget, dict):
        budget = budget[connection.vendor]
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert not (getattr(response, "context_data", None) or {}).get("errors")


def test_timeline_is_cached_until_the_data_changes(
    client, event_factory, django_assert_num_queries
):
    event_factory(country="KR")
    event_factory(country="KR")
    first = client.get("/?country=KR")
    assert first.context_data["total"] == 2
    # Another order of the same view: not in the page cache, so it is computed again on the
    # worker's columns: the data version, the change log, the names of the options shown
    # (one query), the page of events and its related rows (four).
    with django_assert_num_queries(7):
        second = client.get("/?country=KR&order=asc")
    assert second.context_data["total"] == 2
    assert second.context_data["facets"] == first.context_data["facets"]
    # The same address again: the whole page comes from the cache.
    with django_assert_num_queries(1):
        again = client.get("/?country=KR&order=asc")
    assert again.content == second.content
    # An edit anywhere changes the data version, so the next request counts again.
    event_factory(country="KR")
    third = client.get("/?country=KR")
    assert third.context_data["total"] == 3
    assert {o.value: o.count for o in third.context_data["facets"]["country"]} == {"KR": 3}
