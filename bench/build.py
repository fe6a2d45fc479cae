"""Build a synthetic timeline of realistic shape, in bulk, for the benchmark.

100,000 events over 30 years; a few thousand organizations and people; 2-6 participants and
1-3 sources per event; topics; partial dates (day, month and year precision) and multi-day
events. Derived data (countries involved, search documents) is computed here in Python, the
same way the models compute it, so that building takes a minute rather than hours. On
PostgreSQL the rows go in with COPY, so a million events take minutes.
"""

import datetime
import io
import random

from django.db import connection, transaction
from django.utils import timezone
from django_countries import countries

from tracker.dates import PartialDate
from tracker.models import (
    Citation,
    Event,
    EventCountry,
    EventType,
    Organization,
    Participation,
    Person,
    Source,
    Topic,
)

BATCH = 5000
WORDS = [
    *("artificial intelligence safety standards semiconductor quantum research governance",),
    *("export controls data privacy cloud compute talent cooperation security innovation",),
    *("frontier models evaluation testing alignment interoperability trade supply chain",),
    *("cyber digital infrastructure biotechnology energy climate dialogue partnership",),
]
WORDS = [word for line in WORDS for word in line.split(" ")]
TYPES = [
    ("summit", "Summit"),
    ("state-visit", "State visit"),
    ("dialogue", "Dialogue"),
    ("working-group-meeting", "Working group meeting"),
    ("ministerial-meeting", "Ministerial meeting"),
    ("announcement", "Announcement"),
    ("forum", "Forum"),
    ("agreement-signing", "Agreement signing"),
]
KINDS = ["ministry", "agency", "head-of-government-office", "research-institute", "company"]


class BulkCreator:
    """Writes through the ORM's bulk_create (SQLite)."""

    def events(self, events):
        Event.objects.bulk_create([Event(**values) for values in events], batch_size=BATCH)
        return list(Event.objects.order_by("-pk").values_list("pk", flat=True)[: len(events)])[::-1]

    def rows(self, model, rows):
        model.objects.bulk_create([model(**values) for values in rows], batch_size=BATCH)

    def finish(self):
        pass


class Copier:
    """Writes with PostgreSQL's COPY, the fastest way in: a million events take minutes, not
    the better part of an hour. Rows are plain values (no model instances); events get their
    ids here, so their links need no query; the sequences are set after."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tracker_event")
            self.next_id = cursor.fetchone()[0] + 1
        now = timezone.now()
        self.stamps = {"created_at": now, "updated_at": now}
        self.tables = set()

    def events(self, events):
        ids = list(range(self.next_id, self.next_id + len(events)))
        self.next_id += len(events)
        rows = [{"id": pk, **self.stamps, **values} for pk, values in zip(ids, events, strict=True)]
        self.copy(Event, rows, with_pk=True)
        return ids

    def rows(self, model, rows):
        self.copy(model, rows)

    def copy(self, model, rows, with_pk=False):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        defaults = [f.get_db_prep_save(f.get_default(), connection) for f in fields]
        names = [f.attname for f in fields]
        buffer = io.StringIO()
        for row in rows:
            values = (row.get(name, default) for name, default in zip(names, defaults, strict=True))
            buffer.write("\t".join(map(_copy_text, values)))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        self.tables.add(table)

    def finish(self):
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )


def _copy_text(value):
    """A value as COPY's text format writes it."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def phrase(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


