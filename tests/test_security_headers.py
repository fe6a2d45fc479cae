"""What a browser is told to enforce: the Content-Security-Policy and the other security
headers, on every kind of response; the score Mozilla's HTTP Observatory would give the site
behind TLS; and the plain-text files at /robots.txt and /.well-known/security.txt."""

import datetime
import importlib.util
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.utils import timezone

from tests.test_settings import manage

ROOT = Path(__file__).resolve().parent.parent
HOST = "tracker.example.org"
SUMMIT = "/events/ai-seoul-summit-2024/"


def production_settings(**env):
    """tracker/settings.py read afresh as production reads it: DEBUG unset, the given
    environment. A module of its own; the running settings are left alone."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    environment.update(SECRET_KEY="production-" + "k" * 50, ALLOWED_HOSTS=HOST, **env)
    path = ROOT / "tracker" / "settings.py"
    spec = importlib.util.spec_from_file_location("production_settings", path)
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environment, clear=True):
        spec.loader.exec_module(module)
    return module


# What a deployment behind a TLS-terminating load balancer runs with, less the database and the
# static files' storage (the tests' own: nothing is collected).
BEHIND_TLS = production_settings(BEHIND_TLS_PROXY="1")
SECURITY_SETTINGS = [
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_PATH_ADDITIONS",
    "PERMISSIONS_POLICY",
    "CROSS_ORIGIN_RESOURCE_POLICY",
]


@pytest.fixture
def behind_tls(settings):
    for name in SECURITY_SETTINGS:
        setattr(settings, name, getattr(BEHIND_TLS, name))
    return settings


def over_https(client, path, **headers):
    """A request as the load balancer passes it on: TLS ended there, and said so."""
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", **headers}
    return client.get(path, secure=True, headers=headers)


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


# --- The headers ----------------------------------------------------------------------------

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?country=KR&type=summit",
        SUMMIT,
        "/organizations/",
        "/people/yoon-suk-yeol/",
        "/events/no-such-event/",  # the 404 page
        "/events.atom",
        "/api/v1/events/",
        "/api/schema/",
        "/admin/login/",
        "/static/tracker/site.css",
        "/robots.txt",
    ],
)
def test_every_kind_of_response_carries_the_strict_policy_and_the_other_headers(
    client, seeded, path
):
    response = client.get(path)
    assert policy(response) == STRICT
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    denied = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert denied[feature] == "()"


def test_a_cached_page_is_served_with_the_same_policy(client, seeded):
    first, second = client.get("/"), client.get("/")
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "nonce" not in second["Content-Security-Policy"]


def test_only_the_api_docs_add_to_the_policy_and_only_data_images(client, db):
    docs = client.get("/api/docs/")
    assert policy(docs) == {**STRICT, "img-src": ["'self'", "data:"]}
    assert "'unsafe-inline'" not in docs["Content-Security-Policy"]
    assert policy(client.get("/api/v1/events/")) == STRICT


def test_the_api_docs_start_swagger_ui_from_a_file_not_an_inline_script(client, db):
    page = client.get("/api/docs/").content.decode()
    assert not inline_code(page)
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


class InlineCode(HTMLParser):
    """Inline code a strict policy refuses: <style> elements, style="" attributes, on…=""
    handlers and <script> elements without src (data blocks such as JSON-LD are not run)."""

    DATA_TYPES = {"application/ld+json", "application/json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in self.DATA_TYPES:
            self.found.append(f"inline <script> {self.getpos()}")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            if name in {"href", "src", "action"} and (value or "").startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?country=KR&from=2023&q=dialogue",  # the chart's bars, a search's marks
        "/?person=no-such-person",  # a filter to fix
        SUMMIT,
        "/events/ai-working-group-first-meeting-2024/",
        "/organizations/",
        "/organizations/korea-us-ai-working-group/",
        "/people/",
        "/people/yoon-suk-yeol/",
        "/events/no-such-event/",
    ],
)
def test_public_pages_hold_no_inline_style_or_script(client, seeded, path):
    assert inline_code(client.get(path).content.decode()) == []


def test_the_500_page_holds_no_inline_style():
    html = get_template("500.html").render()
    assert inline_code(html) == []
    assert 'href="/static/tracker/error.css"' in html


def admin_pages():
    from tracker.models import Event, Person

    event = Event.objects.get(slug="ai-working-group-first-meeting-2024")
    person = Person.objects.get(slug="yoon-suk-yeol")
    pages = [
        "/admin/",
        "/admin/tracker/event/import/",
        f"/admin/tracker/event/{event.pk}/change/",
        f"/admin/tracker/event/{event.pk}/history/",
        f"/admin/tracker/person/{person.pk}/change/",
        "/admin/tracker/event/?country=KR&q=dialogue",
        "/admin/tracker/event/recover/",
        "/admin/auth/user/",
        "/admin/password_change/",
    ]
    from django.contrib import admin

    for model in admin.site._registry:
        meta = model._meta
        pages.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        pages.append(f"/admin/{meta.app_label}/{meta.model_name}/add/")
    return pages


def test_admin_pages_hold_no_inline_style_or_script(editor_client, seeded):
    found = {}
    for path in admin_pages():
        response = editor_client.get(path)
        if response.status_code == 403:  # a page no one may open (axes' "add attempt")
            continue
        assert response.status_code == 200, path
        assert policy(response) == STRICT
        if inline := inline_code(response.content.decode()):
            found[path] = inline
    assert found == {}


def test_the_admin_login_page_holds_no_inline_style_or_script(client, db):
    assert inline_code(client.get("/admin/login/").content.decode()) == []


def test_static_scripts_and_styles_hold_no_eval_or_inline_style():
    for path in (ROOT / "tracker/static").rglob("*.js"):
        code = path.read_text()
        assert not re.search(r"\beval\(|new Function\(|setAttribute\(\s*['\"]style", code), path


# --- Mozilla HTTP Observatory -----------------------------------------------------------------
#
# The Observatory's current scoring (its v2, as MDN runs it; src/grader/charts.js and
# src/analyzer/tests/ of mdn/mdn-http-observatory), for what response headers and HTML can
# tell. Every site starts at 100; each test adds its result's modifier. The bonuses (positive
# modifiers) count only when the score with the penalties alone is at least 90. A+ is 100 and
# over; a test "passes" when its result is one the Observatory counts as passing.
#
# | test                     | result (modifier)                                               |
# |--------------------------|-----------------------------------------------------------------|
# | content-security-policy  | default-src 'none' and no unsafe (+10); no unsafe (+5);          |
# |                          | 'unsafe-inline', data: or a broad source in style-src only (0);  |
# |                          | http: images (-10); 'unsafe-eval' (-10); 'unsafe-inline' or     |
# |                          | data: or a broad source in script-src, or a broad object-src     |
# |                          | (-20); http: active sources (-20); unparsable or none (-25)     |
# | cookies                  | all Secure, session ones HttpOnly, all SameSite (+5); no        |
# |                          | SameSite on some (0); none set (0); not Secure but HSTS (-5);   |
# |                          | session cookie not Secure but HSTS (-10); not Secure (-20);     |
# |                          | bad SameSite or SameSite=None without Secure (-20); CSRF cookie |
# |                          | without SameSite (-20); session without HttpOnly (-30);        |
# |                          | session not Secure (-40). Session: name holds "sess"/"login"    |
# | cross-origin-resource-   | none (0); public "*" (0); reflects an origin with credentials   |
# |   sharing                | (-50)                                                           |
# | redirection              | http:// redirects first to https:// on the same host (0);       |
# |                          | to another host first (-5); via http first (-10); never to      |
# |                          | https (-20); no redirect (-20)                                  |
# | referrer-policy          | no-referrer, same-origin, strict-origin(-when-cross-origin)     |
# |                          | (+5); none (0); unsafe (-5); unrecognised (-5)                  |
# | strict-transport-security| preloaded (+5, needs the browsers' preload list: not counted    |
# |                          | here); max-age >= 6 months (0); shorter (-10); none (-20)       |
# | subresource-integrity    | not HTML (0); no scripts (0); same-origin scripts without SRI   |
# |                          | (0); SRI on every script (+5); other-origin https script        |
# |                          | without SRI (-5); other-origin script over http (-20 / -50)     |
# | x-content-type-options   | nosniff (0); none or other (-5)                                 |
# | x-frame-options          | CSP frame-ancestors, not broad (+5); DENY/SAMEORIGIN (0);       |
# |                          | none or invalid (-20)                                           |
# | cross-origin-resource-   | same-origin or same-site (+10); cross-origin or none (0);       |
# |   policy                 | invalid (-5)                                                    |

BROAD = {"*", "http:", "https:", "ftp:", "http://*", "http://*.*", "https://*", "https://*.*"}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}


def csp_result(response):
    if "Content-Security-Policy" not in response:
        return "csp-not-implemented", -25, False
    csp = policy(response)
    default = csp.get("default-src")
    script = set(csp.get("script-src") or default or ["*"])
    style = set(csp.get("style-src") or default or ["*"])
    objects = set(csp.get("object-src") or default or ["*"])
    if script & (BROAD | UNSAFE_INLINE) or objects & BROAD:
        return "csp-implemented-with-unsafe-inline", -20, False
    if any(s.startswith(("http:", "ftp:")) for s in sum(csp.values(), [])):
        return "csp-implemented-with-insecure-scheme", -20, False
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", -10, False
    if style & (BROAD | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0, True
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10, True
    return "csp-implemented-with-no-unsafe", 5, True


def hsts_ok(response):
    match = re.search(r"max-age=(\d+)", response.get("Strict-Transport-Security", ""))
    return bool(match) and int(match[1]) >= 15768000


def cookies_result(response):
    cookies = response.cookies  # the Set-Cookie headers, parsed
    if not cookies:
        return "cookies-not-found", 0, True
    worst = ("cookies-secure-with-httponly-sessions-and-samesite", 5, True)
    missing_samesite = False
    for name, morsel in cookies.items():
        session = any(word in name.lower() for word in ("sess", "login"))
        samesite = morsel["samesite"].lower()
        candidates = []
        if samesite and samesite not in {"lax", "strict", "none"}:
            candidates.append(("cookies-samesite-flag-invalid", -20))
        if samesite == "none" and not morsel["secure"]:
            candidates.append(("cookies-samesite-flag-invalid", -20))
        if not morsel["secure"]:
            candidates.append(
                ("cookies-without-secure-flag-but-protected-by-hsts", -5)
                if hsts_ok(response)
                else ("cookies-without-secure-flag", -20)
            )
            if session:
                candidates.append(("cookies-session-without-secure-flag", -40))
        if "csrf" in name.lower() and not samesite:
            candidates.append(("cookies-anticsrf-without-samesite-flag", -20))
        if session and not morsel["httponly"]:
            candidates.append(("cookies-session-without-httponly-flag", -30))
        missing_samesite |= not samesite
        for result, modifier in candidates:
            if modifier < worst[1]:
                worst = (result, modifier, False)
    if worst[1] == 5 and missing_samesite:
        return "cookies-secure-with-httponly-sessions", 0, True
    return worst


def cors_result(client, path):
    response = over_https(client, path, Origin="https://attacker.example")
    allowed = response.get("Access-Control-Allow-Origin")
    if allowed is None:
        return "cross-origin-resource-sharing-not-implemented", 0, True
    if allowed == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access", 0, True
    if allowed == "https://attacker.example" and response.get(
        "Access-Control-Allow-Credentials", ""
    ).lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access", -50, False
    return "cross-origin-resource-sharing-implemented-with-restricted-access", 0, True


def redirection_result(client, path):
    response = client.get(path, headers={"Host": HOST, "X-Forwarded-Proto": "http"})
    if response.status_code not in {301, 302, 307, 308}:
        return "redirection-missing", -20, False
    if response["Location"] == f"https://{HOST}{path}":
        return "redirection-to-https", 0, True
    if response["Location"].startswith("https://"):
        return "redirection-off-host-from-http", -5, False
    return "redirection-not-to-https", -20, False


def referrer_result(response):
    value = response.get("Referrer-Policy", "").split(",")[-1].strip().lower()
    if not value:
        return "referrer-policy-not-implemented", 0, True
    if value in {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}:
        return "referrer-policy-private", 5, True
    if value == "no-referrer-when-downgrade":
        return "referrer-policy-no-referrer-when-downgrade", 0, True
    if value in {"origin", "origin-when-cross-origin", "unsafe-url"}:
        return "referrer-policy-unsafe", -5, False
    return "referrer-policy-header-invalid", -5, False


def hsts_result(response):
    if "Strict-Transport-Security" not in response:
        return "hsts-not-implemented", -20, False
    if hsts_ok(response):
        return "hsts-implemented-max-age-at-least-six-months", 0, True
    return "hsts-implemented-max-age-less-than-six-months", -10, False


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def sri_result(response):
    if not response["Content-Type"].startswith("text/html"):
        return "sri-not-implemented-response-not-html", 0, True
    parser = Scripts()
    parser.feed(response.content.decode())
    if not parser.scripts:
        return "sri-not-implemented-but-no-scripts-loaded", 0, True
    sources = [script for script in parser.scripts if script.get("src")]
    foreign = [s for s in sources if re.match(r"^(https?:)?//", s["src"]) and HOST not in s["src"]]
    if any(not s["src"].startswith("https://") for s in foreign):
        return "sri-not-implemented-and-external-scripts-not-loaded-securely", -50, False
    if any(not s.get("integrity") for s in foreign):
        return "sri-not-implemented-but-external-scripts-loaded-securely", -5, False
    if foreign:
        return "sri-implemented-and-external-scripts-loaded-securely", 5, True
    if sources and all(s.get("integrity") for s in sources):
        return "sri-implemented-and-all-scripts-loaded-securely", 5, True
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0, True


def xcto_result(response):
    value = response.get("X-Content-Type-Options")
    if value is None:
        return "x-content-type-options-not-implemented", -5, False
    if value.strip().lower() == "nosniff":
        return "x-content-type-options-nosniff", 0, True
    return "x-content-type-options-header-invalid", -5, False


def xfo_result(response):
    if "Content-Security-Policy" in response:
        ancestors = policy(response).get("frame-ancestors")
        if ancestors and not set(ancestors) & BROAD:
            return "x-frame-options-implemented-via-csp", 5, True
    value = response.get("X-Frame-Options", "").strip().lower()
    if value in {"deny", "sameorigin"}:
        return "x-frame-options-sameorigin-or-deny", 0, True
    if value.startswith("allow-from"):
        return "x-frame-options-allow-from-origin", 0, True
    if not value:
        return "x-frame-options-not-implemented", -20, False
    return "x-frame-options-header-invalid", -20, False


def corp_result(response):
    value = response.get("Cross-Origin-Resource-Policy", "").strip().lower()
    if not value:
        return "corp-not-implemented", 0, True
    if value in {"same-origin", "same-site"}:
        return f"corp-implemented-with-{value}", 10, True
    if value == "cross-origin":
        return "corp-implemented-with-cross-origin", 0, True
    return "corp-header-invalid", -5, False


def observatory(client, path):
    """The Observatory's score of ``path``: (score, grade, {test: (result, modifier, pass)})."""
    response = over_https(client, path)
    assert response.status_code == 200, path
    results = {
        "content-security-policy": csp_result(response),
        "cookies": cookies_result(response),
        "cross-origin-resource-sharing": cors_result(client, path),
        "redirection": redirection_result(client, path),
        "referrer-policy": referrer_result(response),
        "strict-transport-security": hsts_result(response),
        "subresource-integrity": sri_result(response),
        "x-content-type-options": xcto_result(response),
        "x-frame-options": xfo_result(response),
        "cross-origin-resource-policy": corp_result(response),
    }
    with_bonus = 100 + sum(modifier for _, modifier, _ in results.values())
    penalties_only = 100 + sum(min(modifier, 0) for _, modifier, _ in results.values())
    score = with_bonus if penalties_only >= 90 else penalties_only
    grades = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-")]
    grade = next((letter for floor, letter in grades if score >= floor), "C or worse")
    return score, grade, results


