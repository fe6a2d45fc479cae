"""Search: the same seed events on SQLite and on PostgreSQL (full-text there)."""

import pytest

from tracker.filters import EventFilterSet
from tracker.models import Event
from tracker.search import parse


def found(q, **extra):
    filterset = EventFilterSet({"q": q, **extra}, queryset=Event.objects.published())
    return [event.slug for event in filterset.qs]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Seth Center", {"ai-working-group-first-meeting-2024"}),  # a participant's name
        ("Commerce Department", {"ai-working-group-first-meeting-2024"}),  # another name
        ("semiconductors", {"nget-dialogue-2023"}),  # a topic
        (
            '"working group" -announced',
            {"ai-working-group-first-meeting-2024", "nget-dialogue-2023"},
        ),
        (
            'quantum or "Seoul Declaration"',
            {
                "nget-dialogue-2023",
                "ai-seoul-summit-2024",
                "ai-seoul-summit-2024-leaders-session",
            },
        ),
        ("zeppelin", set()),
    ],
)
def test_search_finds_the_same_seed_events_on_every_database(seeded, q, expected):
    assert set(found(q)) == expected


def test_search_is_ordered_by_relevance_unless_an_order_is_given(seeded):
    relevant = found("summit")
    assert "Summit" in Event.objects.get(slug=relevant[0]).title
    assert relevant[-1] == "state-visit-2023"  # it mentions a summit only in passing
    by_date = found("summit", order="asc")
    assert by_date[0] == "state-visit-2023"
    assert set(by_date) == set(relevant)


def test_parse_reads_websearch_syntax():
    parsed = parse('"working group" -announced seoul OR quantum "unclosed')
    assert parsed.groups == [["working group", "seoul"], ["quantum", "unclosed"]]
    assert parsed.excluded == ["announced"]
    assert parsed.terms == ["working group", "unclosed", "quantum", "seoul"]
    assert not parse("   ")
    assert not parse("or or")
