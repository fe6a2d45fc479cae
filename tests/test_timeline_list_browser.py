"""The timeline's list and filter form in a browser: the address a submitted form gives, the
keyboard focus never under the sticky "Apply filters" bar, and axe on the orders and pages.
Uses test_browser.py's fixtures (the machine's Chromium)."""

import pytest

from tests import test_browser as shared

pytestmark = shared.pytestmark
# test_browser.py's fixtures: the seeded live server, Chromium and a 1280 px page.
site, browser, page = shared.site, shared.browser, shared.page

# Where the focused control is, and whether the sticky bar (or anything) covers it.
FOCUSED = """() => {
  const field = document.activeElement;
  const box = field.getBoundingClientRect();
  const bar = document.querySelector(".filter-form .actions").getBoundingClientRect();
  const inBar = !!field.closest(".actions");
  const underBar = !inBar && box.bottom > bar.top && box.top < bar.bottom
    && box.right > bar.left && box.left < bar.right;
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const seen = !!hit && (hit === field || field.contains(hit)
    || [...(field.labels || [])].some((label) => label.contains(hit)));
  return {name: field.id || field.textContent.trim(), inForm: !!field.closest(".filter-form"),
          underBar, seen};
}"""


def submitted_addresses(page):
    """The addresses the page navigates to, recorded as the browser asks for them."""
    asked = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if request.is_navigation_request() else None,
    )
    return asked


def test_the_form_sent_with_javascript_gives_a_clean_address(site, page):
    page.goto(site + "/")
    asked = submitted_addresses(page)
    page.get_by_label("United Kingdom").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    # Asked for directly: no empty field, no default order, so no redirect on the way.
    assert asked == [site + "/?country=GB"]
    assert page.url == site + "/?country=GB"

    page.locator("#id_order").select_option("asc")
    page.get_by_label("From").fill("2024")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url == site + "/?from=2024&country=GB&order=asc"


def test_a_search_typed_on_the_default_order_is_by_best_match(site, page):
    page.goto(site + "/?country=KR")
    page.get_by_label("Search", exact=True).fill('"AI Seoul"')
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url == site + "/?q=%22AI+Seoul%22&country=KR"
    assert page.locator(".chips .chip").first.inner_text().startswith('Search: "AI Seoul"')
    assert page.locator(".order-toggle [aria-current]").inner_text() == "Best match"


def test_back_from_the_results_the_form_still_works(site, page):
    page.goto(site + "/")
    page.get_by_role("button", name="Apply filters").click()  # nothing set: every field left out
    page.wait_for_load_state()
    assert page.url == site + "/"
    page.go_back()
    page.go_forward()
    page.go_back()
    assert page.locator(".filter-form :disabled").count() == 0


def test_a_typed_name_selects_the_person(site, page):
    page.goto(site + "/")
    page.get_by_label("Another person").fill("Jake Sullivan")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url == site + "/?person=jake-sullivan"
    assert page.locator(".chips .chip").first.inner_text().startswith("Person: Jake Sullivan")


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (1280, 600), (375, 740)])
def test_no_focused_control_is_hidden_under_the_apply_bar(site, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "/")
    disclosure = page.locator(".filters-disclosure")
    if not disclosure.evaluate("element => element.open"):  # folded on a phone
        disclosure.locator("summary").click()
    page.locator("#id_q").focus()
    visited, hidden = [], []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inForm"]:
            break
        visited.append(focused["name"])
        if focused["underBar"] or not focused["seen"]:
            hidden.append(focused["name"])
    page.close()
    assert len(visited) > 20 and "Apply filters" in visited
    assert hidden == []


def all_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize(
    "path", ["/?q=seoul", "/?q=%22AI+Seoul%22&country=KR", "/?organization=Department"]
)
def test_relevance_order_and_name_choices_pass_axe(site, page, path):
    page.goto(site + path)
    assert all_violations(page) == []


@pytest.fixture
def many_events(site):
    from tests.factories import build_timeline

    build_timeline(129)
    return site


def test_numbered_pages_pass_axe_and_lead_to_their_page(many_events, page):
    page.goto(many_events + "/?page=2")
    nav = page.get_by_role("navigation", name="Pages")
    assert "51–100 of 137" in nav.inner_text()
    assert nav.locator("[aria-current=page]").inner_text() == "2"
    assert all_violations(page) == []
    nav.get_by_role("link", name="Page 3", exact=True).click()
    page.wait_for_load_state()
    assert page.url == many_events + "/?page=3"
    assert "101–137 of 137" in page.get_by_role("navigation", name="Pages").inner_text()


def test_apply_filters_is_in_sight_on_a_first_view_of_the_timeline(site, page):
    for height in (900, 700):
        page.set_viewport_size({"width": 1280, "height": height})
        page.goto(site + "/")
        button = page.get_by_role("button", name="Apply filters").bounding_box()
        assert button["y"] >= 0 and button["y"] + button["height"] <= height, (height, button)
