"""The page frame as a browser lays it out: every public page's heading clear of the top bar
and no sideways scrolling at 1280 and 375 px; what a printed timeline and a printed event
keep; the Copy buttons of "Cite this record"."""

import pytest

from tests import test_browser as shared

pytestmark = shared.pytestmark
# The browser tests' fixtures: the seeded live site, the machine's Chromium, a 1280 px page.
site, browser, page = shared.site, shared.browser, shared.page
serious_violations = shared.serious_violations

PUBLIC_PAGES = [
    "/",
    "/?country=GB&type=summit",
    "/events/ai-seoul-summit-2024/",
    "/organizations/",
    "/organizations/department-of-state/",
    "/people/",
    "/people/seth-center/",
    "/topics/ai-safety/",
    "/no-such-page/",
]
MARGIN = 12  # px between the bar's bottom edge and the first line of the page


@pytest.fixture(params=[1280, 375], ids=["1280px", "375px"])
def sized_page(request, browser):
    page = browser.new_page(viewport={"width": request.param, "height": 800})
    yield page
    page.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_every_public_page_starts_clear_of_the_top_bar_and_fits_the_width(site, sized_page):
    width = sized_page.viewport_size["width"]
    for path in PUBLIC_PAGES:
        sized_page.goto(site + path)
        bar = box(sized_page, ".site-header")
        # The first thing on the page: a kicker above the heading, or the heading itself.
        first = sized_page.evaluate(
            "() => document.querySelector('main').firstElementChild.getBoundingClientRect().top"
        )
        heading = box(sized_page, "main h1")
        assert first >= bar["y"] + bar["height"] + MARGIN, path
        assert heading["y"] >= bar["y"] + bar["height"] + MARGIN, path
        assert sized_page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_a_printed_timeline_is_its_heading_filters_and_list(site, page):
    page.goto(site + "/?country=GB&type=summit")
    page.emulate_media(media="print")
    for hidden in [
        ".site-header nav",
        ".filters",
        ".filter-form",
        ".site-footer",
        ".format-links",
        ".order-toggle",
        ".histogram",
    ]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").inner_text() == "Timeline of AI diplomacy"
    assert page.locator(".chips").is_visible()
    chips = [text.strip() for text in page.locator(".chips .chip").all_inner_texts()]
    assert chips == ["Country: United Kingdom", "Type: Summit"]
    assert page.locator(".event-title").all_inner_texts() == [
        "AI Seoul Summit",
        "AI Seoul Summit: leaders' session",
    ]
    # Links print black, not in the screen's blue.
    color = page.locator(".event-title a").first.evaluate("a => getComputedStyle(a).color")
    assert color == "rgb(0, 0, 0)"
    page.emulate_media(media="screen")
    assert page.locator(".filters").is_visible() and page.locator(".site-header nav").is_visible()


def test_a_printed_event_is_its_record_and_sources(site, page):
    page.goto(site + "/events/ai-seoul-summit-2024/")
    page.emulate_media(media="print")
    for hidden in [
        ".site-header nav",
        ".site-footer",
        ".prev-next",
        ".record-actions",
        ".copy-button",
        ".cite-ris",
    ]:
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ["h1", ".source-list", ".facts", "#cite-text", "#participants-heading"]:
        assert page.locator(shown).first.is_visible(), shown
    # A source's address is written out after its title.
    after = page.locator(".source-list a").first.evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert after.startswith('" <https://')


def test_copy_puts_each_citation_on_the_clipboard(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    page.goto(site + "/events/nget-dialogue-2023/")
    page.get_by_role("button", name="Copy the citation").click()
    assert page.get_by_role("status").filter(has_text="Copied").inner_text() == (
        "Copied the citation."
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#cite-text").inner_text()
    assert copied.startswith("“1st Korea–U.S. Next Generation Critical and Emerging")

    page.locator(".cite-bibtex summary").click()
    page.get_by_role("button", name="Copy the BibTeX entry").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{aipolicytracker:nget-dialogue-2023,\n")
    assert serious_violations(page) == []
    context.close()


def test_without_javascript_the_citation_is_there_and_no_dead_button(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/events/nget-dialogue-2023/")
    assert page.locator("#cite-text").inner_text().startswith("“1st Korea–U.S.")
    assert page.locator(".copy-button").count() == 0
    assert page.get_by_role("link", name="Download RIS").get_attribute("href") == (
        "/events/nget-dialogue-2023/cite.ris"
    )
    context.close()


def test_the_upcoming_badge_holds_its_word_and_no_separator(site, page):
    import datetime

    from tracker.models import Event

    forum = Event.objects.get(slug="ai-global-forum-2024")
    forum.status = "scheduled"
    forum.start_date = datetime.date.today() + datetime.timedelta(days=200)
    forum.save()

    before = "b => getComputedStyle(b, '::before').content"
    page.goto(site + "/")
    badge = page.locator(".event-meta .badge-scheduled")
    assert badge.inner_text() == "Upcoming"
    assert badge.evaluate(before) in ("none", "normal")
    # The separators between the row's other facts are still there.
    place = page.locator(".event-scheduled .event-meta .place")
    assert place.evaluate(before) == '"·"'
    page.goto(site + forum.get_absolute_url())
    badge = page.locator(".record-header .badge-scheduled")
    assert badge.inner_text() == "Upcoming"
    assert badge.evaluate(before) in ("none", "normal")
