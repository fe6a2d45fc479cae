"""The timeline's columns (tracker/timeline_index.py) give exactly what the database gives.

Every count the page shows is compared with a count of the database through the same
FilterSet, over a generated timeline of a few thousand events; and every kind of edit is seen
by the next request of this worker and of another one."""

import datetime
import random

import pytest
from django.http import QueryDict

from tests import factories
from tracker import chart, timeline_index
from tracker.dates import PartialDate
from tracker.filters import EventFilterSet
from tracker.models import Event, EventChange, EventCountry, Participation

COUNTRIES = ["KR", "US", "GB", "JP", "FR", "DE"]
WORDS = ["quantum", "governance", "safety", "chips", "export", "dialogue", "compute", "standards"]


def generate(n_events, seed=20240412):
    """A timeline of ``n_events`` events of every shape: drafts, every status and precision,
    spans, shared and repeated participants, several topics and countries."""
    rng = random.Random(seed)
    types = [factories.EventTypeFactory() for _ in range(3)]
    organizations = [
        factories.OrganizationFactory(country=rng.choice(COUNTRIES + [""])) for _ in range(8)
    ]
    people = [factories.PersonFactory(country=rng.choice(COUNTRIES + [""])) for _ in range(10)]
    topics = [factories.TopicFactory() for _ in range(6)]
    events = []
    for i in range(n_events):
        day = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
        precision = rng.choices(["day", "month", "year"], [70, 20, 10])[0]
        first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}
        event = Event(
            title=" ".join(rng.sample(WORDS, 3)) + f" {i}",
            slug=f"generated-{i}",
            summary=" ".join(rng.choices(WORDS, k=6)),
            event_type=rng.choice(types),
            status=rng.choices(["held", "scheduled", "postponed", "cancelled"], [7, 1, 1, 1])[0],
            start_date=first[precision],
            start_precision=precision,
            country=rng.choice(COUNTRIES + [""]),
            published=rng.random() > 0.1,
        )
        if precision == "day" and rng.random() < 0.3:
            event.end_date = day + datetime.timedelta(days=rng.randint(1, 40))
            event.end_precision = "day"
        event.last_day = event.span_last_day()
        events.append(event)
    Event.objects.bulk_create(events)
    events = list(Event.objects.filter(slug__startswith="generated-").order_by("pk"))
    parties, tags = [], []
    for event in events:
        for order in range(rng.randint(0, 4)):
            organization = rng.choice(organizations)  # may repeat within an event
            person = rng.choice(people) if rng.random() < 0.5 else None
            parties.append(
                Participation(event=event, organization=organization, person=person, order=order)
            )
        if rng.random() < 0.2:
            parties.append(Participation(event=event, person=rng.choice(people), order=9))
        for topic in rng.sample(topics, rng.randint(0, 3)):
            tags.append(Event.topics.through(event=event, topic=topic))
    Participation.objects.bulk_create(parties)
    Event.topics.through.objects.bulk_create(tags)
    Event.objects.all().refresh_derived()
    return {"types": types, "organizations": organizations, "people": people, "topics": topics}


def filterset(query):
    return EventFilterSet(QueryDict(query), queryset=Event.objects.published())


def every_value(vocabulary):
    return {
        "country": COUNTRIES,
        "type": [t.slug for t in vocabulary["types"]],
        "status": ["held", "scheduled", "postponed", "cancelled"],
        "organization": [o.slug for o in vocabulary["organizations"]],
        "person": [p.slug for p in vocabulary["people"]],
        "topic": [t.slug for t in vocabulary["topics"]],
    }


def key_of(name, value, vocabulary):
    """The key a facet's counts use for a value of its filter: a code, a status or an id."""
    if name in {"country", "status"}:
        return value
    records = {"type": "types", "organization": "organizations", "person": "people"}
    pool = vocabulary[records.get(name, "topics")]
    return next(record.pk for record in pool if record.slug == value)


def with_only(query, name, value):
    data = QueryDict(query, mutable=True)
    data.setlist(name, [value])
    return data.urlencode()


@pytest.fixture
def generated(db):
    return generate(2500)


def views(vocabulary):
    org, person = vocabulary["organizations"][0].slug, vocabulary["people"][1].slug
    topic, kind = vocabulary["topics"][2].slug, vocabulary["types"][0].slug
    return [
        "",
        "country=KR",
        "country=KR&country=US",
        f"type={kind}",
        "status=scheduled&status=postponed",
        f"organization={org}",
        f"person={person}",
        f"topic={topic}",
        "from=2001-03&to=2009",
        f"country=JP&type={kind}",
        f"organization={org}&topic={topic}",
        f"person={person}&from=2010",
        "q=quantum+governance",
        "q=safety+-chips&country=GB",
    ]


