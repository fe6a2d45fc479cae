"""Merging records that are the same: what moves, what redirects, what is kept, and that a
merge can be undone from the History of the record that stayed."""

import pytest
from django.contrib.auth.models import Permission
from reversion.models import Version

from tests.test_admin import admin_url, change_form_data
from tracker.models import (
    Citation,
    Event,
    EventRelation,
    MergedSlug,
    Organization,
    Participation,
    Person,
    Role,
    Source,
)


def merge_in_admin(client, model, records, survivor):
    data = {
        "action": "merge_records",
        "_selected_action": [record.pk for record in records],
        "survivor": survivor.pk,
        "confirm": "yes",
    }
    return client.post(admin_url(model), data)


@pytest.fixture
def msit_twice(seeded, organization_factory):
    """The seed's ministry, and the same ministry entered again from another source."""
    msit = Organization.objects.get(slug="ministry-of-science-and-ict")
    copy = organization_factory(
        name="Ministry of Science & ICT",
        slug="ministry-of-science-ict",
        acronym="MSICT",
        kind="ministry",
        country="KR",
        wikidata_id="Q484211",
    )
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    lee = Person.objects.get(slug="lee-jong-ho")
    # The same participation twice (once under each), and one only the copy has.
    Participation.objects.create(event=summit, organization=copy, person=lee, role="co-host")
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    only_copy = Participation.objects.create(event=dialogue, organization=copy, role="participant")
    role = Role.objects.create(person=lee, organization=copy, title="Minister")
    unit = organization_factory(name="AI Policy Bureau", slug="ai-policy-bureau", parent=copy)
    return msit, copy, only_copy, role, unit


def test_the_merge_page_shows_what_moves_before_anything_changes(editor_client, msit_twice):
    msit, copy, *_ = msit_twice
    page = editor_client.post(
        admin_url("organization"),
        {"action": "merge_records", "_selected_action": [msit.pk, copy.pk]},
    )
    assert page.status_code == 200
    moves = {move.record.slug: move.summary for move in page.context["moves"]}
    assert moves["ministry-of-science-ict"] == (
        "2 participations; 1 post held; 1 organization within it"
    )
    assert Organization.objects.filter(pk=copy.pk).exists()
    assert page.context["suggested"] == msit  # the one more records refer to


def test_merging_two_organizations_moves_every_reference_and_redirects_the_old_slug(
    editor_client, client, msit_twice
):
    msit, copy, only_copy, role, unit = msit_twice
    before = Participation.objects.filter(organization=msit).count()
    response = merge_in_admin(editor_client, "organization", [msit, copy], msit)
    assert response.status_code == 302

    assert not Organization.objects.filter(pk=copy.pk).exists()
    # The repeated participation is dropped, the other moves.
    assert Participation.objects.filter(organization=msit).count() == before + 1
    assert Participation.objects.get(pk=only_copy.pk).organization == msit
    assert Role.objects.get(pk=role.pk).organization == msit
    assert Organization.objects.get(pk=unit.pk).parent == msit
    msit.refresh_from_db()
    assert msit.other_name_list[-2:] == ["Ministry of Science & ICT", "MSICT"]
    assert msit.wikidata_id == "Q484211"  # it had none
    # Korea's dialogue now lists the ministry.
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    assert "Ministry of Science and ICT" in dialogue.search_document

    old = client.get("/organizations/ministry-of-science-ict/")
    assert old.status_code == 301
    assert old["Location"] == "/organizations/ministry-of-science-and-ict/"
    assert client.get("/organizations/no-such-ministry/").status_code == 404

    entries = editor_client.get(admin_url("organization", "history", msit.pk)).context["entries"]
    assert (
        entries[0].revision.comment == "Merged into this record: Ministry of Science & ICT (MSICT)"
    )
    assert entries[1].revision.comment == "Before merging: Ministry of Science & ICT (MSICT)"


def test_reverting_a_merge_restores_both_records_and_their_references(
    editor_client, client, msit_twice
):
    msit, copy, only_copy, role, unit = msit_twice
    names = msit.other_names
    participations = sorted(
        Participation.objects.filter(organization=copy).values_list("pk", "event_id")
    )
    merge_in_admin(editor_client, "organization", [msit, copy], msit)

    before = Version.objects.get_for_object(msit).get(
        revision__comment__startswith="Before merging"
    )
    url = admin_url("organization", "revision", msit.pk, before.pk)
    data = change_form_data(editor_client.get(url))
    assert editor_client.post(url, data).status_code == 302

    copy = Organization.objects.get(pk=copy.pk)
    assert copy.slug == "ministry-of-science-ict"
    assert (
        sorted(Participation.objects.filter(organization=copy).values_list("pk", "event_id"))
        == participations
    )
    assert Role.objects.get(pk=role.pk).organization == copy
    assert Organization.objects.get(pk=unit.pk).parent == copy
    msit.refresh_from_db()
    assert msit.other_names == names
    assert not MergedSlug.objects.exists()
    assert client.get("/organizations/ministry-of-science-ict/").status_code == 200


