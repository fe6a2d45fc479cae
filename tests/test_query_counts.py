"""Every public page runs a fixed number of queries, whatever the size of the timeline."""

import pytest

from tests.factories import build_timeline

# The query budget of each page, pinned. A change here must be a deliberate one.
PAGES = {
    "timeline": ("/", 13),
    "timeline, filtered": (
        "/?country=KR&type=summit&from=1996-01&person={person}&topic={topic}",
        16,
    ),
    "timeline, searched": ("/?q=summary", 13),
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
