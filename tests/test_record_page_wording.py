"""How the record pages read: each link between events named from the page's own side, the
summary shown once, the posts held in an organization's offices."""

import datetime
import re

import pytest

from tracker.models import Event, EventRelation, RelationKind

# Each kind, read from the page of the event it starts from and from the other one's.
HEADINGS = {
    RelationKind.FOLLOWS_FROM: ("Follows from", "Led to"),
    RelationKind.ANNOUNCES: ("Announces", "Announced in"),
    RelationKind.PREPARES: ("In preparation for", "Prepared by"),
    RelationKind.BUILDS_ON: ("Builds on", "Built upon by"),
    RelationKind.RESPONDS_TO: ("Responds to", "Answered by"),
}


def related_items(page):
    section = re.search(r'<h2 id="related-heading">.*?</ul>', page, re.S).group(0)
    return [
        re.sub(r"\s+", " ", re.sub(r"<br>", " ", re.sub(r"<(?!br)[^>]+>", "", item))).strip()
        for item in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def test_every_kind_of_link_is_named_as_a_label_from_either_side(client, event_factory):
    assert set(HEADINGS) == set(RelationKind)  # a new kind needs its two headings
    for kind, (forward, inverse) in HEADINGS.items():
        first = event_factory(title=f"First {kind}", start_date=datetime.date(2024, 4, 11))
        second = event_factory(title=f"Second {kind}", start_date=datetime.date(2024, 5, 21))
        EventRelation.objects.create(from_event=first, kind=kind, to_event=second)

        page = client.get(first.get_absolute_url()).content.decode()
        assert related_items(page) == [f"{forward}: Second {kind} (21 May 2024)"]
        page = client.get(second.get_absolute_url()).content.decode()
        assert related_items(page) == [f"{inverse}: First {kind} (11 April 2024)"]
        assert "This event" not in page


def test_the_seed_summit_reads_prepared_by_and_the_meeting_reads_each_of_its_links(client, seeded):
    summit = client.get("/events/ai-seoul-summit-2024/").content.decode()
    assert related_items(summit) == [
        "Prepared by: Korea–U.S. AI Working Group: launch and first meeting (11 April 2024) "
        "The first meeting discussed the AI Seoul Summit and the AI Global Forum."
    ]
    meeting = client.get("/events/ai-working-group-first-meeting-2024/")
    assert [(link["label"], link["event"].slug) for link in meeting.context_data["related"]] == [
        ("Builds on", "state-visit-2023"),
        ("Follows from", "nget-dialogue-2023"),
        ("Announced in", "ai-working-group-announcement-2024"),
        ("In preparation for", "ai-seoul-summit-2024"),
    ]


def lead(client, event):
    page = client.get(event.get_absolute_url()).content.decode()
    found = re.findall(r'<p class="lead">(.*?)</p>', page, re.S)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("summary", "description", "shown"),
    [
        # A description that says something else: the summary leads.
        ("The two chiefs met in Seoul.", "It covered chips and AI.", True),
        # No description: the summary is all there is.
        ("The two chiefs met in Seoul.", "", True),
        # The description opens with the summary, word for word.
        ("The two chiefs met in Seoul.", "The two chiefs met in Seoul. It covered chips.", False),
        # ... or with other spacing, case and punctuation.
        ("The two chiefs met in Seoul.", "the two  chiefs met in Seoul, and covered chips.", False),
        # ... or with its first eight words and the rest reworded (the seed's summit).
        (
            "Co-hosted by South Korea and the United Kingdom as the follow-up to Bletchley.",
            "Co-hosted by South Korea and the United Kingdom as a follow-up to the summit.",
            False,
        ),
        # Seven words in common are not enough to take the summary as said.
        (
            "Co-hosted by South Korea and the UK: two sessions.",
            "Co-hosted by South Korea and the United Kingdom.",
            True,
        ),
        # The summary's words later in the description: still a lead.
        ("The two chiefs met in Seoul.", "In December, the two chiefs met in Seoul.", True),
    ],
)
def test_the_summary_leads_only_when_the_description_does_not_begin_with_it(
    client, event_factory, summary, description, shown
):
    event = event_factory(summary=summary, description=description)
    assert lead(client, event) == (summary if shown else None)
    page = client.get(event.get_absolute_url()).content.decode()
    if description:
        assert description.split()[-1] in page  # the description itself is always shown


def test_the_seed_summit_says_its_opening_once_and_the_dialogue_keeps_its_lead(client, seeded):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    assert lead(client, summit) is None
    page = client.get(summit.get_absolute_url()).content.decode()
    text = page.split('<div class="record-grid">')[1].split('<section class="record-section"')[0]
    assert text.count("Co-hosted by South Korea and the United Kingdom") == 1
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    assert lead(client, dialogue) == dialogue.summary


def test_an_organization_lists_the_posts_held_in_its_offices_and_names_the_office(client, seeded):
    response = client.get("/organizations/department-of-state/")
    page = response.content.decode()
    assert "No posts recorded" not in page
    roles = response.context_data["current_roles"]
    assert [(role.person.slug, role.organization.slug) for role in roles] == [
        ("seth-center", "office-of-the-special-envoy-for-critical-and-emerging-technology")
    ]
    item = re.search(r'<a href="/people/seth-center/">.*?</li>', page, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item))
    assert text.startswith(
        "Seth Center, Acting Special Envoy for Critical and Emerging Technology, "
        "Office of the Special Envoy for Critical and Emerging Technology current"
    )
    assert "Including the posts in the organizations within it." in page


def test_an_office_lists_its_own_posts_without_repeating_its_name(client, seeded):
    office = "office-of-the-special-envoy-for-critical-and-emerging-technology"
    page = client.get(f"/organizations/{office}/").content.decode()
    item = re.search(r'<a href="/people/seth-center/">.*?</li>', page, re.S).group(0)
    assert f'href="/organizations/{office}/"' not in item
    assert "Including the posts" not in page


def test_an_organization_with_no_posts_anywhere_says_so(client, organization_factory):
    organization = organization_factory()
    organization_factory(parent=organization)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "No posts recorded." in page


def test_an_event_page_names_its_countries_as_links_to_their_pages(client, seeded):
    page = client.get("/events/ai-seoul-summit-2024/").content.decode()
    row = re.search(r"<dt>Countries</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert '<a href="/countries/kr/">South Korea</a>' in row
    assert "?country=" not in row