def test_merging_people_keeps_the_others_names(editor_client, client, seeded, person_factory):
    sullivan = Person.objects.get(slug="jake-sullivan")
    again = person_factory(name="Jacob J. Sullivan", slug="jacob-sullivan", native_name="")
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    Participation.objects.create(event=summit, person=again, role="speaker")
    merge_in_admin(editor_client, "person", [sullivan, again], sullivan)
    sullivan.refresh_from_db()
    assert "Jacob J. Sullivan" in sullivan.other_name_list
    assert summit.participations.filter(person=sullivan, role="speaker").exists()
    assert client.get("/people/jacob-sullivan/").status_code == 301


def test_merging_events_moves_participants_sources_relations_and_sub_events(
    editor_client, client, seeded, event_factory
):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    entered_again = event_factory(
        title="Seoul AI Summit", slug="seoul-ai-summit", event_type=summit.event_type
    )
    source = Source.objects.create(title="Summit report", url="https://example.org/summit")
    Citation.objects.create(event=entered_again, source=source)
    for citation in summit.citations.all():  # one source both cite: kept once
        Citation.objects.create(event=entered_again, source=citation.source)
        break
    forum = Event.objects.get(slug="ai-global-forum-2024")
    EventRelation.objects.create(from_event=forum, kind="builds-on", to_event=entered_again)
    EventRelation.objects.create(from_event=summit, kind="builds-on", to_event=entered_again)
    session = event_factory(title="Side session", parent=entered_again)
    sources = set(summit.citations.values_list("source_id", flat=True)) | {source.pk}

    merge_in_admin(editor_client, "event", [summit, entered_again], summit)
    assert set(summit.citations.values_list("source_id", flat=True)) == sources
    assert EventRelation.objects.filter(from_event=forum, to_event=summit).count() == 1
    assert not EventRelation.objects.filter(from_event=summit, to_event=summit).exists()
    assert Event.objects.get(pk=session.pk).parent == summit
    assert client.get("/events/seoul-ai-summit/").status_code == 301


def test_the_merge_needs_two_records_and_a_choice(editor_client, msit_twice):
    msit, copy, *_ = msit_twice
    response = editor_client.post(
        admin_url("organization"),
        {"action": "merge_records", "_selected_action": [msit.pk]},
        follow=True,
    )
    assert "Select from 2 to 20 organizations to merge." in response.content.decode()
    response = editor_client.post(
        admin_url("organization"),
        {"action": "merge_records", "_selected_action": [msit.pk, copy.pk], "confirm": "yes"},
    )
    assert response.status_code == 200  # the page again, nothing merged
    assert Organization.objects.filter(pk=copy.pk).exists()


def test_only_editors_who_may_delete_can_merge(client, django_user_model, msit_twice):
    msit, copy, *_ = msit_twice
    user = django_user_model.objects.create_user("clerk", password="pw-clerk-12345", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_organization", "change_organization"])
    )
    client.force_login(user)
    page = client.get(admin_url("organization")).content.decode()
    assert "merge_records" not in page
    merge_in_admin(client, "organization", [msit, copy], msit)
    assert Organization.objects.filter(pk=copy.pk).exists()


def test_undoing_an_event_merge_brings_back_its_participants_and_search_words(
    editor_client, seeded, event_factory, organization_factory
):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    agency = organization_factory(name="Frontier Model Agency", slug="frontier-model-agency")
    again = event_factory(title="Seoul AI Summit", slug="seoul-ai-summit", parent=summit)
    Participation.objects.create(event=again, organization=agency, role="participant")
    merge_in_admin(editor_client, "event", [summit, again], summit)
    summit.refresh_from_db()
    assert "Frontier Model Agency" in summit.search_document

    before = Version.objects.get_for_object(summit).get(
        revision__comment__startswith="Before merging"
    )
    url = admin_url("event", "revision", summit.pk, before.pk)
    assert editor_client.post(url, change_form_data(editor_client.get(url))).status_code == 302

    again = Event.objects.get(slug="seoul-ai-summit")
    assert again.parent == summit  # it was a session of the summit: merged, then restored
    assert again.participations.get().organization == agency
    summit.refresh_from_db()
    assert "Frontier Model Agency" not in summit.search_document
    assert "Frontier Model Agency" in again.search_document


def test_a_merge_is_undone_only_from_the_record_that_stayed(editor_client, msit_twice):
    msit, copy, only_copy, role, unit = msit_twice
    merge_in_admin(editor_client, "organization", [msit, copy], msit)
    # The merged-away ministry comes back alone: the one that stayed keeps what it gained.
    deleted = Version.objects.get_deleted(Organization).get(object_id=str(copy.pk))
    url = admin_url("organization", "recover", deleted.pk)
    assert editor_client.post(url, change_form_data(editor_client.get(url))).status_code == 302
    assert Organization.objects.filter(pk=copy.pk).exists()
    assert Participation.objects.get(pk=only_copy.pk).organization == msit
    msit.refresh_from_db()
    assert "MSICT" in msit.other_name_list