def test_every_count_equals_the_events_a_click_on_it_gives(generated):
    for query in views(generated):
        fs = filterset(query)
        summary = timeline_index.select(fs).summary()
        assert summary.total == fs.qs.count(), query
        for name, values in every_value(generated).items():
            counts = summary.counts[name]
            for value in values:
                expected = filterset(with_only(query, name, value)).qs.count()
                got = counts.get(key_of(name, value, generated))
                assert got == expected, (query, name, value)


def test_the_total_equals_the_rows_paged_through_in_the_pages_order(generated):
    for query in [*views(generated), "order=asc", "q=governance&order=desc", "q=dialogue"]:
        fs = filterset(query)
        selection = timeline_index.select(fs)
        paged, offset = [], 0
        while page := selection.page(offset, 50):
            paged += page
            offset += 50
        assert paged == list(fs.qs.values_list("pk", flat=True)), query
        assert len(paged) == selection.summary().total


SEARCHES = [
    "quantum",  # a frequent word
    "Quantum GOVERNANCE",  # in capitals
    "governing",  # a spelling no event has, of a frequent word's stem
    "17",  # a rare word: one event's number
    "quantum or 17",  # a frequent word or a rare one
    "-safety",  # only a word left out
    "17 -quantum",
    '"export chips"',  # a phrase of frequent words
    'safety or "compute standards" -dialogue',
    '"governance 12',  # an unclosed phrase
    "zeppelin",  # no event
    "zeppelin or safety",
    "the",  # a stop word on PostgreSQL
    "ai-safety",  # a hyphenated word: a phrase to both databases
    "quantum's",
    "Zürich safety",  # not ASCII
    '-"export chips"',  # a phrase left out
    '"quantum of governance"',  # a phrase over a stop word (<2> on PostgreSQL)
    "safety or -quantum",
    'quantum -"export chips" or 17',
]


@pytest.mark.parametrize("text", SEARCHES)
def test_a_search_finds_what_the_database_finds_in_its_order(generated, text):
    """Searches are answered from the columns' frequent words, and the full-text index for
    the rest (tracker/words.py): the same events, in the same order of relevance."""
    query = QueryDict(mutable=True)
    query["q"] = text
    fs = filterset(query.urlencode())
    selection = timeline_index.select(fs)
    assert selection.summary().total == fs.qs.count()
    assert selection.page(0, 5000) == list(fs.qs.values_list("pk", flat=True))


@pytest.mark.parametrize("table_days", [chart.MAX_TABLE_DAYS, 0], ids=["table", "search"])
def test_the_chart_counts_each_period_as_the_database_does(generated, rf, monkeypatch, table_days):
    """The chart's counts (tracker/chart.py), by the period an event starts in, are the
    database's counts of the events starting in that period (an event that began before the
    view's first period, and runs into it, in the first); found by a table of days, or, over
    millennia, by a search."""
    monkeypatch.setattr(chart, "MAX_TABLE_DAYS", table_days)
    for query in ["", "country=US", "from=2005&to=2006", "from=2001-03&to=2001-05"]:
        fs = filterset(query)
        selection = timeline_index.select(fs)
        drawn = chart.build(rf.get(f"/?{query}"), selection, [], datetime.date(2026, 1, 1), 50)
        assert drawn.mode == "counts"
        starts = list(fs.qs.values_list("start_date", flat=True))
        counted = 0
        for i, (_, url, (found,)) in enumerate(drawn.periods):
            period = QueryDict(url.lstrip("?"))
            first = PartialDate.parse(period["from"]).first if i else datetime.date.min
            last = PartialDate.parse(period["to"]).last
            assert found == sum(first <= day <= last for day in starts), (query, url)
            counted += found
        assert counted == len(starts)


def test_the_top_options_are_the_largest_counts_ties_broken_by_key(generated):
    summary = timeline_index.select(filterset("")).summary()
    counts = summary.counts["person"]
    expected = sorted(counts.as_dict().items(), key=lambda item: (-item[1], item[0]))
    assert counts.top(4) == [key for key, _ in expected[:4]]


# Edits: seen at once, by this worker and by another -------------------------------------------


