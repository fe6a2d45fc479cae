"""The rows of an event's (or a person's) inlines are titled in words an editor recognises:
the source cited, who took part, the two events linked, the post held."""

import re

from django.urls import reverse

from tracker.models import Event, Person


def row_titles(page):
    """The title of each saved row: a stacked inline's header, a tabular inline's caption."""
    stacked = re.findall(r'<span class="inline_label">(.*?)</span>', page, re.S)
    tabular = re.findall(r'<td class="original">\s*<p>\s*(.*?)\s*</p>', page, re.S)
    return [" ".join(title.split()) for title in stacked + tabular if not title.startswith("#")]


def test_an_events_rows_name_its_sources_participants_and_relations(editor_client, seeded):
    event = Event.objects.get(slug="nget-dialogue-2023")
    page = editor_client.get(reverse("admin:tracker_event_change", args=[event.pk]))
    titles = row_titles(page.content.decode())
    # Participants come first on the form, then the sources.
    assert titles[3:5] == [
        "Asia Economy, The 1st Korea-US Next-Generation Core and Emerging Technologies "
        "Dialogue Held, 9 December 2023",
        "BABL AI, South Korea and U.S. Establish Bilateral AI Working Group, 19 April 2024",
    ]
    assert "Jake Sullivan (National Security Council) – Co-chair" in titles
    assert (
        "Korea–U.S. AI Working Group: launch and first meeting follows from "
        "1st Korea–U.S. Next Generation Critical and Emerging Technologies Dialogue"
    ) in titles
    assert not any(re.match(r"\d+ cites ", title) for title in titles), titles


def test_a_persons_rows_name_the_posts_held(editor_client, seeded):
    person = Person.objects.get(slug="jake-sullivan")
    page = editor_client.get(reverse("admin:tracker_person_change", args=[person.pk]))
    assert row_titles(page.content.decode()) == [
        "Jake Sullivan: National Security Advisor, National Security Council"
    ]