@transaction.atomic
def build(n_events=100_000, seed=20240412, stdout=print):
    rng = random.Random(seed)
    # The countries a reader of this field asks about most, then 55 others.
    common = ["KR", "US", "GB", "JP", "FR"]
    codes = common + [code for code, _ in countries if code not in common][:55]
    weights = [30, 25, 15, 12, 10] + [2] * (len(codes) - 5)
    statuses = ["held", "scheduled", "postponed", "cancelled"]
    cities = ["Seoul", "Washington, D.C.", "London", "Tokyo", "Paris", "Geneva"]
    roles = ["host", "participant", "participant", "co-chair", "speaker"]

    types = [EventType.objects.get_or_create(slug=s, defaults={"name": n})[0] for s, n in TYPES]
    topics = Topic.objects.bulk_create(
        [Topic(name=f"{phrase(rng, 2).title()} {i}", slug=f"bench-topic-{i}") for i in range(40)]
    )
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                name=f"{phrase(rng, 2).title()} Office {i}",
                slug=f"bench-org-{i}",
                kind=rng.choice(KINDS),
                country=rng.choices(codes, weights)[0],
            )
            for i in range(3000)
        ],
        batch_size=BATCH,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}",
                slug=f"bench-person-{i}",
                country=rng.choices(codes, weights)[0],
            )
            for i in range(4000)
        ],
        batch_size=BATCH,
    )
    sources = Source.objects.bulk_create(
        [
            Source(
                title=f"Report {i}: {phrase(rng, 5)}",
                url=f"https://news.example.org/bench/{i}",
                publisher=f"Publisher {i % 200}",
                published_date=datetime.date(1996, 1, 1) + datetime.timedelta(days=i % 11000),
            )
            for i in range(20_000)
        ],
        batch_size=BATCH,
    )
    stdout(f"  vocabularies, {len(organizations)} organizations, {len(people)} people")

    writer = Copier() if connection.vendor == "postgresql" else BulkCreator()
    # Plain values, read once: model attributes (a country field makes an object per read)
    # cost more than the rest of the building.
    organizations = [(org.pk, org.name, str(org.country)) for org in organizations]
    people = [(person.pk, person.name, str(person.country)) for person in people]
    topics = [(topic.pk, topic.name) for topic in topics]
    sources = [source.pk for source in sources]
    types = [(kind.pk, kind.name) for kind in types]
    start = datetime.date(1996, 1, 1)
    span = (datetime.date(2026, 12, 31) - start).days
    made = 0
    while made < n_events:
        batch = min(BATCH, n_events - made)
        events, plans = [], []
        for i in range(made, made + batch):
            day = start + datetime.timedelta(days=rng.randrange(span))
            precision = rng.choices(["day", "month", "year"], [75, 20, 5])[0]
            first = PartialDate.of(day, precision)
            type_id, type_name = rng.choice(types)
            title = f"{phrase(rng, 3).title()} {type_name.lower()} {i}"
            summary = phrase(rng, 18)
            event = {
                "title": title,
                "slug": f"bench-event-{i}",
                "event_type_id": type_id,
                "status": rng.choices(statuses, [90, 6, 2, 2])[0],
                "start_date": first.date,
                "start_precision": precision,
                "last_day": first.last,
                "city": rng.choice(cities),
                "country": rng.choices(codes, weights)[0],
                "summary": summary,
                "published": rng.random() > 0.02,
            }
            if precision == "day" and rng.random() < 0.2:
                event["end_date"] = day + datetime.timedelta(days=rng.randint(1, 4))
                event["end_precision"] = "day"
                event["last_day"] = event["end_date"]
            parties = [
                (rng.choice(organizations), rng.choice(people) if rng.random() < 0.6 else None)
                for _ in range(rng.randint(2, 6))
            ]
            event_topics = rng.sample(topics, rng.randint(1, 3))
            event["search_document"] = "\n".join(
                [title, summary, type_name, event["city"]]
                + [org[1] for org, _ in parties]
                + [person[1] for _, person in parties if person]
                + [topic[1] for topic in event_topics]
            )
            events.append(event)
            plans.append((parties, event_topics, rng.sample(sources, rng.randint(1, 3))))
        ids = writer.events(events)
        participations, citations, tags, links = [], [], [], []
        for event_id, event, (parties, event_topics, cited) in zip(ids, events, plans, strict=True):
            involved = {event["country"]}
            for order, (org, person) in enumerate(parties):
                participations.append(
                    {
                        "event_id": event_id,
                        "organization_id": org[0],
                        "person_id": person[0] if person else None,
                        "role": rng.choice(roles),
                        "order": order,
                    }
                )
                involved.add(org[2])
                if person:
                    involved.add(person[2])
            citations += [{"event_id": event_id, "source_id": source} for source in cited]
            tags += [{"event_id": event_id, "topic_id": topic[0]} for topic in event_topics]
            links += [{"event_id": event_id, "country": c} for c in sorted(involved) if c]
        writer.rows(Participation, participations)
        writer.rows(Citation, citations)
        writer.rows(Event.topics.through, tags)
        writer.rows(EventCountry, links)
        made += batch
        if made % (n_events // 5 or 1) == 0:
            stdout(f"  {made} events")
    writer.finish()
