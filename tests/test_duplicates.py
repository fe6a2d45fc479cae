"""Adding a record that may already exist: the admin's add forms warn, list the likely
duplicates with links, and save only when the editor says it is not one of them."""

import datetime

import pytest

from tests import factories
from tests.test_admin import admin_url, change_form_data, event_form, inline_management
from tracker.dates import PartialDate
from tracker.duplicates import normalize, similar, similar_events
from tracker.models import Event, EventType, Organization, Person

WARNING = "may already be in the tracker"


def add_event(client, **values):
    forum = EventType.objects.get(slug="forum")
    data = event_form(forum, **{"city": "Seoul", "country": "KR", **values})
    return client.post(admin_url("event", "add"), data)


def add_organization(client, **values):
    data = {"name": "", "slug": "", "acronym": "", "kind": "ministry", "country": ""}
    data.update({"other_names": "", "website": "", "description": "", "wikidata_id": ""})
    data.update(values)
    return client.post(admin_url("organization", "add"), data)


def add_person(client, **values):
    data = {"name": "", "slug": "", "native_name": "", "other_names": "", "country": ""}
    data.update({"bio": "", "wikidata_id": "", **inline_management("roles")})
    data.update(values)
    return client.post(admin_url("person", "add"), data)


def page_of(response):
    return response.content.decode()


# Events ----------------------------------------------------------------------------------------


def test_the_seed_forum_added_again_is_not_saved_and_the_warning_links_the_seed_record(
    editor_client, seeded
):
    seed_forum = Event.objects.get(slug="ai-global-forum-2024")
    response = add_event(
        editor_client, title="AI Global Forum", slug="ai-global-forum", start="2024-05-22"
    )
    assert response.status_code == 200
    page = page_of(response)
    assert WARNING in page
    assert "AI Global Forum (22 May 2024), Forum —" in page
    assert f'href="{admin_url("event", "change", seed_forum.pk)}"' in page
    assert 'href="/events/ai-global-forum-2024/"' in page
    assert "same type and dates, similar title" in page
    assert 'name="save_anyway"' in page
    assert Event.objects.filter(title="AI Global Forum").count() == 1


def test_save_anyway_saves_the_event_the_warning_was_about(editor_client, seeded):
    response = add_event(
        editor_client,
        title="AI Global Forum",
        slug="ai-global-forum",
        start="2024-05-22",
        save_anyway="on",
    )
    assert response.status_code == 302
    assert Event.objects.filter(title="AI Global Forum").count() == 2


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("AI Global Forum", "2024-05", ""),  # a month-precision date is the whole month
        ("AI Global Forum", "2024", ""),
        ("AI Global Forum", "2024-05-20", "2024-05-24"),  # a span that contains the day
        ("The AI global forum 2024", "2024-05-22", ""),  # "the", case and the year aside
        ("Global Forum on AI", "2024-05-22", ""),  # the same words in another order
        ("AI Global Fourm", "2024-05-22", ""),  # a typo
    ],
)
def test_which_titles_and_dates_count_as_the_same_forum(editor_client, seeded, title, start, end):
    response = add_event(editor_client, title=title, slug="again", start=start, end=end)
    assert WARNING in page_of(response)
    assert not Event.objects.filter(slug="again").exists()


@pytest.mark.parametrize(
    ("title", "start", "type_slug"),
    [
        ("Korea–UK semiconductor supply chain forum", "2024-05-23", "forum"),  # that week
        ("AI Global Forum", "2025-05-22", "forum"),  # a year later
        ("AI Global Forum", "2024-05-22", "dialogue"),  # another type
        ("AI Safety Forum", "2024-05-22", "forum"),  # one word of three differs
    ],
)
def test_events_that_only_look_alike_save_without_a_warning(
    editor_client, seeded, title, start, type_slug
):
    event_type = EventType.objects.get(slug=type_slug)
    data = event_form(event_type, title=title, slug="unrelated", start=start)
    response = editor_client.post(admin_url("event", "add"), data)
    assert response.status_code == 302, page_of(response)
    assert Event.objects.filter(slug="unrelated").exists()