def answers(index, query):
    fs = filterset(query)
    selection = timeline_index.Selection(index.current(), fs)
    summary = selection.summary()
    counts = {name: counts.as_dict() for name, counts in summary.counts.items()}
    return summary.total, counts, selection.page(0, 1000)


def truth(query):
    """What the database says, through the same answers as ``answers`` (a fresh build)."""
    return answers(timeline_index.TimelineIndex(), query)


@pytest.fixture
def two_workers(db):
    """Two worker processes' columns, each built before the edit."""
    generate(300, seed=7)
    first, second = timeline_index.TimelineIndex(), timeline_index.TimelineIndex()
    first.current(), second.current()
    return first, second


def edits():
    def edit(event):
        event.event_type = factories.EventTypeFactory()
        event.start_date, event.start_precision = datetime.date(2031, 5, 1), "day"
        event.end_date, event.end_precision = None, ""
        event.save()

    def delete(event):
        event.delete()

    def unpublish(event):
        event.published = False
        event.save()

    def add_participant(event):
        Participation.objects.create(event=event, person=factories.PersonFactory(country="BR"))

    def add_topic(event):
        event.topics.add(factories.TopicFactory())

    def delete_a_topic(event):
        event.topics.first().delete()

    def clear_a_topic(event):
        event.topics.first().events.clear()

    return [edit, delete, unpublish, add_participant, add_topic, delete_a_topic, clear_a_topic]


@pytest.mark.parametrize("change", edits(), ids=lambda change: change.__name__)
def test_an_edit_changes_the_next_answer_of_every_worker(two_workers, change):
    first, second = two_workers
    event = Event.objects.published().exclude(topics=None).order_by("pk")[10]
    before = truth("")
    change(event)
    after = truth("")
    assert after != before
    assert answers(first, "") == after
    assert answers(second, "") == after
    assert answers(first, "country=BR") == truth("country=BR")


def test_a_changed_title_is_found_by_its_new_words_in_every_worker(two_workers):
    first, second = two_workers
    event = Event.objects.published().exclude(search_document__icontains="quantum")[3]
    before = {worker: answers(worker, "q=quantum") for worker in two_workers}
    event.title = "Quantum zeppelin"
    event.save()
    Event.objects.filter(pk=event.pk).refresh_derived()
    for worker in (first, second):
        for query in ("q=quantum", "q=zeppelin", "q=quantum+zeppelin", "q=safety"):
            assert answers(worker, query) == truth(query), query
        assert answers(worker, "q=quantum")[0] == before[worker][0] + 1
        assert answers(worker, "q=zeppelin")[2] == [event.pk]


def test_publishing_a_draft_puts_it_on_the_timeline_of_every_worker(two_workers):
    first, second = two_workers
    draft = Event.objects.drafts().order_by("pk").first()
    total = answers(first, "")[0]
    draft.published = True
    draft.save()
    for worker in (first, second):
        found_total, _, page = answers(worker, "")
        assert found_total == total + 1
        assert draft.pk in page
    assert answers(first, "") == truth("")


def test_many_edits_are_patched_in_and_compacted_without_drift(two_workers, monkeypatch):
    first, _ = two_workers
    events = list(Event.objects.published().order_by("pk")[:120])
    for i, event in enumerate(events):
        event.start_date = datetime.date(2000 + i % 20, 1 + i % 12, 1)
        event.start_precision = "month"
        event.end_date, event.end_precision = None, ""
        event.save()
        if i % 10 == 0:
            assert answers(first, "") == truth("")
    assert answers(first, "from=2005&to=2010") == truth("from=2005&to=2010")
    assert first.builds == 1  # patched, never built again


def test_a_worker_far_behind_builds_afresh(two_workers, monkeypatch):
    first, _ = two_workers
    monkeypatch.setattr(timeline_index, "REBUILD_AT", 5)
    first_twenty = list(Event.objects.published().order_by("pk").values_list("pk", flat=True)[:20])
    Event.objects.filter(pk__in=first_twenty).refresh_derived()  # logs twenty changes
    Event.objects.filter(pk=Event.objects.published().order_by("pk")[0].pk).update(published=False)
    EventChange.note([Event.objects.order_by("pk")[0].pk])
    assert answers(first, "") == truth("")
    assert first.builds == 2


