"""Event, organization, person and topic pages, and the two indexes."""

import json
import re

import pytest

from tracker.models import Event


def test_event_page_shows_what_the_dialogue_agreed_and_where_it_led(client, seeded):
    response = client.get("/events/nget-dialogue-2023/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "9 December 2023" in page
    assert "agreed among other things on the bilateral AI working group" in page
    related = [(link["label"], link["event"].slug) for link in response.context_data["related"]]
    assert related == [
        ("Follows from", "state-visit-2023"),
        ("Led to", "ai-working-group-first-meeting-2024"),
    ]
    assert "<strong>Led to:</strong>" in page


def test_event_page_groups_participants_by_country_with_titles(client, seeded):
    response = client.get("/events/nget-dialogue-2023/")
    groups = {
        g["label"]: [p.participant_display for p in g["items"]]
        for g in response.context_data["participant_groups"]
    }
    assert groups == {
        "South Korea": ["Cho Tae-yong (National Security Office)"],
        "United States of America": ["Jake Sullivan (National Security Council)"],
        "International": ["Korea–U.S. Next Generation Critical and Emerging Technologies Dialogue"],
    }
    assert "Director of the National Security Office" in response.content.decode()


def test_event_page_cites_sources_with_quotes_and_discrepancy_notes(client, seeded):
    page = client.get("/events/ai-working-group-announcement-2024/").content.decode()
    assert "BABL AI" in page and "Ministry of Foreign Affairs (Republic of Korea)" in page
    assert "announced jointly on April 12 by the foreign ministries of both countries" in page
    assert "Disagrees with the Korean press release" in page


def test_event_page_has_parent_sub_events_prev_next_and_citation(client, seeded):
    summit = client.get("/events/ai-seoul-summit-2024/")
    subs = [e.slug for e in summit.context_data["event"].sub_event_list]
    assert subs == [
        "ai-seoul-summit-2024-leaders-session",
        "ai-seoul-summit-2024-ministers-meeting",
        "ai-global-forum-2024",
    ]
    session = client.get("/events/ai-seoul-summit-2024-leaders-session/")
    assert 'part of <a href="/events/ai-seoul-summit-2024/">' in session.content.decode()
    first = client.get("/events/state-visit-2023/")
    assert first.context_data["previous_event"] is None
    assert first.context_data["next_event"].slug == "nget-dialogue-2023"
    page = first.content.decode()
    assert "Cite this record" in page
    assert "http://testserver/events/state-visit-2023/" in page


def test_event_page_has_canonical_url_and_schema_org_json_ld(client, seeded):
    page = client.get("/events/ai-seoul-summit-2024/?utm=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/events/ai-seoul-summit-2024/">' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["@type"] == "Event"
    assert data["startDate"] == "2024-05-21" and data["endDate"] == "2024-05-22"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["location"]["address"]["addressCountry"] == "KR"
    assert {a["name"] for a in data["attendee"]} >= {"Yoon Suk Yeol", "Rishi Sunak"}


def test_json_ld_cannot_break_out_of_its_script(client, event_factory):
    event_factory(slug="x", title="</script><script>alert(1)</script>")
    page = client.get("/events/x/").content.decode()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in ld
    assert "\\u003C/script\\u003E" in ld


def test_drafts_and_unknown_slugs_are_404(client, event_factory):
    event_factory(slug="draft", published=False)
    for url in [
        "/events/draft/",
        "/events/nope/",
        "/organizations/nope/",
        "/people/nope/",
        "/topics/nope/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "There is nothing to show at this address" in response.content.decode()


def test_person_page_shows_roles_current_and_former(client, seeded):
    response = client.get("/people/yoon-suk-yeol/")
    page = response.content.decode()
    assert "윤석열" in page
    assert [r.title for r in response.context_data["former_roles"]] == [
        "President of the Republic of Korea"
    ]
    assert response.context_data["current_roles"] == []
    assert "10 May 2022 – 4 April 2025" in page
    assert [e.slug for e in response.context_data["events"]] == [
        "ai-seoul-summit-2024",
        "ai-seoul-summit-2024-leaders-session",
        "state-visit-2023",
    ]
    seth = client.get("/people/seth-center/")
    assert [r.title for r in seth.context_data["current_roles"]] == [
        "Acting Special Envoy for Critical and Emerging Technology"
    ]
    page = seth.content.decode()
    assert 'href="/?person=seth-center"' in page
    # An open-ended post says how recent the source that names it is.
    assert "last confirmed 12 April 2024" in page


def test_organization_page_shows_parent_children_people_and_events(client, seeded):
    response = client.get("/organizations/department-of-state/")
    page = response.content.decode()
    assert "Office of the Special Envoy for Critical and Emerging Technology" in page
    office = client.get(
        "/organizations/office-of-the-special-envoy-for-critical-and-emerging-technology/"
    )
    assert "Department of State" in office.content.decode()
    assert [r.person.slug for r in office.context_data["current_roles"]] == ["seth-center"]
    assert office.context_data["event_total"] == 1
    assert (
        'href="/?organization=office-of-the-special-envoy-for-critical-and-emerging-technology"'
        in office.content.decode()
    )


def test_an_organization_counts_the_events_of_the_offices_within_it(client, seeded):
    response = client.get("/organizations/department-of-state/")
    assert [e.slug for e in response.context_data["events"]] == [
        "ai-working-group-first-meeting-2024"
    ]
    assert "Including those of the organizations within it" in response.content.decode()
    url = response.context_data["timeline_url"]
    assert url == (
        "/?organization=department-of-state"
        "&organization=office-of-the-special-envoy-for-critical-and-emerging-technology"
    )
    assert client.get(url).context_data["total"] == 1
    listing = client.get("/organizations/").context_data["groups"]
    counts = {o.slug: o.event_count for g in listing for o in g["organizations"]}
    assert counts["department-of-state"] == 1
    assert counts["office-of-the-president"] == 5  # its own three, and two of its offices
    assert counts["the-white-house"] == 3  # two of its own, and the NSC's dialogue


def test_topic_page_lists_its_events(client, seeded):
    response = client.get("/topics/ai-safety/")
    assert response.context_data["event_total"] == 3
    assert "Keeping advanced AI systems safe" in response.content.decode()


def test_organizations_are_grouped_by_country_with_event_counts(client, seeded):
    response = client.get("/organizations/")
    groups = [g["label"] for g in response.context_data["groups"]]
    assert groups == [
        "South Korea",
        "United Kingdom",
        "United States of America",
        "International and bilateral",
    ]
    korea = {o.slug: o.event_count for o in response.context_data["groups"][0]["organizations"]}
    assert korea["ministry-of-foreign-affairs"] == 3


def test_people_are_alphabetical_and_searchable(client, seeded):
    names = [p.name for p in client.get("/people/").context_data["object_list"]]
    assert names == sorted(names)
    assert [p.slug for p in client.get("/people/?q=윤석열").context_data["object_list"]] == [
        "yoon-suk-yeol"
    ]
    assert [p.slug for p in client.get("/people/?q=center").context_data["object_list"]] == [
        "seth-center"
    ]
    assert "No person matches" in client.get("/people/?q=<b>zzz").content.decode()
    assert "&lt;b&gt;zzz" in client.get("/people/?q=<b>zzz").content.decode()


@pytest.mark.parametrize(
    ("url", "q", "expected"),
    [
        ("/people/", "sulli", [{"slug": "jake-sullivan", "name": "Jake Sullivan"}]),
        ("/people/", "조태용", [{"slug": "cho-tae-yong", "name": "Cho Tae-yong"}]),
        (
            "/organizations/",
            "State Department",
            [{"slug": "department-of-state", "name": "Department of State"}],
        ),
        ("/organizations/", "no such body", []),
    ],
)
def test_typeahead_json_finds_records_by_any_of_their_names(client, seeded, url, q, expected):
    assert client.get(url, {"format": "json", "q": q}).json() == {"results": expected}


@pytest.mark.parametrize("url", ["/people/", "/organizations/"])
@pytest.mark.parametrize(
    ("query", "status"),
    [("page=abc", 404), ("page=999", 404), ("page=" + "9" * 50, 404), ("q=%00", 200)],
)
def test_list_pages_answer_bad_input_with_a_4xx_or_the_list(client, seeded, url, query, status):
    response = client.get(url + "?" + query)
    assert response.status_code == status
    if status == 404:
        assert "There is nothing to show at this address" in response.content.decode()


@pytest.mark.parametrize("url", ["/people/", "/organizations/"])
def test_list_search_is_capped_and_escaped(client, seeded, url):
    page = client.get(url, {"q": "<b>" + "x" * 5000}).content.decode()
    assert "&lt;b&gt;xxx" in page
    assert "x" * 201 not in page  # the search is cut to 200 characters


def test_event_titles_are_escaped(client, event_factory):
    event_factory(slug="xss", title="<img src=x onerror=alert(1)>")
    for url in ["/", "/events/xss/"]:
        page = client.get(url).content.decode()
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert Event.objects.get(slug="xss")


def test_an_event_page_reads_each_link_from_its_own_side_oldest_first(client, seeded):
    dialogue = Event.objects.get(slug="nget-dialogue-2023")
    meeting = Event.objects.get(slug="ai-working-group-first-meeting-2024")
    meeting.published = False  # a draft is never shown
    meeting.save()

    related = client.get(dialogue.get_absolute_url()).context_data["related"]
    assert [(link["label"], link["event"].slug) for link in related] == [
        ("Follows from", "state-visit-2023")
    ]

    meeting.published = True
    meeting.save()
    related = client.get(dialogue.get_absolute_url()).context_data["related"]
    assert [(link["label"], link["event"].slug) for link in related] == [
        ("Follows from", "state-visit-2023"),
        ("Led to", "ai-working-group-first-meeting-2024"),
    ]
