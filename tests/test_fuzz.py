"""Bad input at volume: generated query strings and record addresses on every public list, the
exports, the API and the admin, on SQLite and on PostgreSQL.

The property: whatever the query string (any key, repeated keys, long values, NUL and control
characters, broken percent-encoding, other scripts, markup, SQL, search operators), every
response is a 200, a 4xx or (where one is expected) a redirect, never a 5xx, and no markup
from the request appears unescaped in an HTML or Atom response.

One database is set up and the seed loaded once for the module; hypothesis runs a fixed
number of examples, derandomized (the same requests on every run) and without a database of
examples, so CI is reproducible (hypothesis still keeps a cache of Unicode tables in
``.hypothesis/``, which git ignores). A failure is
collected rather than raised at once, so one run reports every address and error it found.
"""

import logging
import os
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import EventFactory
from tracker.models import Event, Organization, Person, Topic

# Every request this module sends, by test; the last test checks the total.
SENT = {}
# Examples per test: about 10,150 requests in all (FUZZ_SCALE=10 for a longer hunt).
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
PUBLIC_EXAMPLES, ADMIN_EXAMPLES, RECORD_EXAMPLES = (int(n * SCALE) for n in (450, 130, 260))
MARK = "<fuzzmark"  # no template holds it: found raw in a page, it came from the request

PUBLIC_LISTS = [
    "/",
    "/events.csv",
    "/events.ics",
    "/events.atom",
    "/api/v1/events/",
    "/api/v1/organizations/",
    "/api/v1/people/",
    "/api/v1/topics/",
    "/api/v1/event-types/",
    "/organizations/",
    "/people/",
    "/topics/",
    "/countries/",
    "/countries/kr/",
    "/sources/",
    "/about/",
    "/sitemap-events.xml",
]
TIMELINE_KEYS = [
    "q",
    "country",
    "type",
    "organization",
    "person",
    "topic",
    "from",
    "to",
    "status",
    "order",
    "page",
    "page_size",
    "lanes",
    "cursor",
    "kind",
    "format",
]
ADMIN_KEYS = [
    "q",
    "p",
    "o",
    "e",
    "all",
    "country",
    "organization",
    "person",
    "published__exact",
    "status__exact",
    "event_type__id__exact",
    "start_precision__exact",
    "topics__id__exact",
    "start_date__year",
    "start_date__month",
    "start_date__day",
    "_changelist_filters",
    "_facets",
    "_to_field",
    "_popup",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "page",
]

# Values that have broken sites: each one is also mixed into generated text.
NASTY = [
    "",
    "\x00",
    "a\x00b",
    "-" * 33,
    "-" * 300,
    "- " * 40,
    '"' * 51,
    "or " * 60,
    "!(&|<->:*)",
    "a & !b | (c <-> d):*",
    "x' OR '1'='1",
    "1; DROP TABLE tracker_event; --",
    "%",
    "%%",
    "\\",
    "99999999999999999999999",
    "-1",
    "0",
    "1e400",
    "NaN",
    "2024-02-30",
    "0000",
    "9999-99-99",
    "KR",
    "kr",
    "ai-seoul-summit-2024",
    "desc",
    "asc",
    "\u202e\u200b\ufeff",
    "\ud55c\uad6d\uc5b4 \ud68c\ub2f4",  # Hangul
    "\u0627\u0644\u0630\u0643\u0627\u0621",  # Arabic
    "\U0001f916\U0001f1f0\U0001f1f7",  # emoji
    f'{MARK} onerror="alert(1)">',
    f"</script>{MARK}>",
    f"\"'>{MARK} x=1>",
    "<script>alert(1)</script>",
]
SCRIPTS = st.sampled_from(
    ["abc", "-", '"', " ", "\x00", "\x01\x1f\x7f", "\t\r\n", "\ud55c", "\u0639", "\U0001f600", "&"]
)

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60),
    st.lists(st.sampled_from(NASTY) | SCRIPTS, max_size=12).map("".join),
    st.builds(
        lambda part, n: part * n, st.sampled_from([*NASTY[1:], "a", "- "]), st.integers(1, 99)
    ),
)


