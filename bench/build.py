"""Build a synthetic timeline of realistic shape, in bulk, for the benchmark.

100,000 events over 30 years; a few thousand organizations and people; 2-6 participants and
1-3 sources per event; topics; partial dates (day, month and year precision) and multi-day
events. Derived data (countries involved, search documents) is computed here in Python, the
same way the models compute it, so that building takes a minute rather than hours.
"""

import datetime
import random

from django.db import transaction
from django_countries import countries

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

    start = datetime.date(1996, 1, 1)
    span = (datetime.date(2026, 12, 31) - start).days
    made = 0
    while made < n_events:
        batch = min(BATCH, n_events - made)
        events, plans = [], []
        for i in range(made, made + batch):
            day = start + datetime.timedelta(days=rng.randrange(span))
            precision = rng.choices(["day", "month", "year"], [75, 20, 5])[0]
            first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}
            event_type = rng.choice(types)
            title = f"{phrase(rng, 3).title()} {event_type.name.lower()} {i}"
            summary = phrase(rng, 18)
            event = Event(
                title=title,
                slug=f"bench-event-{i}",
                event_type=event_type,
                status=rng.choices(statuses, [90, 6, 2, 2])[0],
                start_date=first[precision],
                start_precision=precision,
                city=rng.choice(cities),
                country=rng.choices(codes, weights)[0],
                summary=summary,
                published=rng.random() > 0.02,
            )
            if precision == "day" and rng.random() < 0.2:
                event.end_date = day + datetime.timedelta(days=rng.randint(1, 4))
                event.end_precision = "day"
            event.last_day = event.span_last_day()
            parties = [
                (rng.choice(organizations), rng.choice(people) if rng.random() < 0.6 else None)
                for _ in range(rng.randint(2, 6))
            ]
            event_topics = rng.sample(topics, rng.randint(1, 3))
            event.search_document = "\n".join(
                [title, summary, event_type.name, event.city]
                + [org.name for org, _ in parties]
                + [person.name for _, person in parties if person]
                + [topic.name for topic in event_topics]
            )
            events.append(event)
            plans.append((parties, event_topics, rng.sample(sources, rng.randint(1, 3))))
        Event.objects.bulk_create(events, batch_size=BATCH)
        created = list(Event.objects.order_by("-pk")[:batch])[::-1]
        participations, citations, tags, links = [], [], [], []
        for event, (parties, event_topics, cited) in zip(created, plans, strict=True):
            involved = {str(event.country)}
            for order, (org, person) in enumerate(parties):
                participations.append(
                    Participation(
                        event=event,
                        organization=org,
                        person=person,
                        role=rng.choice(roles),
                        order=order,
                    )
                )
                involved.add(str(org.country))
                if person:
                    involved.add(str(person.country))
            citations += [Citation(event=event, source=source) for source in cited]
            tags += [Event.topics.through(event=event, topic=topic) for topic in event_topics]
            links += [EventCountry(event=event, country=code) for code in sorted(involved) if code]
        Participation.objects.bulk_create(participations, batch_size=BATCH)
        Citation.objects.bulk_create(citations, batch_size=BATCH)
        Event.topics.through.objects.bulk_create(tags, batch_size=BATCH)
        EventCountry.objects.bulk_create(links, batch_size=BATCH)
        made += batch
        if made % 20_000 == 0:
            stdout(f"  {made} events")
