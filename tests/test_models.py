"""The records: database constraints, derived countries, querysets and role states."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tracker.dates import PartialDate
from tracker.models import Event, EventCountry, EventRelation, Participation, Role

D = datetime.date


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


# Constraints hold in the database, not only in forms -------------------------------------


def test_end_before_start_is_refused_by_the_database(event_factory):
    event = event_factory()
    refused(
        lambda: Event.objects.filter(pk=event.pk).update(
            end_date=D(2024, 4, 10), end_precision="day"
        )
    )


def test_month_precision_date_must_sit_on_the_first_of_the_month(event_factory):
    event = event_factory(start_date=D(2023, 12, 1), start_precision="month")
    refused(lambda: Event.objects.filter(pk=event.pk).update(start_date=D(2023, 12, 9)))


def test_year_precision_date_must_sit_on_the_first_of_january(event_factory):
    event = event_factory(start_date=D(2023, 1, 1), start_precision="year")
    refused(lambda: Event.objects.filter(pk=event.pk).update(start_date=D(2023, 12, 1)))


def test_end_date_needs_a_precision(event_factory):
    event = event_factory()
    refused(lambda: Event.objects.filter(pk=event.pk).update(end_date=D(2024, 4, 12)))


def test_slugs_are_unique(event_factory, organization_factory, person_factory):
    event_factory(slug="same")
    refused(lambda: event_factory(slug="same"))
    organization_factory(slug="same")
    refused(lambda: organization_factory(slug="same"))
    person_factory(slug="same")
    refused(lambda: person_factory(slug="same"))


def test_participation_names_an_organization_or_a_person(event_factory):
    event = event_factory()
    refused(lambda: Participation.objects.create(event=event, role="host"))


def test_an_event_cannot_relate_to_itself(event_factory):
    event = event_factory()
    refused(lambda: EventRelation.objects.create(from_event=event, to_event=event, kind="prepares"))


def test_role_end_not_before_start(role_factory):
    role = role_factory(start_date=D(2022, 5, 10), start_precision="day")
    refused(
        lambda: Role.objects.filter(pk=role.pk).update(end_date=D(2021, 1, 1), end_precision="year")
    )


def test_source_urls_are_unique_but_many_sources_may_have_none(source_factory):
    source_factory(url="https://example.org/a")
    refused(lambda: source_factory(url="https://example.org/a"))
    source_factory(url="")
    source_factory(url="")


# Cited records are protected ------------------------------------------------------------


def test_deleting_an_organization_that_events_cite_is_refused(participation_factory):
    participation = participation_factory()
    with pytest.raises(ProtectedError):
        participation.organization.delete()


def test_deleting_a_person_that_events_cite_is_refused(participation_factory, person_factory):
    participation = participation_factory(person=person_factory())
    with pytest.raises(ProtectedError):
        participation.person.delete()


def test_deleting_a_cited_source_is_refused(citation_factory):
    citation = citation_factory()
    with pytest.raises(ProtectedError):
        citation.source.delete()


def test_deleting_a_parent_event_with_sessions_is_refused(event_factory):
    summit = event_factory()
    event_factory(parent=summit)
    with pytest.raises(ProtectedError):
        summit.delete()


# Dates on the model -------------------------------------------------------------------------


def test_last_day_covers_the_whole_period_the_event_may_mean(event_factory):
    december = event_factory(start_date=D(2023, 12, 1), start_precision="month")
    assert december.last_day == D(2023, 12, 31)
    assert december.date_display == "December 2023"
    visit = event_factory(start_date=D(2023, 4, 24), end_date=D(2023, 4, 29), end_precision="day")
    assert visit.last_day == D(2023, 4, 29)
    assert visit.date_display == "24–29 April 2023"
    year = event_factory(start_date=D(2025, 1, 1), start_precision="year")
    assert year.last_day == D(2025, 12, 31)


def test_start_and_end_read_and_write_partial_dates(event_factory):
    event = event_factory()
    event.start = PartialDate.parse("2024-05")
    event.end = None
    event.save()
    event.refresh_from_db()
    assert (event.start_date, event.start_precision, event.end_date) == (
        D(2024, 5, 1),
        "month",
        None,
    )
    assert event.last_day == D(2024, 5, 31)


# Querysets -----------------------------------------------------------------------------------


def test_published_hides_drafts(event_factory):
    shown = event_factory()
    event_factory(published=False)
    assert list(Event.objects.published()) == [shown]


def test_upcoming_and_past_split_at_today(event_factory):
    today = D(2024, 5, 21)
    yesterday = event_factory(start_date=D(2024, 5, 20))
    on_today = event_factory(start_date=D(2024, 5, 21))
    this_month = event_factory(start_date=D(2024, 5, 1), start_precision="month")
    cancelled = event_factory(start_date=D(2024, 6, 1), status="cancelled")
    assert set(Event.objects.upcoming(today)) == {on_today, this_month}
    assert set(Event.objects.past(today)) == {yesterday}
    assert cancelled not in Event.objects.upcoming(today)


def test_overlapping_understands_precision(event_factory):
    december = event_factory(start_date=D(2023, 12, 1), start_precision="month")
    mid_december = event_factory(
        start_date=D(2023, 12, 10), end_date=D(2023, 12, 20), end_precision="day"
    )
    early_december = event_factory(start_date=D(2023, 12, 9))
    in_2024 = event_factory(start_date=D(2024, 12, 31))
    found = Event.objects.overlapping(first=D(2023, 12, 15), last=D(2024, 12, 31))
    assert set(found) == {december, mid_december, in_2024}
    assert early_december not in found


def test_chronological_orders_newest_first_or_oldest_first(event_factory):
    a = event_factory(start_date=D(2023, 4, 24))
    b = event_factory(start_date=D(2023, 12, 1), start_precision="month")
    c = event_factory(start_date=D(2023, 12, 9))
    assert list(Event.objects.chronological()) == [c, b, a]
    # "December 2023" sits at the start of its month in both orders.
    assert list(Event.objects.chronological(newest_first=False)) == [a, b, c]


# Countries an event involves ------------------------------------------------------------------


def countries(event):
    return set(EventCountry.objects.filter(event=event).values_list("country", flat=True))


def test_event_involves_venue_participants_and_added_countries(
    event_factory, organization_factory, person_factory, participation_factory
):
    event = event_factory(country="KR")
    assert countries(event) == {"KR"}
    participation_factory(event=event, organization=organization_factory(country="US"))
    assert countries(event) == {"KR", "US"}
    participation_factory(event=event, organization=None, person=person_factory(country="GB"))
    assert countries(event) == {"KR", "US", "GB"}
    event.extra_countries = ["JP"]
    event.save()
    assert countries(event) == {"KR", "US", "GB", "JP"}
    assert set(Event.objects.involving(["GB"])) == {event}
    assert not Event.objects.involving(["FR"]).exists()


def test_countries_follow_edits_to_participants(
    event_factory, organization_factory, participation_factory
):
    event = event_factory(country="")
    ministry = organization_factory(country="US")
    participation = participation_factory(event=event, organization=ministry)
    assert countries(event) == {"US"}
    ministry.country = "CA"
    ministry.save()
    assert countries(event) == {"CA"}
    participation.delete()
    assert countries(event) == set()


def test_search_document_gathers_participants_and_topics(
    event_factory, person_factory, participation_factory, topic_factory
):
    event = event_factory(title="Working group")
    person = person_factory(name="Seth Center", other_names="S. Center")
    participation_factory(event=event, person=person, organization=None)
    event.topics.add(topic_factory(name="AI safety"))
    event.refresh_from_db()
    for text in ["Working group", "Seth Center", "S. Center", "AI safety"]:
        assert text in event.search_document


# Roles --------------------------------------------------------------------------------------


def test_roles_are_current_or_former_truthfully(role_factory):
    today = D(2026, 1, 1)
    president = role_factory(
        start_date=D(2022, 5, 10),
        start_precision="day",
        end_date=D(2025, 4, 4),
        end_precision="day",
    )
    open_ended = role_factory()
    ended_unknown_date = role_factory(ended=True)
    ends_later = role_factory(end_date=D(2027, 1, 1), end_precision="year")
    assert set(Role.objects.current(today)) == {open_ended, ends_later}
    assert set(Role.objects.former(today)) == {president, ended_unknown_date}
    assert president.period == "10 May 2022 – 4 April 2025"
    assert not president.is_current(today) and open_ended.is_current(today)


def test_every_other_constraint_holds_in_the_database(
    event_factory, organization_factory, citation_factory, role_factory
):
    from tracker.models import Citation, DataVersion, EventCountry, Organization

    event = event_factory()
    refused(lambda: Event.objects.filter(pk=event.pk).update(start_precision=""))
    refused(lambda: Event.objects.filter(pk=event.pk).update(last_day=D(2000, 1, 1)))
    refused(lambda: Event.objects.filter(pk=event.pk).update(parent=event))
    ministry = organization_factory()
    refused(lambda: Organization.objects.filter(pk=ministry.pk).update(parent=ministry))
    citation = citation_factory(event=event)
    refused(lambda: Citation.objects.create(event=event, source=citation.source))
    refused(
        lambda: (
            EventCountry.objects.create(event=event, country="KR")
            and EventCountry.objects.create(event=event, country="KR")
        )
    )
    role = role_factory(start_date=D(2023, 1, 1), start_precision="year")
    refused(lambda: Role.objects.filter(pk=role.pk).update(start_date=D(2023, 6, 1)))
    refused(lambda: Role.objects.filter(pk=role.pk).update(start_precision=""))
    refused(lambda: DataVersion.objects.create(pk=2))


@pytest.mark.parametrize("model", ["event", "organization", "person", "topic"])
def test_wikidata_ids_are_checked(
    model, event_factory, organization_factory, person_factory, topic_factory
):
    from django.core.exceptions import ValidationError

    factory = {
        "event": event_factory,
        "organization": organization_factory,
        "person": person_factory,
        "topic": topic_factory,
    }[model]
    record = factory()
    record.wikidata_id = "Q22686"
    record.full_clean()
    record.wikidata_id = "22686"
    with pytest.raises(ValidationError, match="Wikidata item ID"):
        record.full_clean()