def test_a_draft_counts_and_is_listed_without_a_public_link(editor_client, seeded):
    draft = factories.EventFactory(
        title="Seoul AI Startup Forum",
        slug="seoul-ai-startup-forum",
        event_type=EventType.objects.get(slug="forum"),
        start_date=datetime.date(2024, 5, 23),
        published=False,
    )
    response = add_event(
        editor_client, title="Seoul AI start-up forum", slug="again", start="2024-05-23"
    )
    page = page_of(response)
    assert "Seoul AI Startup Forum (23 May 2024), Forum (draft) —" in page
    assert f'href="{admin_url("event", "change", draft.pk)}"' in page
    assert f'href="{draft.get_absolute_url()}"' not in page


def test_a_participant_in_common_on_the_same_day_warns_whatever_the_title_and_type(
    editor_client, seeded
):
    ministry = Organization.objects.get(slug="ministry-of-foreign-affairs")
    announcement = EventType.objects.get(slug="announcement")
    rows = {
        **inline_management("participations", 2),
        "participations-0-organization": Organization.objects.get(slug="the-white-house").pk,
        "participations-0-role": "participant",
        "participations-0-order": "0",
        "participations-1-organization": ministry.pk,
        "participations-1-role": "host",
        "participations-1-order": "1",
    }
    data = event_form(
        announcement, title="Seoul statement on AI", slug="again", start="2024-05-22", **rows
    )
    page = page_of(editor_client.post(admin_url("event", "add"), data))
    assert "AI Global Forum (22 May 2024), Forum —" in page
    assert "a participant in common, on the same dates" in page
    # The same row marked for deletion is no participant; the White House took part in no
    # event that day.
    data["participations-1-DELETE"] = "on"
    response = editor_client.post(admin_url("event", "add"), data)
    assert response.status_code == 302, page_of(response)


def test_changing_an_existing_event_does_not_warn(editor_client, seeded):
    forum = Event.objects.get(slug="ai-global-forum-2024")
    factories.EventFactory(
        title="AI Global Forum",
        slug="twin",
        event_type=forum.event_type,
        start_date=forum.start_date,
    )
    data = change_form_data(editor_client.get(admin_url("event", "change", forum.pk)))
    data["summary"] = "Edited."
    response = editor_client.post(admin_url("event", "change", forum.pk), data)
    assert response.status_code == 302, page_of(response)
    forum.refresh_from_db()
    assert forum.summary == "Edited."


def test_the_event_check_reads_a_bounded_number_of_rows_in_a_constant_number_of_queries(
    seeded, django_assert_num_queries
):
    forum = Event.objects.get(slug="ai-global-forum-2024")
    ministry = forum.participations.get().organization
    values = {
        "title": "AI Global Forum",
        "event_type": forum.event_type,
        "start": PartialDate.parse("2024-05-22"),
        "organizations": {ministry.pk},
    }
    # Two for the type and dates (published, drafts), one for the participants, one to load.
    with django_assert_num_queries(4) as captured:
        found = similar_events(**values)
    assert [duplicate.record for duplicate in found] == [forum]
    assert all("LIMIT" in query["sql"] for query in captured.captured_queries[:3])


# Organizations and people ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Korea-US AI working group",  # the seed writes "Korea–U.S. AI Working Group"
        "KOREA–U.S. A.I. Working Group",
        "Korea – US AI Working-Group",
    ],
)
def test_an_organization_named_with_other_punctuation_or_case_warns(editor_client, seeded, name):
    response = add_organization(editor_client, name=name, slug="again", kind="multilateral-forum")
    page = page_of(response)
    assert WARNING in page
    assert "Korea–U.S. AI Working Group —" in page
    assert 'href="/organizations/korea-us-ai-working-group/"' in page
    assert not Organization.objects.filter(slug="again").exists()


def test_an_organization_named_with_or_without_accents_warns(editor_client, seeded):
    factories.OrganizationFactory(
        name="Ministère de l’Europe et des Affaires étrangères", slug="meae", country="FR"
    )
    response = add_organization(
        editor_client, name="Ministere de l'Europe et des affaires etrangeres", slug="again"
    )
    assert "Ministère de l’Europe et des Affaires étrangères —" in page_of(response)
    assert not Organization.objects.filter(slug="again").exists()


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"name": "Korean science ministry", "acronym": "MSIT"}, "same name: MSIT"),
        ({"name": "State Department"}, "same name: State Department"),  # the seed's other name
        (
            {"name": "US diplomacy", "other_names": "Foreign office\nU.S. Department of State"},
            "same name: U.S. Department of State",
        ),
    ],
)
def test_an_organization_known_by_an_acronym_or_other_name_warns(
    editor_client, seeded, values, reason
):
    page = page_of(add_organization(editor_client, slug="again", **values))
    assert WARNING in page and reason in page
    assert not Organization.objects.filter(slug="again").exists()