@pytest.mark.parametrize("path", ["/", SUMMIT, "/admin/login/"])
def test_the_observatory_would_grade_the_site_a_plus_behind_tls(client, seeded, behind_tls, path):
    score, grade, results = observatory(client, path)
    failing = {test: result for test, result in results.items() if not result[2]}
    assert failing == {}
    assert (grade, score >= 100) == ("A+", True), results
    # What the score is made of (README, "Security and reliability"): 100, and the bonuses.
    assert results["content-security-policy"][0] == "csp-implemented-with-no-unsafe"
    assert results["referrer-policy"][0] == "referrer-policy-private"
    assert results["x-frame-options"][0] == "x-frame-options-implemented-via-csp"
    assert results["cross-origin-resource-policy"][0] == "corp-implemented-with-same-origin"
    assert results["redirection"][0] == "redirection-to-https"
    expected_cookies = "cookies-secure-with-httponly-sessions-and-samesite"
    if path != "/admin/login/":
        expected_cookies = "cookies-not-found"
    assert results["cookies"][0] == expected_cookies
    assert score == (130 if path == "/admin/login/" else 125)


def test_the_observatory_rules_catch_a_weak_setup(client, seeded, behind_tls):
    """The rules above fail what they should: an inline-script policy, a reflected CORS origin,
    no HSTS and a session cookie readable by scripts."""
    behind_tls.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", "'unsafe-inline'"]}
    }
    behind_tls.SECURE_HSTS_SECONDS = 0
    behind_tls.SESSION_COOKIE_HTTPONLY = False
    response = over_https(client, "/")
    assert csp_result(response)[:2] == ("csp-implemented-with-unsafe-inline", -20)
    assert hsts_result(response)[:2] == ("hsts-not-implemented", -20)
    response.cookies["sessionid"] = "x"
    response.cookies["sessionid"]["secure"] = True
    assert cookies_result(response)[0] == "cookies-session-without-httponly-flag"
    score, grade, _ = observatory(client, "/")
    assert grade != "A+" and score < 90


