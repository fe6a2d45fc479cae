"""The "Another person" and "Another organization" fields take a name as typed, not only a
record's key: one match selects it, several are offered as choices, none is said plainly."""

import re

import pytest

from tracker.models import MergedSlug


def notice(response):
    found = re.search(r'<div class="notice notice-error".*?</div>', response.content.decode(), re.S)
    return found.group(0) if found else ""


def choices(response):
    """``[(name, href)]`` of the choices the notice offers."""
    return [
        (name, href.replace("&amp;", "&"))
        for href, name in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', notice(response))
    ]


def slugs(response):
    return [event.slug for event in response.context_data["page_events"]]


def test_a_typed_name_selects_the_one_person_so_named(client, seeded):
    response = client.get("/?person=Jake+Sullivan")
    assert response.status_code == 302
    assert response["Location"] == "/?person=jake-sullivan"
    page = client.get(response["Location"])
    assert slugs(page) == ["nget-dialogue-2023"]
    assert [chip.label for chip in page.context_data["chips"]] == ["Person: Jake Sullivan"]


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("person=jake+SULLIVAN", "/?person=jake-sullivan"),  # any case, any spacing
        ("person=++Jake+++Sullivan+", "/?person=jake-sullivan"),
        ("person=Sullivan", "/?person=jake-sullivan"),  # the one name holding it
        (
            "country=US&person=Jake+Sullivan&order=asc",
            "/?country=US&person=jake-sullivan&order=asc",
        ),
        # Several values: only the typed one is replaced, in its place, and no key twice.
        ("person=seth-center&person=Jake+Sullivan", "/?person=seth-center&person=jake-sullivan"),
        ("person=Jake+Sullivan&person=jake-sullivan", "/?person=jake-sullivan"),
    ],
)
def test_the_others_filters_and_their_order_are_kept(client, seeded, query, location):
    response = client.get("/?" + query)
    assert (response.status_code, response["Location"]) == (302, location)


def test_another_name_selects_too(client, seeded, person_factory):
    person_factory(name="Kim Jong-un", slug="kim-jong-un", other_names="Kim Jung Un\nKim III")
    response = client.get("/?person=kim+jung+un")
    assert response["Location"] == "/?person=kim-jong-un"


def test_a_native_name_selects_too(client, seeded):
    from tracker.models import Person

    Person.objects.filter(slug="yoon-suk-yeol").update(native_name="윤석열")
    response = client.get("/?person=윤석열")
    assert response["Location"] == "/?person=yoon-suk-yeol"


def test_several_people_of_that_name_are_offered_as_choices(client, seeded, person_factory):
    person_factory(name="Kim Min-jun", slug="kim-min-jun-1")
    person_factory(name="Kim Min-jun", slug="kim-min-jun-2")
    person_factory(name="Kim Min-jung", slug="kim-min-jung")  # holds the name, is not it
    response = client.get("/?country=KR&person=Kim+Min-jun")
    assert response.status_code == 200
    assert "2 people are named “Kim Min-jun”; choose one:" in notice(response)
    assert choices(response) == [
        ("Kim Min-jun", "/?country=KR&person=kim-min-jun-1"),
        ("Kim Min-jun", "/?country=KR&person=kim-min-jun-2"),
    ]
    assert "No person has the key" not in notice(response)  # said once, better
    # The other filters still apply.
    assert response.context_data["total"] == client.get("/?country=KR").context_data["total"]


def test_a_part_of_several_names_lists_them(client, seeded):
    response = client.get("/?organization=Department")
    assert "No organization is named “Department”; these have it in their names:" in notice(
        response
    )
    assert choices(response) == [
        (
            "Department for Science, Innovation and Technology (DSIT)",
            "/?organization=department-for-science-innovation-and-technology",
        ),
        ("Department of Commerce", "/?organization=department-of-commerce"),
        ("Department of State", "/?organization=department-of-state"),
    ]


def test_a_long_list_of_choices_ends_with_a_search(client, db, person_factory):
    for n in range(12):
        person_factory(name=f"Lee {n}", slug=f"lee-{n}")
    response = client.get("/?person=Lee")
    listed = choices(response)
    assert len(listed) == 9
    assert listed[-1] == ("More people with “Lee” in their names", "/people/?q=Lee")


def test_no_match_says_so_plainly(client, seeded):
    response = client.get("/?country=GB&person=Jane+Nobody")
    assert response.status_code == 200
    text = notice(response)
    assert "No person is named “Jane Nobody” or has that key." in text
    assert 'See <a href="/people/">the list of people</a>.' in text
    assert response.context_data["total"] == 3


def test_an_unknown_key_still_reads_as_before_in_the_notice(client, seeded):
    assert "No person is named “nobody” or has that key." in notice(client.get("/?person=nobody"))


def test_organizations_by_name_other_name_and_acronym(client, seeded):
    assert client.get("/?organization=State+Department")["Location"] == (
        "/?organization=department-of-state"
    )
    assert client.get("/?organization=msit")["Location"] == (
        "/?organization=ministry-of-science-and-ict"
    )
    assert client.get("/?organization=Department+of+Commerce")["Location"] == (
        "/?organization=department-of-commerce"
    )


def test_the_key_of_a_record_merged_away_selects_the_one_that_stayed(client, seeded):
    from tracker.models import Person

    kept = Person.objects.get(slug="jake-sullivan")
    MergedSlug.objects.create(kind="person", slug="jacob-sullivan", person=kept, title="J. S.")
    assert client.get("/?person=jacob-sullivan")["Location"] == "/?person=jake-sullivan"


@pytest.mark.parametrize(
    "value",
    ["%3Cb%3Emark%3C%2Fb%3E", "a%00b", "%E2%80%AE", "x" * 500, "%25", "%22%22", "-"],
)
def test_odd_typed_names_get_a_notice_never_a_500(client, seeded, value):
    response = client.get(f"/?person={value}", follow=True)  # a NUL is taken out first
    assert response.status_code == 200
    assert "<b>mark" not in response.content.decode()
    assert "No person is named" in notice(response)


def test_twenty_one_typed_names_are_refused_as_too_many(client, seeded):
    query = "&".join(f"person=Name+{n}" for n in range(21))
    response = client.get("/?" + query)
    assert "Choose at most 20" in notice(response)


def test_the_lookup_is_a_few_queries_whatever_is_typed(
    client, seeded, django_assert_num_queries
):
    client.get("/?country=KR")  # the worker's columns are built
    with django_assert_num_queries(7):
        assert client.get("/?country=GB").status_code == 200
    # Twenty names and a part of one: the page's seven and at most three per field (the keys
    # that exist, the keys merged away, the names).
    query = "&".join(f"person=Name+{n}" for n in range(20)) + "&organization=Office"
    with django_assert_num_queries(7 + 3 + 2):
        assert client.get("/?country=GB&" + query).status_code == 200


def test_the_data_formats_stay_strict(client, seeded):
    """A program gets a 400 for a name, never a guess: only the page reads names."""
    assert client.get("/api/v1/events/?person=Jake+Sullivan").status_code == 400
    assert client.get("/events.csv?person=Jake+Sullivan").status_code == 400
