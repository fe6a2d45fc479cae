"""Does anything the site shows break its Content-Security-Policy? A browser reports each
thing the policy blocks (a `securitypolicyviolation` event, and an error on the console):
these tests open the public pages, an event's change form in the admin with its widgets in
use, and the API docs, and expect no report and no console error."""

import pytest

from tests import test_browser

pytestmark = test_browser.pytestmark

site = test_browser.site
browser = test_browser.browser

# Installed before any of the page's own scripts: keeps every violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
    window.__violations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`
        + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
        + (event.sample ? ` (${event.sample})` : ''));
});
"""


@pytest.fixture
def watched(browser):
    """A page that keeps the policy's violations and the console's errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []

    def on_console(message):
        # The admin names no icon, so the browser asks for /favicon.ico and gets a 404.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            page.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    page.close()


def problems(page):
    return page.evaluate("window.__violations") + page.console_errors


def log_in(page, site, username, password):
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def test_public_pages_break_nothing_in_the_policy(site, watched):
    watched.goto(site + "/")
    assert watched.evaluate("document.documentElement.classList.contains('js')")  # ran
    watched.locator(".facet .more").first.click()  # the script's buttons work
    watched.get_by_label("Person").fill("Se")  # the typeahead asks the API
    watched.wait_for_timeout(400)
    watched.goto(site + "/events/ai-seoul-summit-2024/")
    assert watched.locator("h1").inner_text() == "AI Seoul Summit"
    assert problems(watched) == [], "\n".join(problems(watched))


def test_the_admin_change_form_and_its_widgets_break_nothing_in_the_policy(
    site, watched, django_user_model
):
    from tracker.models import Event

    django_user_model.objects.create_superuser("csp", "csp@example.org", "pw-csp-editor-1")
    event = Event.objects.get(slug="ai-seoul-summit-2024")
    log_in(watched, site, "csp", "pw-csp-editor-1")
    watched.goto(site + f"/admin/tracker/event/{event.pk}/change/")
    watched.wait_for_selector("#id_title")

    # The autocomplete of a participant's organization (select2) opens and searches.
    watched.locator(".select2-selection").first.click()
    watched.locator(".select2-dropdown .select2-search__field").fill("Korea")
    watched.wait_for_selector(".select2-results__option:not(.loading-results)")
    watched.keyboard.press("Escape")
    # The two-pane list filters as one types.
    watched.locator("input.selector-filter, .selector-filter input").first.fill("Summit")
    # Another participant row is added from its template.
    watched.locator(".add-row a").first.click()
    assert problems(watched) == [], "\n".join(problems(watched))


def test_the_admin_add_form_prepopulates_the_slug_within_the_policy(
    site, watched, django_user_model
):
    django_user_model.objects.create_superuser("csp", "csp@example.org", "pw-csp-editor-1")
    log_in(watched, site, "csp", "pw-csp-editor-1")
    watched.goto(site + "/admin/tracker/event/add/")
    watched.locator("#id_title").press_sequentially("Korea–U.S. AI dialogue")
    assert watched.locator("#id_slug").input_value() == "korea-us-ai-dialogue"
    assert problems(watched) == [], "\n".join(problems(watched))


def test_the_api_docs_render_within_the_policy(site, watched):
    watched.goto(site + "/api/docs/")
    watched.wait_for_selector(".swagger-ui .opblock")
    watched.locator(".opblock-summary").first.click()  # an operation opens
    watched.wait_for_selector(".opblock-body")
    assert "AI Policy Tracker API" in watched.locator(".swagger-ui .info").inner_text()
    assert problems(watched) == [], "\n".join(problems(watched))