def test_plain_http_is_sent_to_https_on_the_same_host(client, seeded, behind_tls):
    response = client.get("/?country=KR", headers={"Host": HOST, "X-Forwarded-Proto": "http"})
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/?country=KR"


def test_the_hsts_header_asks_for_a_year_with_subdomains_and_preload(client, seeded, behind_tls):
    assert over_https(client, "/")["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_check_deploy_is_clean_behind_a_tls_proxy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp2" * 10,
        ALLOWED_HOSTS=HOST,
        BEHIND_TLS_PROXY="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- robots.txt and security.txt ----------------------------------------------------------------


def test_robots_txt_lets_crawlers_read_the_public_pages_and_not_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /events.csv" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def security_txt(client, **headers):
    response = client.get("/.well-known/security.txt", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = {}
    for line in response.content.decode().splitlines():
        name, _, value = line.partition(": ")
        fields[name] = value
    return fields


def test_security_txt_names_a_contact_on_the_host_asked_for_by_default(client, db):
    fields = security_txt(client)
    assert fields["Contact"] == "mailto:security@testserver"
    assert fields["Preferred-Languages"] == "en"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    assert set(fields) == {"Contact", "Expires", "Preferred-Languages", "Canonical"}


@override_settings(SECURITY_CONTACT="https://tracker.example.org/contact/security")
def test_security_txt_takes_its_contact_from_the_setting(client, db):
    assert security_txt(client)["Contact"] == "https://tracker.example.org/contact/security"


def test_security_txt_expires_a_year_from_when_it_is_read(client, db):
    expires = datetime.datetime.strptime(security_txt(client)["Expires"], "%Y-%m-%dT%H:%M:%SZ")
    expires = expires.replace(tzinfo=datetime.UTC)
    ahead = expires - timezone.now()
    assert datetime.timedelta(days=364) < ahead <= datetime.timedelta(days=365)


def test_security_txt_is_canonical_at_its_https_address_behind_tls(client, db, behind_tls):
    headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
    fields = security_txt(client, secure=True, headers=headers)
    assert fields["Canonical"] == f"https://{HOST}/.well-known/security.txt"
    assert fields["Contact"] == f"mailto:security@{HOST}"
