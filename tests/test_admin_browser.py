"""What only a browser shows of the editors' admin: the forms and the event list fit a 1280 px
and a 1024 px screen (nothing scrolls sideways, every row's Delete box is in sight, titles in
the list take at most three lines), and the rows and widgets added for that still work."""

import pytest

from tests import test_browser

pytestmark = test_browser.pytestmark

# The browser and the seeded live server are the public pages' own fixtures.
site = test_browser.site
browser = test_browser.browser

SCREENS = [1280, 1024]

MOST_PARTICIPANTS = "ai-working-group-first-meeting-2024"  # 7 participants, 3 sources, 4 relations
DIALOGUE = "nget-dialogue-2023"  # the Korea–U.S. dialogue of December 2023

# Where an element lies past the screen's edges, or inside a box that scrolls sideways.
OFF_SCREEN = """element => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.left < 0 || box.right > window.innerWidth) return true;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        if (parent.scrollWidth > parent.clientWidth + 1
            && ['auto', 'scroll', 'hidden'].includes(getComputedStyle(parent).overflowX)) {
            const outer = parent.getBoundingClientRect();
            if (box.left < outer.left || box.right > outer.right) return true;
        }
    }
    return false;
}"""


@pytest.fixture
def editor(transactional_db, django_user_model):
    """A staff editor with the tracker's permissions, not a superuser."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("desk", password="desk-editor-pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="tracker"))
    return user


@pytest.fixture
def open_as_editor(site, browser, editor):
    """Open an admin path on a screen of the given width, logged in as the editor."""
    pages = []

    def open_page(path, width):
        page = browser.new_page(viewport={"width": width, "height": 800})
        pages.append(page)
        page.goto(site + "/admin/login/")
        page.fill("#id_username", "desk")
        page.fill("#id_password", "desk-editor-pw")
        page.click("input[type=submit]")
        page.wait_for_load_state()
        page.goto(site + path)
        return page

    yield open_page
    for page in pages:
        page.close()


def change_url(model, slug):
    from tracker.models import Event, Person

    obj = {"event": Event, "person": Person}[model].objects.get(slug=slug)
    return f"/admin/tracker/{model}/{obj.pk}/change/"


def sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def delete_boxes(page):
    """Each saved inline row's Delete checkbox, and whether it is off the screen."""
    return page.locator(".inline-related.has_original input[name$='-DELETE']").evaluate_all(
        f"boxes => boxes.map(box => [box.name, ({OFF_SCREEN})(box)])"
    )


@pytest.mark.parametrize("width", SCREENS)
@pytest.mark.parametrize(
    "model, slug, rows",
    [
        ("event", MOST_PARTICIPANTS, 7 + 3 + 3 + 1),
        ("event", DIALOGUE, 3 + 2 + 0 + 2),
        ("person", "seth-center", 1),
    ],
)
def test_change_form_fits_the_screen_with_every_delete_box_in_sight(
    open_as_editor, model, slug, rows, width
):
    page = open_as_editor(change_url(model, slug), width)
    assert sideways_scroll(page) <= 0
    boxes = delete_boxes(page)
    assert len(boxes) == rows  # participants + sources + relations out + in, or posts held
    assert [name for name, off in boxes if off] == []
    # No field of any row hides past the edge either.
    fields = page.locator(".inline-related:not(.empty-form) .form-row :is(input, select, textarea)")
    shown = "e => e.type !== 'hidden' && e.offsetParent && !e.matches('.select2-hidden-accessible')"
    hidden_past_the_edge = fields.evaluate_all(
        f"els => els.filter({shown}).filter({OFF_SCREEN}).map(e => e.name)"
    )
    assert hidden_past_the_edge == []


@pytest.mark.parametrize("width", SCREENS)
def test_event_add_form_fits_and_also_involves_is_a_searchable_two_pane_list(open_as_editor, width):
    page = open_as_editor("/admin/tracker/event/add/", width)
    assert sideways_scroll(page) <= 0
    selector = page.locator(".field-extra_countries .selector")
    assert selector.evaluate(OFF_SCREEN) is False
    assert selector.evaluate("s => s.getBoundingClientRect().height") < 500
    # The label stands before the panes, as on every other row.
    label_box = page.locator(".field-extra_countries .flex-container > label").bounding_box()
    assert label_box["x"] < selector.bounding_box()["x"]

    page.locator("#id_extra_countries_input").press_sequentially("japa")  # it filters on keyup
    assert page.locator("#id_extra_countries_from option").all_inner_texts() == ["Japan"]
    page.locator("#id_extra_countries_from option", has_text="Japan").dblclick()
    assert page.locator("#id_extra_countries_to option").all_inner_texts() == ["Japan"]


@pytest.mark.parametrize("width", SCREENS)
def test_another_participant_gets_a_row_whose_organization_search_works(open_as_editor, width):
    from tracker.models import Participation

    page = open_as_editor(change_url("event", DIALOGUE), width)
    page.get_by_role("button", name="Add another participant").click()
    row = page.locator("#participations-3")
    assert row.is_visible()
    assert sideways_scroll(page) <= 0
    # A new row is removed with its X, which must be in sight as a saved row's Delete box is.
    assert row.locator(".inline-deletelink").evaluate(OFF_SCREEN) is False

    organization = row.locator(".fieldBox.field-organization")
    organization.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("commerce")
    page.locator(".select2-results__option", has_text="Department of Commerce").click()
    chosen = organization.locator(".select2-selection__rendered").inner_text()
    assert chosen.endswith("Department of Commerce")
    page.get_by_role("button", name="Save and continue editing").first.click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1
    assert Participation.objects.filter(
        event__slug=DIALOGUE, organization__slug="department-of-commerce"
    ).exists()


@pytest.mark.parametrize("width", SCREENS)
def test_event_list_fits_with_titles_of_at_most_three_lines(open_as_editor, width):
    page = open_as_editor("/admin/tracker/event/", width)
    assert sideways_scroll(page) <= 0
    results = page.locator("#changelist .results")
    assert results.evaluate("r => r.scrollWidth <= r.clientWidth")  # no hidden columns
    titles = page.locator("#result_list .field-title a")
    assert titles.count() == 8
    lines = titles.evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(a).lineHeight)))"
    )
    assert max(lines) <= 3
    assert min(lines) == 1
