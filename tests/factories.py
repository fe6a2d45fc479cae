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
