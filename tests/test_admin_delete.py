"""A delete that other records block names each of them once, in words, with a link to the
page where the editor can change it; and nothing is deleted."""

import re

from django.urls import reverse

from tracker.models import Event, EventType, Organization, Person, Source


def blockers(client, model, obj):
    """The delete page's list of protected records, as (text, link) pairs."""
    response = client.get(reverse(f"admin:tracker_{model}_delete", args=[obj.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "would require deleting the following protected related objects" in page
    listed = page.split("protected related objects:", 1)[1].split("</ul>", 1)[0]
    return [
        (re.sub(r"<[^>]+>", "", item).strip().replace("&#x27;", "'"), link)
        for item, link in (
            (item, (re.findall(r'href="([^"]+)"', item) or [None])[0])
            for item in re.findall(r"<li>(.*?)</li>", listed, re.S)
        )
    ]


def event_page(slug):
    return reverse("admin:tracker_event_change", args=[Event.objects.get(slug=slug).pk])


def test_a_person_who_took_part_is_kept_and_the_page_names_the_event_and_the_part(
    editor_client, seeded
):
    sullivan = Person.objects.get(slug="jake-sullivan")
    assert blockers(editor_client, "person", sullivan) == [
        (
            "1st Korea–U.S. Next Generation Critical and Emerging Technologies Dialogue "
            "(9 December 2023): participant Jake Sullivan (National Security Council), co-chair",
            event_page("nget-dialogue-2023"),
        )
    ]
    editor_client.post(reverse("admin:tracker_person_delete", args=[sullivan.pk]), {"post": "yes"})
    assert Person.objects.filter(pk=sullivan.pk).exists()


def test_a_cited_source_lists_each_citing_event_once_with_a_link(editor_client, seeded):
    source = Source.objects.get(title__startswith="Report on the AI Seoul Summit ministers")
    listed = blockers(editor_client, "source", source)
    texts = [text for text, _ in listed]
    assert len(texts) == len(set(texts))
    citing = Event.objects.filter(citations__source=source).order_by("title")
    assert [text for text in texts if " cites " in text] == [
        f"{event}: cites {source.title}" for event in citing
    ]
    assert all(link for _, link in listed)
    assert {link for text, link in listed if " cites " in text} == {
        event_page(event.slug) for event in citing
    }
    # The posts the source backs are listed too, linked to their person's page.
    lee = Person.objects.get(slug="lee-jong-ho")
    assert (
        "Lee Jong-ho: Minister of Science and ICT, Ministry of Science and ICT",
        reverse("admin:tracker_person_change", args=[lee.pk]),
    ) in [(text.split(" (")[0], link) for text, link in listed]


def test_an_organization_lists_participations_posts_and_offices_within_it(editor_client, seeded):
    ministry = Organization.objects.get(slug="ministry-of-science-and-ict")
    listed = blockers(editor_client, "organization", ministry)
    texts = [text for text, _ in listed]
    assert len(texts) == len(set(texts))
    for event in Event.objects.filter(participations__organization=ministry).distinct():
        assert any(text.startswith(f"{event}: participant ") for text in texts), event
    assert any(text.startswith("Lee Jong-ho: Minister of Science and ICT") for text in texts)


def test_an_event_type_in_use_lists_its_events(editor_client, seeded):
    summit = EventType.objects.get(slug="summit")
    listed = blockers(editor_client, "eventtype", summit)
    assert listed == sorted(
        (str(event), event_page(event.slug)) for event in Event.objects.filter(event_type=summit)
    )


def test_the_delete_page_runs_as_many_queries_for_twelve_blockers_as_for_two(
    editor_client, organization_factory, participation_factory, role_factory
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_show(blockers_each):
        organization = organization_factory()
        for _ in range(blockers_each):
            participation_factory(organization=organization)
            role_factory(organization=organization)
        url = reverse("admin:tracker_organization_delete", args=[organization.pk])
        with CaptureQueriesContext(connection) as queries:
            page = editor_client.get(url).content.decode()
        assert page.count("participant ") == blockers_each
        return len(queries)

    queries_to_show(1)  # the session and permissions, once
    assert queries_to_show(12) == queries_to_show(2)


def test_deleting_from_the_list_names_the_blockers_of_every_selected_record(
    editor_client, citation_factory
):
    citations = [citation_factory(event__title=f"Meeting {n}") for n in ("A", "B")]
    response = editor_client.post(
        reverse("admin:tracker_source_changelist"),
        {"action": "delete_selected", "_selected_action": [c.source_id for c in citations]},
    )
    page = response.content.decode()
    for citation in citations:
        assert f"{citation.event}: cites {citation.source.title}" in page
    assert Source.objects.count() == 2
