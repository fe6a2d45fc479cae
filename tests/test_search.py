"""Search: the same seed events on SQLite and on PostgreSQL (full-text there)."""

import pytest

from tracker import search, words
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


def test_a_tsquery_is_read_with_postgresqls_precedence():
    """The tree of ``websearch_to_tsquery``'s output, as the timeline's columns evaluate it
    (tracker/words.py): frequent words from the bits, phrases and other words asked."""
    lexicon = words.Lexicon(("quantum", "govern", "seoul", "announc"))
    text = "'work' <-> 'group' & !'announc' & 'seoul' | 'quantum' & 'govern'"
    assert words.TsqueryReader(text, lexicon).read() == words.Any(
        (
            words.All(
                (
                    words.Asked("'work' <-> 'group'"),
                    words.Not(words.Word("announc")),
                    words.Word("seoul"),
                )
            ),
            words.All((words.Word("quantum"), words.Word("govern"))),
        )
    )
    assert words.TsqueryReader("!( 'a' <-> 'b' ) & 'it''s'", lexicon).read() == words.All(
        (words.Not(words.Asked("'a' <-> 'b'")), words.Asked("'it''s'"))
    )
    # Something this reader does not follow is asked of the database whole; nothing, nothing.
    assert words._read_tsquery("'a' ?? 'b'", lexicon) == words.Asked("'a' ?? 'b'")
    assert words._read_tsquery("", lexicon) == words.NOTHING


@pytest.mark.django_db
def test_postgres_search_uses_the_gin_index():
    """The query must read the stored vector its GIN index covers (migration 0006), or
    PostgreSQL quietly falls back to reading every event."""
    from django.db import connection

    from tracker import search

    if connection.vendor != "postgresql":
        pytest.skip("the full-text index exists on PostgreSQL only")
    queryset = search.matching(Event.objects.all(), "working group")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "event_search_vector" in plan, plan


@pytest.mark.django_db
def test_the_full_text_index_follows_every_edit(event_factory):
    event = event_factory(title="Quantum dialogue", published=True)
    assert list(search.matching(Event.objects.all(), "quantum")) == [event]
    event.title = "Semiconductor dialogue"
    event.save()
    assert not search.matching(Event.objects.all(), "quantum").exists()
    assert list(search.matching(Event.objects.all(), "semiconductors")) == [event]  # stemmed
    event.delete()
    assert not search.matching(Event.objects.all(), "semiconductor").exists()


@pytest.mark.django_db
def test_a_lost_index_is_rebuilt_after_migrating(event_factory):
    """SQLite drops a table's triggers when a migration rebuilds the table: the next
    migrate puts them back and reindexes what they missed."""
    from django.db import connection

    from tracker.apps import keep_search_index

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its generated column through any migration")
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:  # as a rebuild of the table does
            cursor.execute(f"DROP TRIGGER {name}")
    event = event_factory(title="Frontier compute summit", published=True)
    assert not search.matching(Event.objects.all(), "frontier").exists()
    keep_search_index(sender=None, using="default")
    assert list(search.matching(Event.objects.all(), "frontier")) == [event]


@pytest.mark.parametrize(
    "text", ["-" * 33, " -" * 66, "a" + " -b" * 200, '"' * 50 + "-" * 50, "-(-(-(-x)))" * 20]
)
def test_searches_made_of_punctuation_are_answered_not_a_500(client, seeded, text):
    response = client.get("/", {"q": text})
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["-" * 40, "--", '"', '""', "or", "or or", "+++", "()", "—"])
def test_a_search_with_no_word_is_refused_not_answered_with_nothing(client, seeded, text):
    page = client.get("/", {"q": text})
    assert page.status_code == 200
    assert "has no word to search for" in page.content.decode()
    assert page.context_data["total"] == Event.objects.published().count()  # the search is ignored
    assert client.get("/events.csv", {"q": text}).status_code == 400
    response = client.get("/api/v1/events/", {"q": text})
    assert response.status_code == 400 and "q" in response.json()


def test_a_search_that_only_leaves_out_a_word_is_a_search(client, seeded):
    page = client.get("/", {"q": "-summit"})
    assert not page.context_data["errors"]
    assert 0 < page.context_data["total"] < Event.objects.published().count()
