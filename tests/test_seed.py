"""The seed timeline ships with the app, complete, and loads idempotently."""

import datetime

import pytest
from django.core.management import call_command
from reversion.models import Version

from tracker.models import Citation, Event, EventRelation, Organization, Participation, Person, Role

SEED_EVENTS = {
    "state-visit-2023": ("2023-04-24", "day", "2023-04-29", "24–29 April 2023"),
    "nget-dialogue-2023": ("2023-12-09", "day", None, "9 December 2023"),
    "ai-working-group-first-meeting-2024": ("2024-04-11", "day", None, "11 April 2024"),
    "ai-working-group-announcement-2024": ("2024-04-12", "day", None, "12 April 2024"),
    "ai-seoul-summit-2024": ("2024-05-21", "day", "2024-05-22", "21–22 May 2024"),
}


def test_seed_has_the_five_events_with_their_dates(seeded):
    for slug, (start, precision, end, shown) in SEED_EVENTS.items():
        event = Event.objects.get(slug=slug)
        assert event.start_date.isoformat() == start
        assert event.start_precision == precision
        assert (event.end_date.isoformat() if event.end_date else None) == end
        assert event.date_display == shown
        assert event.published


def test_every_seed_event_cites_a_source(seeded):
    for event in Event.objects.all():
        assert event.citations.exists(), event.slug
    assert set(Event.objects.publishable()) == set(Event.objects.all())


def test_seed_article_is_cited_with_the_discrepancy_notes(seeded):
    announcement = Event.objects.get(slug="ai-working-group-announcement-2024")
    article = announcement.citations.get(source__publisher="BABL AI")
    assert "foreign ministries of both countries" in article.quote
    assert "Disagrees" in article.note
    meeting = Event.objects.get(slug="ai-working-group-first-meeting-2024")
    assert "Core and Emerging Technology" in meeting.citations.get(source__publisher="BABL AI").note


def test_seed_people_organizations_and_roles(seeded):
    seth = Person.objects.get(slug="seth-center")
    role = seth.roles.get()
    assert role.title == "Acting Special Envoy for Critical and Emerging Technology"
    assert role.organization.parent.slug == "department-of-state"
    assert Person.objects.get(slug="yoon-suk-yeol").native_name == "윤석열"
    assert (
        Organization.objects.filter(
            slug__in=["jake-sullivan", "ministry-of-foreign-affairs", "department-of-state"]
        ).count()
        == 2
    )
    assert Person.objects.filter(slug="jake-sullivan").exists()
    yoon = Role.objects.get(person__slug="yoon-suk-yeol")
    assert not yoon.is_current(datetime.date(2026, 1, 1))
    sullivan = Participation.objects.get(
        event__slug="nget-dialogue-2023", person__slug="jake-sullivan"
    )
    assert (sullivan.role, sullivan.title) == ("co-chair", "National Security Advisor")


def test_seed_relations_read_as_the_facts_say(seeded):
    def related(a, kind, b):
        return EventRelation.objects.filter(
            from_event__slug=a, kind=kind, to_event__slug=b
        ).exists()

    assert related("nget-dialogue-2023", "follows-from", "state-visit-2023")
    assert related("ai-working-group-first-meeting-2024", "follows-from", "nget-dialogue-2023")
    assert related(
        "ai-working-group-announcement-2024", "announces", "ai-working-group-first-meeting-2024"
    )
    assert related("ai-working-group-first-meeting-2024", "prepares", "ai-seoul-summit-2024")


def test_seed_summit_has_its_sessions(seeded):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    assert set(summit.sub_events.values_list("slug", flat=True)) == {
        "ai-seoul-summit-2024-leaders-session",
        "ai-seoul-summit-2024-ministers-meeting",
        "ai-global-forum-2024",
    }
    assert set(summit.country_links.values_list("country", flat=True)) == {"KR", "GB"}


def counts():
    return [
        model.objects.count()
        for model in (Event, Organization, Person, Role, Participation, Citation, EventRelation)
    ]


@pytest.mark.django_db
def test_load_seed_is_idempotent(capsys):
    call_command("load_seed")
    first = counts()
    call_command("load_seed")
    assert counts() == first
    assert "Created: nothing." in capsys.readouterr().out


@pytest.mark.django_db
def test_load_seed_never_overwrites_an_editors_change():
    call_command("load_seed")
    event = Event.objects.get(slug="nget-dialogue-2023")
    event.title = "Edited by an editor"
    event.save()
    event.participations.filter(person__slug="jake-sullivan").delete()
    call_command("load_seed")
    event.refresh_from_db()
    assert event.title == "Edited by an editor"
    assert not event.participations.filter(person__slug="jake-sullivan").exists()


@pytest.mark.django_db
def test_load_seed_records_history():
    call_command("load_seed")
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    version = Version.objects.get_for_object(summit).get()
    assert version.revision.comment == "Loaded from the seed timeline"
    # The whole event: its participants and sources are in the same revision.
    parts = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"event", "participation", "citation", "eventrelation"} <= parts