def test_a_change_logged_out_of_order_is_still_applied(two_workers):
    """On PostgreSQL a write can take a log id and commit after a later one is read: the
    worker keeps looking for the missing id for a while."""
    first, _ = two_workers
    event = Event.objects.published().order_by("pk")[3]
    newest = EventChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    other = Event.objects.published().order_by("pk")[4]
    EventChange.objects.create(pk=newest + 2, event_id=other.pk)
    first.current()
    assert newest + 1 in first.holes
    # The write that took the id in between commits now.
    Event.objects.filter(pk=event.pk).update(published=False)
    EventChange.objects.create(pk=newest + 1, event_id=event.pk)
    assert answers(first, "") == truth("")
    assert newest + 1 not in first.holes


def test_the_columns_hold_each_event_and_link_once(two_workers):
    first, _ = two_workers
    columns = first.current()
    assert columns.size == Event.objects.published().count()
    assert int(columns.alive.sum()) == columns.size
    countries = columns.links["country"]
    published = EventCountry.objects.filter(event__published=True).count()
    assert len(countries.slots) == published


def test_a_hole_found_after_a_long_idle_is_still_applied(two_workers, monkeypatch):
    """A worker that served nothing for longer than it waits for a hole still reads the
    hole before giving it up."""
    first, _ = two_workers
    event = Event.objects.published().order_by("pk")[5]
    newest = EventChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    EventChange.objects.create(pk=newest + 2, event_id=Event.objects.published()[6].pk)
    first.current()
    first.holes = {pk: since - 10 * timeline_index.HOLE_WAIT for pk, since in first.holes.items()}
    Event.objects.filter(pk=event.pk).update(published=False)
    EventChange.objects.create(pk=newest + 1, event_id=event.pk)
    assert answers(first, "") == truth("")


def test_an_unknown_status_is_no_option_and_no_error(two_workers, client):
    Event.objects.filter(pk=Event.objects.published().order_by("pk")[0].pk).update(status="legacy")
    timeline_index.INDEX.forget()
    response = client.get("/")
    assert response.status_code == 200
    statuses = [option.value for option in response.context_data["facets"]["status"]]
    assert "legacy" not in statuses


@pytest.mark.parametrize("share", [0.0, 0.01, 0.2, 0.3, 0.7, 1.0])
def test_links_count_as_numpy_counts_whether_few_or_many_events_are_chosen(share):
    """Both compiled ways of counting (by slot for few chosen events, by value for many)
    give the plain count, links appended by a patch included."""
    import numpy as np

    rng = np.random.default_rng(7)
    size = 5000
    slots = rng.integers(0, size, 20000).astype(np.int32)
    values = rng.integers(0, 300, 20000).astype(np.int32)
    links = timeline_index.Links.of(slots, values, size)
    tail_slots = rng.integers(0, size, 50).astype(np.int32)
    tail_values = rng.integers(0, 400, 50).astype(np.int32)  # a value beyond the indexed ones
    links = links.appended(tail_slots, tail_values)
    mask = rng.random(size) < share
    pairs = np.unique(np.stack([slots, values]), axis=1)
    expected = np.bincount(
        np.concatenate([pairs[1][mask[pairs[0]]], tail_values[mask[tail_slots]]]),
        minlength=400,
    )
    found = links.counts(mask, int(mask.sum()))
    assert np.pad(found, (0, 400 - len(found))).tolist() == expected.tolist()


def test_a_mask_shorter_than_the_links_slots_is_refused_not_read_past():
    import numpy as np

    links = timeline_index.Links.of(
        np.array([0, 9], dtype=np.int32), np.array([1, 2], dtype=np.int32), 10
    )
    with pytest.raises(ValueError, match="shorter"):
        links.counts(np.ones(5, dtype=bool), 5)


def test_the_lists_event_counts_are_the_databases_and_follow_edits(generated, client):
    """/people/ and /organizations/ count each record's published events on the columns."""
    people = {p.slug: p.event_count for p in client.get("/people/").context_data["object_list"]}
    assert people == {
        person.slug: person.participations.filter(event__published=True)
        .values("event").distinct().count()
        for person in factories.PersonFactory._meta.model.objects.all()
    }  # fmt: skip
    person = factories.PersonFactory._meta.model.objects.order_by("pk").first()
    event = Event.objects.published().filter(participations__person=person).first()
    event.published = False
    event.save()  # as the admin saves: the page cache and the columns both follow
    again = {p.slug: p.event_count for p in client.get("/people/").context_data["object_list"]}
    assert again[person.slug] == people[person.slug] - 1