def encode(value, how):
    """A key or value as it might come over the wire: encoded properly, raw (UTF-8 bytes read
    as Latin-1, as a WSGI server hands them over) or with its percent-encoding broken."""
    if how == "quoted":
        return quote(value, safe="")
    if how == "raw":
        return value.encode("utf-8", "surrogatepass").decode("latin-1")
    if how == "broken":  # a dangling %, a non-hex escape, half a UTF-8 sequence
        return quote(value, safe="")[:-1] + "%" + "%zz%C3%E2%82%FF%00%"
    return quote(value, safe="")[: max(1, len(value) // 2)] + "%2"


encoding = st.sampled_from(["quoted", "quoted", "quoted", "raw", "broken", "cut"])


def pairs(keys):
    key = st.one_of(st.sampled_from(keys), st.sampled_from(keys), text)
    pair = st.tuples(key, text, encoding)
    return st.lists(pair, max_size=8).flatmap(
        # repeat some of the pairs: repeated keys, as a form or a hand-edited URL sends them
        lambda found: (
            st.lists(st.sampled_from(found), max_size=6).map(lambda more: found + more)
            if found
            else st.just(found)
        )
    )


def query_strings(keys):
    def build(items, separator):
        return separator.join(
            encode(key, how) + ("" if value is None else "=" + encode(value, how))
            for key, value, how in items
        )

    long_value = st.builds(
        lambda key, n: f"{key}={quote('word ' * n)}", st.sampled_from(keys), st.integers(1, 800)
    )
    return st.one_of(
        st.builds(build, pairs(keys), st.sampled_from(["&", "&", ";", "&&"])),
        long_value,
    )


class Collected:
    """Every 5xx (or exception) and every raw mark, by address, without stopping the run."""

    def __init__(self, name):
        self.name = name
        self.failures = {}

    def note(self, path, problem):
        key = (path.split("?")[0], problem[:120])
        self.failures.setdefault(key, path[:300])

    def get(self, client, path, query="", allowed=(200,)):
        SENT[self.name] = SENT.get(self.name, 0) + 1
        cache.clear()  # no page from the cache and no API throttle: every request is worked out
        try:
            response = client.get(path, QUERY_STRING=query)
        except Exception as error:  # the test client re-raises the view's exception
            self.note(f"{path}?{query}", f"{type(error).__name__}: {error}")
            return None
        status = response.status_code
        if status >= 500 or not (status in allowed or 400 <= status < 500):
            self.note(f"{path}?{query}", f"status {status}")
        kind = response.get("Content-Type", "")
        readable = ("html" in kind or "xml" in kind) and not response.streaming
        if readable and MARK.encode() in response.content:
            self.note(f"{path}?{query}", "markup from the request appears unescaped")
        return response

    def check(self):
        assert not self.failures, "\n".join(
            f"{problem} at {example!r}" for (_, problem), example in self.failures.items()
        )


def run(examples, strategy, body):
    """Run ``body`` on ``examples`` generated values, the same ones on every run."""
    fixed = settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    fixed(given(strategy)(body))()


@contextmanager
def quiet():
    """No log line per refused request: ten thousand of them would be most of the run."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@contextmanager
def module_data(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The seed, a superuser and a staff user without permissions, made once for the module
    and rolled back after it."""
    from django.contrib.auth.models import User

    from tracker.seed.loader import load_seed

    with module_data(django_db_blocker), quiet():
        load_seed()
        superuser = User.objects.create_superuser("fuzz-admin", "a@example.org", "pw")
        staff = User.objects.create_user("fuzz-staff", "s@example.org", "pw", is_staff=True)
        event = Event.objects.filter(published=True).order_by("pk").first()
        draft = EventFactory(
            title="Fuzz draft", slug="fuzz-draft", event_type=event.event_type, published=False
        )
        clients = {"anonymous": Client()}
        for name, user in [("superuser", superuser), ("staff", staff)]:
            clients[name] = Client()
            clients[name].force_login(user)
        yield {
            "clients": clients,
            "event": event,
            "draft": draft,
            "event_type": ContentType.objects.get_for_model(Event).pk,
            "slugs": {
                "events": list(Event.objects.values_list("slug", flat=True)[:3]),
                "organizations": list(Organization.objects.values_list("slug", flat=True)[:3]),
                "people": list(Person.objects.values_list("slug", flat=True)[:3]),
                "topics": list(Topic.objects.values_list("slug", flat=True)[:3]),
            },
        }


# The property on every list ------------------------------------------------------------------


def test_generated_query_strings_on_the_public_lists_exports_and_api(world, db):
    """Each example's query string goes to every public list: the timeline, the exports, the
    API lists and the organization and people lists."""
    collected = Collected("public lists")
    client = world["clients"]["anonymous"]

    def body(query):
        for path in PUBLIC_LISTS:
            if path != "/":
                collected.get(client, path, query)
                continue
            # The timeline redirects an address with empty or default values to the one
            # without them, and a name typed for a person or an organization to its key:
            # at most those two redirects, then an answer, never a loop.
            response = collected.get(client, path, query, allowed=(200, 302))
            for _ in range(2):
                if response is None or response.status_code != 302:
                    break
                target = response["Location"].partition("?")[2]
                response = collected.get(client, path, target, allowed=(200, 302))
            if response is not None and response.status_code == 302:
                collected.note(f"{path}?{query}", "redirected three times")

    run(PUBLIC_EXAMPLES, query_strings(TIMELINE_KEYS), body)
    collected.check()


def admin_paths(world):
    event, draft = world["event"], world["draft"]
    return [
        "/admin/tracker/event/",
        "/admin/tracker/organization/",
        "/admin/tracker/person/",
        f"/admin/tracker/event/{event.pk}/history/",
        "/admin/autocomplete/",
        f"/admin/r/{world['event_type']}/{event.pk}/",
        f"/admin/r/{world['event_type']}/{draft.pk}/",
    ]


AUTOCOMPLETE = "app_label=tracker&model_name=event&field_name=parent&"


@pytest.mark.parametrize("user", ["superuser", "staff"])
def test_generated_query_strings_on_the_admin(world, db, user):
    """The event list, its history, the autocomplete and "view on site", as a superuser and as
    a staff user without permissions (a 403 or a redirect to the login is fine)."""
    collected = Collected(f"admin as {user}")
    client = world["clients"][user]
    paths = admin_paths(world)

    def body(query):
        for path in paths:
            extra = AUTOCOMPLETE if path == "/admin/autocomplete/" else ""
            collected.get(client, path, extra + query, allowed=(200, 302))

    run(ADMIN_EXAMPLES, query_strings(ADMIN_KEYS), body)
    collected.check()


# Record addresses ----------------------------------------------------------------------------

segment = st.one_of(
    text.map(lambda value: quote(value, safe="")),
    text.map(lambda value: encode(value, "broken")),
    st.sampled_from(["abc", "0", "-1", "99999999999999999999999", "%00", "a%00b", "x" * 3000]),
)


def test_generated_slugs_on_the_record_pages(world, db):
    collected = Collected("record addresses")
    public = world["clients"]["anonymous"]
    admin = world["clients"]["superuser"]
    event = world["event"]

    def body(slug):
        for path in [
            f"/events/{slug}/",
            f"/events/{slug}.ics",
            f"/events/{slug}/cite.ris",
            f"/organizations/{slug}/",
            f"/people/{slug}/",
            f"/topics/{slug}/",
            f"/countries/{slug}/",
            f"/{slug}/",
            f"/sitemap-{slug}.xml",
            f"/api/v1/events/{slug}/",
            f"/api/v1/organizations/{slug}/",
        ]:
            collected.get(public, path, allowed=(200, 301, 302))
        for path in [
            f"/admin/tracker/event/{slug}/change/",
            f"/admin/tracker/event/{slug}/history/",
            f"/admin/tracker/event/{event.pk}/history/{slug}/",
            f"/admin/tracker/event/recover/{slug}/",
            f"/admin/r/{world['event_type']}/{slug}/",
            f"/admin/r/{slug}/{event.pk}/",
        ]:
            collected.get(admin, path, allowed=(200, 301, 302))

    run(RECORD_EXAMPLES, segment, body)
    collected.check()


# Volume: bounded work, never a timeout -------------------------------------------------------


# The admin's search of 32 words (its bound) is about 80,000 characters of SQL; unbounded, the
# 10,000-character search below was 3.5 million.
SQL_BUDGET = 150_000


@contextmanager
def bounded(queries, sql_characters=SQL_BUDGET):
    """The work of a block, counted rather than timed (a shared CI machine stalls for seconds
    at times): at most ``queries`` queries, of at most ``sql_characters`` of SQL in all. Unbounded
    input grows the SQL with it (a pasted page of text was thousands of terms, minutes of
    work); bounded input keeps it near a normal request's."""
    with CaptureQueriesContext(connection) as captured:
        yield
    assert len(captured) <= queries, f"{len(captured)} queries"
    sent = sum(len(query["sql"]) for query in captured)
    assert sent <= sql_characters, f"{sent:,} characters of SQL"


VOLUME = {
    "a page far past the end": "page=" + "9" * 30,
    "page 2**63": f"page={2**63}",
    "a 10,000-character search": "q=" + quote(("ai governance " * 800)[:10_000]),
    "10,000 hyphens": "q=" + "-" * 10_000,
    "5,000 country=KR": "&".join(["country=KR"] * 5000),
    "5,000 different keys": "&".join(f"k{i}=v" for i in range(5000)),
    "5,000 searches": "&".join(["q=ai"] * 5000),
    "a 100 kB value": "q=" + "x" * 100_000,
}


@pytest.mark.parametrize("path", PUBLIC_LISTS)
@pytest.mark.parametrize("query", VOLUME.values(), ids=VOLUME.keys())
def test_volume_is_bounded_work_and_an_answer(world, db, path, query):
    collected = Collected("volume")
    world["clients"]["anonymous"].get(path)  # the worker's columns are built once, before
    with bounded(queries=40):
        response = collected.get(world["clients"]["anonymous"], path, query)
    collected.check()
    assert response.status_code in (200, 400, 404), response.status_code


ADMIN_VOLUME = {
    **VOLUME,
    "a list page far past the end": "p=" + "9" * 30,
    "a year of 22 digits": "start_date__year=" + "9" * 22,
}


@pytest.mark.parametrize("query", ADMIN_VOLUME.values(), ids=ADMIN_VOLUME.keys())
def test_volume_on_the_admin_event_list(world, db, query):
    collected = Collected("volume")
    world["clients"]["superuser"].get("/admin/tracker/event/")
    with bounded(queries=40):
        response = collected.get(
            world["clients"]["superuser"], "/admin/tracker/event/", query, allowed=(200, 302)
        )
    collected.check()
    assert response.status_code in (200, 302, 400), response.status_code


def test_the_module_sent_at_least_ten_thousand_generated_requests():
    generated = {name: n for name, n in SENT.items() if name != "volume"}
    if len(generated) < 4:
        pytest.skip("only part of the module ran")
    print("\nrequests sent:", SENT, "total:", sum(SENT.values()))
    assert sum(generated.values()) >= 10_000

