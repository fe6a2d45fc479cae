"""What only a browser shows: the timeline driven through its form, accessibility (axe-core)
and the layout at phone width. Playwright drives the machine's own Chromium."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def site(transactional_db, live_server):
    from tracker.seed.loader import load_seed

    load_seed()
    return live_server.url


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which Django takes for async
    # code; the database is touched here only before the browser starts (the live server
    # answers from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_reader_filters_the_timeline_through_the_form_and_opens_an_event(site, page):
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "Timeline of AI diplomacy"
    assert "8 events" in page.locator(".result-count").inner_text()

    page.get_by_label("United Kingdom").check()
    page.locator(".facet-type").get_by_label("Summit").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()

    assert "country=GB" in page.url and "type=summit" in page.url
    assert "q=" not in page.url  # empty fields are not sent
    assert "2 events" in page.locator(".result-count").inner_text()
    titles = page.locator(".event-title").all_inner_texts()
    assert titles == ["AI Seoul Summit", "AI Seoul Summit: leaders' session"]
    chips = page.locator(".chips .chip").all_inner_texts()
    assert any("Country: United Kingdom" in chip for chip in chips)

    page.get_by_role("link", name="AI Seoul Summit", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/events/ai-seoul-summit-2024/")
    assert page.locator("h1").inner_text() == "AI Seoul Summit"
    assert "21–22 May 2024" in page.locator(".record-header").inner_text()
    participants = page.locator("#participants-heading + *").inner_text() + page.content()
    assert "Rishi Sunak" in participants
    assert "Korea.net" in page.locator(".source-list").inner_text()


def test_search_highlights_matches(site, page):
    page.goto(site + "/")
    page.get_by_label("Search", exact=True).fill("Sullivan")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.locator("mark").first.inner_text() == "Sullivan"
    assert page.locator(".event-title").all_inner_texts() == [
        "1st Korea–U.S. Next Generation Critical and Emerging Technologies Dialogue"
    ]


@pytest.mark.parametrize(
    "path", ["/", "/events/nget-dialogue-2023/", "/people/seth-center/", "/organizations/"]
)
def test_pages_have_no_serious_accessibility_violations(site, page, path):
    page.goto(site + path)
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/events/ai-seoul-summit-2024/", "/people/yoon-suk-yeol/"])
def test_pages_fit_a_375px_phone(site, browser, path):
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(site + path)
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375
    assert serious_violations(phone) == []
    phone.close()


def test_typeahead_suggests_people_and_the_field_takes_their_key(site, page):
    page.goto(site + "/")
    field = page.locator("#id_person_other")
    field.fill("seth")
    page.wait_for_selector(
        "#id_person_other-suggestions option[value='seth-center']", state="attached"
    )
    field.fill("seth-center")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "person=seth-center" in page.url
    assert page.locator(".event-title").all_inner_texts() == [
        "Korea–U.S. AI Working Group: launch and first meeting"
    ]


def test_an_editor_previews_a_draft_from_the_admin_also_on_a_phone(site, browser):
    from django.contrib.auth import get_user_model

    from tracker.models import Event

    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    summit.published = False
    summit.save()
    get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-chief-1")

    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(site + "/admin/login/")
    phone.fill("#id_username", "chief")
    phone.fill("#id_password", "pw-chief-1")
    phone.click("input[type=submit]")
    phone.goto(site + f"/admin/tracker/event/{summit.pk}/change/")
    phone.click("a.viewsitelink")
    phone.wait_for_load_state()

    assert phone.url == site + summit.get_absolute_url()
    banner = phone.get_by_role("note", name="Draft")
    assert banner.is_visible()
    assert banner.inner_text().startswith("Draft — not public.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(phone) == []
    phone.close()


def test_the_admin_makes_the_same_slug_from_a_title_as_the_server(site, page, django_user_model):
    from tests.test_slugs import CASES
    from tracker.slugs import slug_for

    django_user_model.objects.create_superuser("slugger", "s@example.org", "pw-slugger-1")
    page.goto(site + "/admin/tracker/event/add/")
    page.fill("#id_username", "slugger")
    page.fill("#id_password", "pw-slugger-1")
    page.click("input[type=submit]")
    page.wait_for_selector("#id_title")

    page.locator("#id_title").press_sequentially("Korea–U.S. AI dialogue")
    assert page.locator("#id_slug").input_value() == "korea-us-ai-dialogue"

    made = page.evaluate(
        "cases => cases.map(name => URLify(name, 200, false))", [n for n, _ in CASES]
    )
    assert made == [slug_for(name) for name, _ in CASES]
