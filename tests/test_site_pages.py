"""The pages a reader finds their way by: About, the indexes of topics, countries and
sources, one country's page, the sitemap, and what every page tells search engines and link
previews (canonical link, OpenGraph and Twitter tags, noindex on narrow timeline views)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from reversion.models import Version

from tracker import sitemaps
from tracker.models import Page
from tracker.seed import about
from tracker.views import indexes

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def text_of(response):
    return response.content.decode()


def meta(html, attribute, name):
    """The content of <meta {attribute}="{name}" content="...">, or None."""
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return found.group(1) if found else None


# About ---------------------------------------------------------------------------------------


def test_about_page_says_what_the_tracker_is_and_how_to_cite_it(client, db):
    response = client.get("/about/")
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1 id=\"record-title\">About the tracker</h1>" in html
    for heading in ["What counts as an event", "Dates and their precision",
                    "Sources and disagreements", "Corrections", "Licence", "How to cite"]:
        assert f"<h2>{heading}</h2>" in html
    assert "<em>December 2023</em>" in html
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">' in html
    assert 'aria-current="page">About</a>' in html


def test_about_page_shows_an_editors_markup_as_text(client, db):
    page = Page.objects.get(slug="about")
    page.body = (
        "## Who we are <img src=x onerror=alert(1)>\n\n"
        "<script>alert('x')</script> and [a link](javascript:alert(1)) "
        '[another](https://example.org/"onmouseover="x) [fine](https://example.org/?a=1&b=2)'
    )
    page.title = "About <b>us</b>"
    page.save()
    html = text_of(client.get("/about/"))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<h2>Who we are &lt;img src=x onerror=alert(1)&gt;</h2>" in html
    assert 'href="javascript' not in html and "[a link](javascript:alert(1))" in html
    assert "[another](https://example.org/&#34;onmouseover=&#34;x)" in html  # left as text
    assert '<a href="https://example.org/?a=1&amp;b=2">fine</a>' in html
    assert "About &lt;b&gt;us&lt;/b&gt;" in html


def test_about_page_is_edited_in_the_admin_and_keeps_its_history(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__endswith="_page"))
    client.force_login(editor)
    page = Page.objects.get(slug="about")
    url = f"/admin/tracker/page/{page.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "title": "About the tracker",
        "slug": "about",
        "summary": "What it is.",
        "body": "We record **AI diplomacy**.",
        "change_reason": "Shorter",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    html = text_of(client.get("/about/"))
    assert "We record <strong>AI diplomacy</strong>." in html
    assert meta(html, "name", "description") == "What it is."
    versions = Version.objects.get_for_object(page)
    assert versions.count() == 1
    assert versions.first().revision.comment == "Shorter"


def test_a_page_cannot_take_the_key_of_the_sites_own_addresses(db):
    page = Page(slug="countries", title="Countries", body="x")
    with pytest.raises(Exception, match="taken by the site"):
        page.full_clean()


def test_about_page_is_written_once_and_never_over_an_editors_text(db):
    page = Page.objects.get(slug="about")
    page.body = "Edited."
    page.save()
    assert about.ensure_about_page(Page) is None
    assert Page.objects.get(slug="about").body == "Edited."


def test_unknown_page_is_404(client, db):
    assert client.get("/no-such-page/").status_code == 404


# Topics --------------------------------------------------------------------------------------


def test_topics_are_listed_a_to_z_with_their_published_events(
    client, topic_factory, event_factory
):
    safety = topic_factory(name="AI safety", slug="ai-safety")
    chips = topic_factory(name="Semiconductors", slug="semiconductors")
    topic_factory(name="Biotechnology", slug="biotechnology")
    for event in [event_factory(), event_factory(), event_factory(published=False)]:
        event.topics.add(safety)
    event_factory().topics.add(chips)
    response = client.get("/topics/")
    listed = [(t.name, t.event_count) for t in response.context_data["topics"]]
    assert listed == [("AI safety", 2), ("Biotechnology", 0), ("Semiconductors", 1)]
    html = text_of(response)
    assert '<a href="/topics/ai-safety/">AI safety</a> <span class="muted">· 2 events' in html
    assert "· 1 event<" in html


def test_topics_are_paged_and_a_bad_page_is_404(client, topic_factory, monkeypatch):
    monkeypatch.setattr(indexes.TopicListView, "paginate_by", 2)
    for name in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"]:
        topic_factory(name=name, slug=name.lower())
    names = [t.name for t in client.get("/topics/?page=2").context_data["topics"]]
    assert names == ["Charlie", "Delta"]
    last = client.get("/topics/?page=3")
    assert [t.name for t in last.context_data["topics"]] == ["Echo"]
    assert 'rel="prev" href="?page=2"' in text_of(last)
    for bad in ["4", "0", "abc", "9" * 50, "%00"]:
        assert client.get(f"/topics/?page={bad}").status_code == 404, bad


def test_a_topics_page_links_back_to_the_index(client, topic_factory):
    topic_factory(name="AI safety", slug="ai-safety")
    html = text_of(client.get("/topics/ai-safety/"))
    assert '<a href="/topics/">Topic</a>' in html
    assert 'href="/topics/" aria-current="page"' in html


# Countries -----------------------------------------------------------------------------------


@pytest.fixture
def countries_world(event_factory, organization_factory, person_factory):
    ministry = organization_factory(name="Ministry of Science and ICT", country="KR")
    organization_factory(name="Cabinet Office", country="GB")
    organization_factory(name="OECD", country="")
    person_factory(name="Lee Jong-ho", country="KR")
    person_factory(name="Ahn Cheol-soo", country="KR")
    first = event_factory(title="Seoul dialogue", country="KR",
                          start_date=datetime.date(2023, 12, 9))
    second = event_factory(title="Seoul summit", country="KR",
                           start_date=datetime.date(2024, 5, 21))
    event_factory(title="Draft visit", country="KR", published=False)
    event_factory(title="Paris meeting", country="FR")
    from tracker.models import Participation

    Participation.objects.create(event=first, organization=ministry)
    first.save()
    return {"ministry": ministry, "first": first, "second": second}


def test_countries_are_listed_by_name_with_events_organizations_and_people(
    client, countries_world
):
    rows = client.get("/countries/").context_data["country_rows"]
    assert [(r["name"], r["events"], r["organizations"], r["people"]) for r in rows] == [
        ("France", 1, 0, 0),
        ("South Korea", 2, 1, 2),  # the draft is not counted
        ("United Kingdom", 0, 1, 0),
    ]
    html = text_of(client.get("/countries/"))
    assert '<a href="/countries/kr/">South Korea</a>' in html


def test_countries_are_paged_and_a_bad_page_is_404(client, countries_world, monkeypatch):
    monkeypatch.setattr(indexes.CountryListView, "paginate_by", 2)
    names = [r["name"] for r in client.get("/countries/?page=2").context_data["country_rows"]]
    assert names == ["United Kingdom"]
    for bad in ["3", "x", "-1"]:
        assert client.get(f"/countries/?page={bad}").status_code == 404


def test_a_country_page_lists_its_events_organizations_and_people(client, countries_world):
    response = client.get("/countries/kr/")
    assert response.status_code == 200
    context = response.context_data
    assert context["name"] == "South Korea"
    assert [e.title for e in context["events"]] == ["Seoul summit", "Seoul dialogue"]
    assert context["event_total"] == 2
    assert [(o.name, o.event_count) for o in context["organizations"]] == [
        ("Ministry of Science and ICT", 1)
    ]
    assert [p.name for p in context["people"]] == ["Ahn Cheol-soo", "Lee Jong-ho"]
    html = text_of(response)
    assert "Draft visit" not in html
    assert '<a href="/?country=KR">See these events on the timeline</a>' in html
    assert '<link rel="canonical" href="http://testserver/countries/kr/">' in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/countries/zz/", 404),  # not a country
        ("/countries/k/", 404),
        ("/countries/kor/", 404),
        ("/countries/%00k/", 404),
        ("/countries/<b>/", 404),
        ("/countries/kr/?page=2", 404),
        ("/countries/kr/?page=abc", 404),
        ("/countries/kr/?page=" + "9" * 40, 404),
        ("/countries/de/", 200),  # a country with nothing yet: an empty page, not an error
    ],
)
def test_unknown_countries_and_bad_pages_are_404(client, countries_world, path, status):
    assert client.get(path).status_code == status


def test_an_upper_case_code_is_the_same_page_naming_the_lower_case_address(
    client, countries_world
):
    response = client.get("/countries/KR/")
    assert response.status_code == 200
    assert response.context_data["name"] == "South Korea"
    assert '<link rel="canonical" href="http://testserver/countries/kr/">' in text_of(response)


def test_a_countrys_people_and_organizations_are_paged_together(
    client, countries_world, person_factory, monkeypatch
):
    monkeypatch.setattr(indexes.CountryDetailView, "per_page", 1)
    second = client.get("/countries/kr/?page=2").context_data
    assert [p.name for p in second["people"]] == ["Lee Jong-ho"]
    assert list(second["organizations"]) == []
    assert second["paginator"].num_pages == 2
    assert client.get("/countries/kr/?page=3").status_code == 404


def test_country_tags_on_the_timeline_are_links_to_the_country(client, countries_world):
    html = text_of(client.get("/"))
    assert '<a class="country" href="/countries/kr/">South Korea</a>' in html
    assert '<span class="country"' not in html


# Sources -------------------------------------------------------------------------------------


def test_sources_are_listed_by_publisher_with_the_published_events_citing_them(
    client, source_factory, citation_factory, event_factory
):
    yonhap = source_factory(title="Yoon to visit", publisher="Yonhap")
    herald = source_factory(title="Working group", publisher="Korea Herald")
    older = source_factory(title="Another", publisher="Korea Herald")
    late = event_factory(title="Summit", start_date=datetime.date(2024, 5, 21))
    early = event_factory(title="Visit", start_date=datetime.date(2023, 4, 24))
    draft = event_factory(title="Secret", published=False)
    for event in [late, early, draft]:
        citation_factory(event=event, source=herald)
    citation_factory(event=early, source=yonhap)
    response = client.get("/sources/")
    sources = response.context_data["sources"]
    assert [(s.publisher, s.title) for s in sources] == [
        ("Korea Herald", "Another"), ("Korea Herald", "Working group"), ("Yonhap", "Yoon to visit")
    ]
    assert [(s.event_total, [e.title for e in s.event_list]) for s in sources] == [
        (0, []), (2, ["Visit", "Summit"]), (1, ["Visit"])
    ]
    html = text_of(response)
    assert "Secret" not in html
    assert "Cited by 2 events:" in html and "Not cited by a published event." in html
    assert older.pk  # listed though nothing cites it


def test_a_source_cited_by_many_shows_the_first_few_and_the_total(
    client, source_factory, citation_factory, event_factory, monkeypatch
):
    monkeypatch.setattr(indexes, "EVENTS_PER_SOURCE", 2)
    source = source_factory(publisher="Korea.net")
    for day in [3, 1, 2]:
        citation_factory(source=source, event=event_factory(
            title=f"Day {day}", start_date=datetime.date(2024, 5, day)))
    listed = client.get("/sources/").context_data["sources"][0]
    assert [e.title for e in listed.event_list] == ["Day 1", "Day 2"]
    assert "Cited by 3 events, the first 2:" in text_of(client.get("/sources/"))


def test_sources_are_paged_and_a_bad_page_is_404(client, source_factory, monkeypatch):
    monkeypatch.setattr(indexes.SourceListView, "paginate_by", 2)
    for publisher in "CAB":
        source_factory(publisher=publisher, title="T")
    assert [s.publisher for s in client.get("/sources/?page=2").context_data["sources"]] == ["C"]
    assert client.get("/sources/?page=3").status_code == 404
    assert client.get("/sources/?page=%00").status_code == 404


# Navigation ----------------------------------------------------------------------------------


def test_the_navigation_links_every_index_and_about(client, db):
    html = text_of(client.get("/"))
    nav = html[html.index('<nav aria-label="Main">'):html.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', nav) == [
        "/", "/organizations/", "/people/", "/topics/", "/countries/", "/sources/", "/about/"
    ]


# Sitemap and robots.txt ----------------------------------------------------------------------


def sitemap_locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_sitemap_lists_published_records_only(
    client, event_factory, organization_factory, person_factory, topic_factory
):
    event_factory(slug="ai-seoul-summit-2024")
    event_factory(slug="secret-draft", published=False)
    organization_factory(slug="msit", country="KR")
    person_factory(slug="seth-center", country="US")
    topic_factory(slug="ai-safety")
    sections = sitemap_locations(client, "/sitemap.xml")
    assert sections == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ["site", "pages", "events", "organizations", "people", "topics", "countries"]
    ]
    every = [loc for section in sections for loc in sitemap_locations(client, section)]
    paths = {loc.removeprefix("http://testserver") for loc in every}
    assert {
        "/", "/organizations/", "/people/", "/topics/", "/countries/", "/sources/", "/about/",
        "/events/ai-seoul-summit-2024/", "/organizations/msit/", "/people/seth-center/",
        "/topics/ai-safety/", "/countries/kr/", "/countries/us/",
    } <= paths
    assert "/events/secret-draft/" not in paths
    assert len(every) == len(paths)


def test_a_long_sitemap_section_is_split_in_pages_dated_by_its_latest_change(
    client, event_factory, monkeypatch
):
    monkeypatch.setattr(sitemaps.RecordSitemap, "limit", 2)
    events = [event_factory(slug="event-0")]
    event_factory(slug="secret-draft", published=False)  # between two pages' ids: left out
    events += [event_factory(slug=f"event-{i}") for i in (1, 2)]
    response = client.get("/sitemap.xml")
    index = ET.fromstring(response.content)
    entries = {
        entry.find(f"{SITEMAP}loc").text: entry.find(f"{SITEMAP}lastmod")
        for entry in index.iter(f"{SITEMAP}sitemap")
    }
    pages = ["http://testserver/sitemap-events.xml", "http://testserver/sitemap-events.xml?p=2"]
    assert [loc for loc in entries if "events" in loc] == pages
    latest = max(event.updated_at for event in events)
    assert datetime.datetime.fromisoformat(entries[pages[0]].text) == latest
    listed = [loc for page in pages for loc in sitemap_locations(client, page)]
    assert listed == [f"http://testserver/events/event-{i}/" for i in range(3)]


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-events.xml?p=" + "9" * 30, "/sitemap-events.xml?p=0", "/sitemap-events.xml?p=-1",
        "/sitemap-events.xml?p=%00", "/sitemap-countries.xml?p=2", "/sources/?page=" + "9" * 30,
        "/countries/k%00/", "/countries/KR/?page=" + "9" * 30,
    ],
)
def test_new_addresses_answer_bad_pages_and_nul_bytes_with_404(client, event_factory, path):
    event_factory(slug="one-event", country="KR")
    assert client.get(path).status_code == 404


def test_sitemap_answers_bad_sections_and_pages_with_404(client, db):
    assert sitemap_locations(client, "/sitemap-events.xml") == []  # no event yet: empty
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-events.xml?p=abc").status_code == 404
    assert client.get("/sitemap-events.xml?p=99").status_code == 404


def test_robots_txt_names_the_sitemap(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# Canonical links, previews, noindex ----------------------------------------------------------


PUBLIC_PAGES = [
    "/", "/about/", "/topics/", "/topics/ai-safety/", "/countries/", "/countries/kr/",
    "/sources/", "/organizations/", "/organizations/msit/", "/people/", "/people/seth-center/",
    "/events/seoul-summit/",
]


@pytest.fixture
def small_site(event_factory, organization_factory, person_factory, topic_factory):
    event = event_factory(slug="seoul-summit", title='The "Seoul" summit & more', country="KR")
    event.topics.add(topic_factory(slug="ai-safety"))
    organization_factory(slug="msit", country="KR")
    person_factory(slug="seth-center", country="US")
    return event


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_canonical_link_and_preview_tags(client, small_site, path):
    response = client.get(path)
    assert response.status_code == 200
    html = text_of(response)
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical == [f"http://testserver{path}"]
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert meta(html, "property", "og:title") == title
    assert meta(html, "name", "twitter:title") == title
    description = meta(html, "name", "description")
    assert description and meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:url") == f"http://testserver{path}"
    image = meta(html, "property", "og:image")
    assert image == "http://testserver/static/tracker/og-card.png"
    assert meta(html, "name", "twitter:image") == image
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "robots") is None


def test_the_preview_image_is_served_by_the_app(client, db):
    from django.contrib.staticfiles import finders

    path = finders.find("tracker/og-card.png")
    with open(path, "rb") as image:
        head = image.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20]) == 1200 and int.from_bytes(head[20:24]) == 630


def test_a_title_with_quotes_stays_inside_its_attribute(client, small_site):
    html = text_of(client.get("/events/seoul-summit/"))
    assert meta(html, "property", "og:title").startswith(
        "The &#34;Seoul&#34; summit &amp; more"
    )


def test_a_list_page_beyond_the_first_is_its_own_canonical_address(
    client, topic_factory, monkeypatch
):
    monkeypatch.setattr(indexes.TopicListView, "paginate_by", 1)
    topic_factory()
    topic_factory()
    html = text_of(client.get("/topics/?page=2&utm_source=x"))
    assert '<link rel="canonical" href="http://testserver/topics/?page=2">' in html
    html = text_of(client.get("/topics/?page=1"))
    assert '<link rel="canonical" href="http://testserver/topics/">' in html


@pytest.mark.parametrize(
    ("query", "indexed"),
    [
        ("", True),
        ("?country=KR", True),
        ("?topic=ai-safety&page=2", True),
        ("?country=KR&order=asc", True),
        ("?country=KR&country=GB", False),
        ("?country=KR&type=summit", False),
        ("?q=seoul&from=2024", False),
        ("?country=KR&q=", True),  # an empty field is no filter
    ],
)
def test_timeline_views_beyond_a_single_filter_are_not_indexed(
    client, small_site, query, indexed
):
    html = text_of(client.get(f"/{query}"))
    noindex = '<meta name="robots" content="noindex">' in html
    assert noindex is not indexed
