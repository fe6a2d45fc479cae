"""Versions of whole records: what History says, what a revert restores, what can be
recovered after a delete, and that bulk-written versions restore like any other."""

import json

import pytest
from django.core import serializers
from django.urls import reverse
from reversion.models import Revision, Version

from tests.test_admin import admin_url, change_form_data
from tracker.history import bulk_revision
from tracker.models import (
    Citation,
    Event,
    EventRelation,
    Organization,
    Participation,
    Person,
    Role,
)


def history_page(client, model, obj):
    response = client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    return response


def row_of(data, prefix, field, value):
    """The index of the inline row of ``prefix`` whose ``field`` is ``value``."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index in range(total):
        if str(data.get(f"{prefix}-{index}-{field}")) == str(value):
            return index
    raise AssertionError(f"no {prefix} row with {field}={value}")


def post_change(client, event, edit):
    page = client.get(admin_url("event", "change", event.pk))
    data = change_form_data(page)
    edit(data)
    response = client.post(admin_url("event", "change", event.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    return response


@pytest.fixture
def dialogue(seeded):
    return Event.objects.get(slug="nget-dialogue-2023")


def edit_role_note_and_relation(dialogue):
    sullivan = Participation.objects.get(event=dialogue, person__slug="jake-sullivan")
    citation = dialogue.citations.order_by("pk").first()
    relation = dialogue.relations_out.get()

    def edit(data):
        row = row_of(data, "participations", "id", sullivan.pk)
        data[f"participations-{row}-role"] = "host"
        row = row_of(data, "citations", "id", citation.pk)
        data[f"citations-{row}-note"] = "Says the dialogue opened on 8 December."
        row = row_of(data, "relations_out", "id", relation.pk)
        data[f"relations_out-{row}-kind"] = "builds-on"
        data["change_reason"] = "Corrected from the White House readout"

    return sullivan, citation, relation, edit


def test_history_lists_one_save_of_the_whole_event_in_the_editors_words(editor_client, dialogue):
    sullivan, citation, relation, edit = edit_role_note_and_relation(dialogue)
    post_change(editor_client, dialogue, edit)

    versions = Version.objects.get_for_object(dialogue)
    assert versions.count() == 2  # the seed's, and this save: one entry per save
    entries = history_page(editor_client, "event", dialogue).context["entries"]
    newest = entries[0]
    assert newest.revision.user.username == "editor"
    assert newest.revision.comment == "Corrected from the White House readout"
    assert newest.changes == [
        "Participant changed: Jake Sullivan (National Security Council), host"
        " (role co-chair → host)",
        f"Source changed: {citation.source}"
        " (note “Gives the day, 9 December 2023, the co-chairs and the agenda.”"
        " → “Says the dialogue opened on 8 December.”)",
        "Relation changed: builds on State visit of President Yoon Suk Yeol to the United"
        " States (24–29 April 2023) (kind follows from → builds on)",
    ]
    page = history_page(editor_client, "event", dialogue).content.decode()
    assert "Corrected from the White House readout" in page
    assert "None" not in page


def test_dates_read_as_the_editor_typed_them(editor_client, dialogue):
    post_change(editor_client, dialogue, lambda data: data.update(start="2023-12"))
    post_change(editor_client, dialogue, lambda data: data.update(start="2023-12-09"))
    entries = history_page(editor_client, "event", dialogue).context["entries"]
    assert entries[1].changes == ["Starts: 9 December 2023 → December 2023"]
    assert entries[0].changes == ["Starts: December 2023 → 9 December 2023"]
    assert "Start precision" not in history_page(editor_client, "event", dialogue).content.decode()


def test_a_new_event_is_one_entry_and_adding_a_participant_is_in_words(editor_client, dialogue):
    def add_someone(data):
        total = int(data["participations-TOTAL_FORMS"])
        data["participations-TOTAL_FORMS"] = str(total + 1)
        data[f"participations-{total}-person"] = Person.objects.get(slug="seth-center").pk
        data[f"participations-{total}-role"] = "speaker"
        data[f"participations-{total}-order"] = "9"

    post_change(editor_client, dialogue, add_someone)
    entries = history_page(editor_client, "event", dialogue).context["entries"]
    assert entries[0].changes == ["Participant added: Seth Center, speaker"]
    assert entries[-1].revision.comment == "Loaded from the seed timeline"


def test_reverting_restores_every_part_in_one_revision_and_says_so(editor_client, dialogue):
    sullivan, citation, relation, edit = edit_role_note_and_relation(dialogue)
    original_note = citation.note
    seed_version = Version.objects.get_for_object(dialogue).earliest("pk")

    def also_add_and_remove(data):
        edit(data)
        other = dialogue.citations.exclude(pk=citation.pk).get()
        data[f"citations-{row_of(data, 'citations', 'id', other.pk)}-DELETE"] = "on"
        total = int(data["participations-TOTAL_FORMS"])
        data["participations-TOTAL_FORMS"] = str(total + 1)
        data[f"participations-{total}-person"] = Person.objects.get(slug="seth-center").pk
        data[f"participations-{total}-role"] = "speaker"
        data[f"participations-{total}-order"] = "9"

    post_change(editor_client, dialogue, also_add_and_remove)
    assert dialogue.citations.count() == 1 and dialogue.participations.count() == 4

    revert_url = admin_url("event", "revision", dialogue.pk, seed_version.pk)
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    # Looking at an old version changes nothing.
    assert Participation.objects.get(pk=sullivan.pk).role == "host"
    data = change_form_data(page)
    data["change_reason"] = "The readout was wrong"
    response = editor_client.post(revert_url, data)
    assert response.status_code == 302

    assert Participation.objects.get(pk=sullivan.pk).role == "co-chair"
    assert Citation.objects.get(pk=citation.pk).note == original_note
    assert EventRelation.objects.get(pk=relation.pk).kind == "follows-from"
    assert dialogue.citations.count() == 2  # the deleted citation is back
    assert not dialogue.participations.filter(person__slug="seth-center").exists()  # added: gone
    newest = history_page(editor_client, "event", dialogue).context["entries"][0]
    assert newest.revision.comment.startswith("Reverted to the version of ")
    assert newest.revision.comment.endswith(". The readout was wrong")
    assert "Participant removed: Seth Center, speaker" in newest.changes
    assert (
        "Participant changed: Jake Sullivan (National Security Council), co-chair"
        " (role host → co-chair)"
    ) in newest.changes
    # The public search reads the restored record.
    dialogue.refresh_from_db()
    assert "Seth Center" not in dialogue.search_document


def test_a_deleted_event_is_recovered_with_its_participants_and_sources(editor_client, seeded):
    forum = Event.objects.get(slug="ai-global-forum-2024")
    parts = (
        sorted(forum.participations.values_list("pk", "organization_id", "role")),
        sorted(forum.citations.values_list("pk", "source_id", "note")),
    )
    response = editor_client.post(admin_url("event", "delete", forum.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.filter(slug="ai-global-forum-2024").exists()

    listing = editor_client.get(admin_url("event")).content.decode()
    assert "Recover deleted events" in listing
    recover_list = editor_client.get(admin_url("event", "recoverlist"))
    deleted = list(recover_list.context["deleted"])
    assert [version.object_repr for version in deleted] == [str(forum)]
    assert deleted[0].revision.user.username == "editor"
    recover_url = admin_url("event", "recover", deleted[0].pk)
    data = change_form_data(editor_client.get(recover_url))
    assert editor_client.post(recover_url, data).status_code == 302

    forum = Event.objects.get(slug="ai-global-forum-2024")
    assert (
        sorted(forum.participations.values_list("pk", "organization_id", "role")),
        sorted(forum.citations.values_list("pk", "source_id", "note")),
    ) == parts
    assert forum.country_links.exists()  # worked out again, as for any save
    newest = history_page(editor_client, "event", forum).context["entries"][0]
    assert newest.revision.comment.startswith("Recovered from the version of ")
    assert editor_client.get(forum.get_absolute_url()).status_code == 200


def test_a_persons_posts_are_part_of_their_versions(editor_client, seeded):
    person = Person.objects.get(slug="seth-center")
    role = person.roles.get()
    page = editor_client.get(admin_url("person", "change", person.pk))
    data = change_form_data(page)
    data["roles-0-title"] = "Acting Special Envoy"
    response = editor_client.post(admin_url("person", "change", person.pk), data)
    assert response.status_code == 302, response.context["errors"]
    entries = history_page(editor_client, "person", person).context["entries"]
    assert entries[0].changes[0].startswith("Post changed: Acting Special Envoy")
    assert "(title " in entries[0].changes[0]
    seed_version = Version.objects.get_for_object(person).earliest("pk")
    revert_url = admin_url("person", "revision", person.pk, seed_version.pk)
    data = change_form_data(editor_client.get(revert_url))
    assert editor_client.post(revert_url, data).status_code == 302
    assert Role.objects.get(pk=role.pk).title != "Acting Special Envoy"


@pytest.mark.parametrize("model", ["event", "person", "organization", "source"])
def test_a_bad_version_or_record_id_is_a_404_not_a_500(editor_client, seeded, model):
    assert editor_client.get(f"/admin/tracker/{model}/abc/history/").status_code in (302, 404)
    assert editor_client.get(f"/admin/tracker/{model}/1/history/99999999/").status_code == 404
    huge = "9" * 30
    assert editor_client.get(f"/admin/tracker/{model}/1/history/{huge}/").status_code == 404
    assert editor_client.get(f"/admin/tracker/{model}/recover/{huge}/").status_code == 404


def test_history_needs_a_staff_login(client, seeded):
    event = Event.objects.get(slug="nget-dialogue-2023")
    response = client.get(admin_url("event", "history", event.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_versions_written_in_bulk_are_what_reversion_writes(seeded):
    """An import writes versions without the serializer: they must read back the same."""
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    dialogue.extra_countries = ["JP", "GB"]
    dialogue.save()
    querysets = [
        Event.objects.filter(pk=dialogue.pk),
        Participation.objects.filter(event=dialogue),
        Citation.objects.filter(event=dialogue),
        Role.objects.all(),
    ]
    revision = bulk_revision(querysets, comment="Imported from test.csv")
    for version in revision.version_set.all():
        obj = version.object
        expected = json.loads(serializers.serialize("json", [obj]))
        assert json.loads(version.serialized_data) == expected, version.object_repr
    assert Revision.objects.get(pk=revision.pk).comment == "Imported from test.csv"


def test_restoring_one_record_leaves_the_others_of_its_revision_alone(editor_client, dialogue):
    """The seed is one revision of every record: restoring one event from it must not undo a
    later edit of another event or of an organization."""
    forum = Event.objects.get(slug="ai-global-forum-2024")
    forum.title = "AI Global Forum (edited)"
    forum.save()
    ministry = Organization.objects.get(slug="ministry-of-foreign-affairs")
    ministry.name = "Ministry of Foreign Affairs (edited)"
    ministry.save()
    post_change(editor_client, dialogue, lambda data: data.update(title="Retitled"))

    seed_version = Version.objects.get_for_object(dialogue).earliest("pk")
    url = admin_url("event", "revision", dialogue.pk, seed_version.pk)
    assert editor_client.post(url, change_form_data(editor_client.get(url))).status_code == 302

    dialogue.refresh_from_db()
    assert dialogue.title != "Retitled"
    assert Event.objects.get(pk=forum.pk).title == "AI Global Forum (edited)"
    assert Organization.objects.get(pk=ministry.pk).name == "Ministry of Foreign Affairs (edited)"


def test_a_version_is_restored_only_through_its_own_record(editor_client, dialogue):
    ministry = Organization.objects.get(slug="ministry-of-foreign-affairs")
    of_ministry = Version.objects.get_for_object(ministry).get()
    of_dialogue = Version.objects.get_for_object(dialogue).get()
    other = Event.objects.exclude(pk=dialogue.pk).first()
    for url in (
        admin_url("event", "revision", dialogue.pk, of_ministry.pk),  # another kind
        admin_url("event", "revision", other.pk, of_dialogue.pk),  # another event
        admin_url("event", "recover", of_dialogue.pk),  # not deleted
        admin_url("event", "recover", of_ministry.pk),  # not an event
    ):
        assert editor_client.get(url).status_code == 404, url
        assert editor_client.post(url, {"title": "x"}).status_code == 404, url
    ministry.refresh_from_db()
    assert ministry.name == "Ministry of Foreign Affairs"


def test_a_version_naming_a_record_deleted_since_says_to_recover_it_first(
    editor_client, dialogue, person_factory
):
    someone = person_factory(name="Temp Person")
    Participation.objects.create(event=dialogue, person=someone, role="speaker", order=9)
    with_someone = post_change(editor_client, dialogue, lambda data: None)
    assert with_someone.status_code == 302
    version = Version.objects.get_for_object(dialogue).latest("pk")

    def remove(data):
        row = row_of(data, "participations", "person", someone.pk)
        data[f"participations-{row}-DELETE"] = "on"

    post_change(editor_client, dialogue, remove)
    deleted = editor_client.post(admin_url("person", "delete", someone.pk), {"post": "yes"})
    assert deleted.status_code == 302
    url = admin_url("event", "revision", dialogue.pk, version.pk)
    for response in (editor_client.get(url), editor_client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"] == admin_url("event")
    page = editor_client.get(admin_url("event")).content.decode()
    assert "refers to person “Temp Person (no longer in the tracker)”" in page
    assert "Recover it first (Recover deleted people)" in page
    assert not dialogue.participations.filter(person__name="Temp Person").exists()
