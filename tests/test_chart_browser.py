"""The timeline chart in a browser: it fits a desktop and a phone, axe finds nothing serious,
and the keyboard moves between its marks and opens one."""

import re

import pytest

from tests import test_browser as shared

site, browser = shared.site, shared.browser  # the fixtures of tests/test_browser.py
serious_violations = shared.serious_violations

pytestmark = shared.pytestmark

VIEWS = ["/", "/?lanes=country", "/?lanes=type&from=2023&to=2024", "/?from=2024-05&to=2024-05"]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_chart_fits_without_sideways_scrolling_and_axe_finds_nothing(site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    for path in VIEWS:
        page.goto(site + path)
        chart = page.locator("#chart")
        assert chart.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, path
        # Tick labels keep a readable size on a phone (the old chart's shrank to 5 px).
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.chart-svg .tick')).fontSize)"
        )
        assert size >= 11, path
        assert serious_violations(page) == [], path
    assert violations == []
    page.close()


def test_arrow_keys_move_between_marks_and_enter_opens_the_event(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/?lanes=country")
    marks = page.locator(".chart-svg a.mark")
    assert marks.count() > 8  # the summit is in two lanes
    # The chart is one stop of the tab order: the first mark, the others reached by arrows.
    assert page.locator('.chart-svg a.mark[tabindex="0"]').count() == 1
    marks.first.focus()

    def focused():
        return page.evaluate("document.activeElement.querySelector('title').textContent")

    first = focused()
    assert first.startswith("State visit of President Yoon")  # South Korea's first, in time
    page.keyboard.press("ArrowRight")
    assert focused().startswith("1st Korea–U.S. Next Generation")
    page.keyboard.press("ArrowLeft")
    assert focused() == first
    page.keyboard.press("ArrowDown")  # to the nearest mark of the next lane (United Kingdom)
    assert "AI Seoul Summit" in focused() or "AI Global Forum" in focused()
    def lane():
        return page.evaluate("document.activeElement.getAttribute('data-lane')")

    assert lane() == "1"
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    assert lane() == "0"
    assert page.locator(".chart-readout").inner_text() == focused()  # shown under the chart
    page.keyboard.press("Home")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/events/[^/]+/$"))
    assert page.locator("h1").inner_text()
    page.close()