def test_an_organization_with_the_same_wikidata_id_warns(editor_client, db):
    factories.OrganizationFactory(name="European Commission", wikidata_id="Q8880")
    page = page_of(
        add_organization(
            editor_client, name="Brussels executive", slug="again", wikidata_id="Q8880"
        )
    )
    assert "European Commission —" in page
    assert "the same Wikidata ID, Q8880" in page


def test_a_new_organization_that_only_shares_words_saves(editor_client, seeded):
    for name in ("Korea–UK AI Working Group", "Department of Energy", "National Security Agency"):
        slug = normalize(name).replace(" ", "-")
        response = add_organization(editor_client, name=name, slug=slug)
        assert response.status_code == 302, (name, page_of(response))


def test_a_person_known_by_the_same_native_name_warns(editor_client, seeded):
    page = page_of(
        add_person(editor_client, name="Yun Seok-yeol", slug="again", native_name="윤석열")
    )
    assert "Yoon Suk Yeol (윤석열) —" in page
    assert "same name: 윤석열" in page
    assert 'href="/people/yoon-suk-yeol/"' in page
    assert not Person.objects.filter(slug="again").exists()
    response = add_person(
        editor_client, name="Yun Seok-yeol", slug="again", native_name="윤석열", save_anyway="on"
    )
    assert response.status_code == 302
    assert Person.objects.filter(native_name="윤석열").count() == 2


def test_a_person_whose_name_is_written_differently_warns(editor_client, seeded):
    page = page_of(add_person(editor_client, name="Cho Taeyong", slug="again"))
    assert "Cho Tae-yong (조태용) —" in page


def test_changing_an_existing_organization_or_person_does_not_warn(editor_client, seeded):
    state = Organization.objects.get(slug="department-of-state")
    factories.OrganizationFactory(name="Department of State", slug="twin-state", country="US")
    data = change_form_data(editor_client.get(admin_url("organization", "change", state.pk)))
    data["description"] = "Edited."
    response = editor_client.post(admin_url("organization", "change", state.pk), data)
    assert response.status_code == 302, page_of(response)
    person = Person.objects.get(slug="seth-center")
    factories.PersonFactory(name="Seth Center", slug="twin-seth")
    data = change_form_data(editor_client.get(admin_url("person", "change", person.pk)))
    data["bio"] = "Edited."
    response = editor_client.post(admin_url("person", "change", person.pk), data)
    assert response.status_code == 302, page_of(response)


def test_markup_in_a_name_is_shown_as_text_in_the_warning(editor_client, db):
    name = 'Ministry of <em>Truth</em> <img src=x onerror="alert(1)">'
    factories.OrganizationFactory(name=name)
    page = page_of(add_organization(editor_client, name=name, slug="again"))
    assert WARNING in page
    assert (
        "Ministry of &lt;em&gt;Truth&lt;/em&gt; &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
        in page
    )
    assert "<em>Truth</em>" not in page and "<img src=x" not in page


# The comparison itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("Korea–U.S.", "Korea-US", True),
        ("Ministère des Affaires étrangères", "ministere des affaires etrangeres", True),
        ("Cho Tae-yong", "Cho Taeyong", True),
        ("Suk Yeol Yoon", "Yoon Suk Yeol", True),
        ("Ministry of Foreign Affairs", "Ministry of Foreign Affairs and Trade", True),
        ("Korea–US AI Working Group", "Korea–UK AI Working Group", False),
        ("Office of the President", "Office of the Vice President", False),
        ("Department of State", "Department of Commerce", False),
        ("NSO", "NSC", False),
    ],
)
def test_which_names_count_as_similar(a, b, alike):
    assert similar(normalize(a), normalize(b)) is alike
