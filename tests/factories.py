"""Factories for every record; conftest.py exposes them as fixtures."""

import datetime

import factory

from tracker import models


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EventType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Some words about the tracker."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")
    publisher = "Example News"
    published_date = datetime.date(2024, 4, 12)
    published_precision = "day"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Ministry {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    kind = "ministry"
    country = "KR"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    country = "US"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Role

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Director"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    title = factory.Sequence(lambda n: f"Meeting {n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    event_type = factory.SubFactory(EventTypeFactory, slug="dialogue", name="Dialogue")
    status = "held"
    start_date = datetime.date(2024, 4, 11)
    start_precision = "day"
    published = True


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participation

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "participant"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Citation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)


def build_timeline(n_events, *, start=datetime.date(1996, 1, 1)):
    """``n_events`` published events with participants, sources and topics, made in bulk.

    Shared by the query-count tests; the benchmark has its own, larger builder."""
    organizations = [
        OrganizationFactory(country=["KR", "US", "GB", "JP", "FR"][i % 5]) for i in range(10)
    ]
    people = [PersonFactory(country=["KR", "US", "GB"][i % 3]) for i in range(10)]
    topics = [TopicFactory() for _ in range(5)]
    sources = [SourceFactory() for _ in range(5)]
    event_type = EventTypeFactory(slug="summit", name="Summit")
    events = []
    for i in range(n_events):
        day = start + datetime.timedelta(days=i * 7)
        precision = ["day", "month", "day", "year"][i % 4]
        first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}
        event = models.Event(
            title=f"Bulk event {i}",
            slug=f"bulk-event-{i}",
            event_type=event_type,
            start_date=first[precision],
            start_precision=precision,
            country=["KR", "US", ""][i % 3],
            summary=f"Summary {i}",
            published=True,
        )
        event.last_day = event.span_last_day()
        events.append(event)
    models.Event.objects.bulk_create(events)
    events = list(models.Event.objects.filter(slug__startswith="bulk-event-").order_by("pk"))
    participations, citations, tags = [], [], []
    for i, event in enumerate(events):
        for k in range(4):
            participations.append(
                models.Participation(
                    event=event,
                    organization=organizations[(i + k) % 10],
                    person=people[(i + k) % 10] if k % 2 else None,
                    role="participant",
                    order=k,
                )
            )
        citations.append(models.Citation(event=event, source=sources[i % 5]))
        citations.append(models.Citation(event=event, source=sources[(i + 1) % 5]))
        tags.append(models.Event.topics.through(event=event, topic=topics[i % 5]))
    models.Participation.objects.bulk_create(participations)
    models.Citation.objects.bulk_create(citations)
    models.Event.topics.through.objects.bulk_create(tags)
    models.Event.objects.filter(pk__in=[e.pk for e in events]).refresh_derived()
    return events
