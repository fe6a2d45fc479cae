"""The About page and the indexes in a browser, at 1280 px and on a 375 px phone: nothing
wider than the screen, the heading in view, no serious accessibility violation (axe-core),
and the country tags on the timeline are links with room between them."""

import pytest

from tests import test_browser

# The fixtures and marks of the browser tests: the seeded live server and the machine's Chromium.
pytestmark = test_browser.pytestmark
site, browser, page = test_browser.site, test_browser.browser, test_browser.page
serious_violations = test_browser.serious_violations

NEW_PAGES = ["/about/", "/topics/", "/countries/", "/countries/kr/", "/sources/"]
HEADINGS = {
    "/about/": "About the tracker",
    "/topics/": "Topics",
    "/countries/": "Countries",
    "/countries/kr/": "South Korea",
    "/sources/": "Sources",
}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", NEW_PAGES)
def test_new_pages_fit_the_screen_show_their_heading_and_pass_axe(
    site, browser, path, width
):
    tab = browser.new_page(viewport={"width": width, "height": 800})
    tab.goto(site + path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    heading = tab.locator("h1")
    assert heading.inner_text() == HEADINGS[path]
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] < 800
    assert serious_violations(tab) == []
    tab.close()


def test_a_country_tag_leads_to_its_country_and_tags_do_not_touch(site, browser):
    tab = browser.new_page(viewport={"width": 375, "height": 800})
    tab.goto(site + "/")
    tags = tab.locator(".countries:has(a.country + a.country)").first.locator("a.country")
    assert tags.count() >= 2
    first, second = tags.nth(0).bounding_box(), tags.nth(1).bounding_box()
    same_line = abs(first["y"] - second["y"]) < 2
    gap = second["x"] - (first["x"] + first["width"]) if same_line else second["y"] - (
        first["y"] + first["height"]
    )
    assert gap >= 4
    name = tags.nth(0).inner_text()
    tags.nth(0).click()
    tab.wait_for_load_state()
    assert "/countries/" in tab.url
    assert tab.locator("h1").inner_text() == name
    tab.close()


def test_the_navigation_reaches_the_indexes_and_about(site, page):
    page.goto(site + "/")
    for name, heading in [("Topics", "Topics"), ("Countries", "Countries"),
                          ("Sources", "Sources"), ("About", "About the tracker")]:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == heading
