"""What readers get while the database or the cache is down, and after."""

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError

from bench.pgcluster import ThrowawayCluster, free_port, postgres_bin
from tracker import cache_backends, outage

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis"))


def fetch(url, timeout=15):
    """(status, headers, body) of a GET, errors included."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode(), time.monotonic() - started


@pytest.fixture(scope="module")
def site_on_its_own_cluster():
    """gunicorn (one worker, production settings) on a PostgreSQL cluster of its own."""
    if postgres_bin() is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    with ThrowawayCluster() as cluster:
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url(),
            "SECRET_KEY": "outage-test-not-a-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DEBUG": "",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("CACHE_URL", None)
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "-v0"], ["load_seed"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(
                [*manage, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        port = free_port()
        log = cluster.directory / "gunicorn.log"
        with open(log, "w") as log_file:
            server = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "tracker.wsgi", "-w", "1",
                 "-b", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
            )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    if fetch(f"{base}/healthz", timeout=60)[0] == 200:
                        break
                except OSError:
                    time.sleep(0.5)
            yield cluster, server, base, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def workers_of(server):
    return Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="starts a PostgreSQL cluster of its own; runs with DATABASE_URL=postgres://… "
    "(CI's PostgreSQL pass)",
)
def test_while_the_database_is_down_cached_pages_are_served_the_rest_is_503_and_all_is_back_after(
    site_on_its_own_cluster,
):
    cluster, server, base, log = site_on_its_own_cluster
    cached, uncached = "/", "/events/ai-seoul-summit-2024/"
    assert fetch(base + cached)[0] == 200  # now in the page cache
    workers = workers_of(server)

    cluster.stop()
    try:
        status, _, body, seconds = fetch(base + cached)
        assert (status, seconds < 3) == (200, True)
        assert "AI Seoul Summit" in body

        status, headers, body, seconds = fetch(base + uncached)
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "no-store" in headers["Cache-Control"]
        assert "cannot reach its database" in body and "Traceback" not in body
        assert seconds < 5

        status, headers, _, _ = fetch(base + "/api/v1/events/")
        assert (status, headers["Retry-After"]) == (503, "30")

        status, headers, body, _ = fetch(base + "/healthz")
        assert status == 503
        assert "no-store" in headers["Cache-Control"]
        assert body == '{"status": "down", "database": "down", "cache": "ok"}'

        for _ in range(20):
            assert fetch(base + uncached)[0] == 503
    finally:
        cluster.start()

    for path in (cached, uncached, "/api/v1/events/", "/healthz"):
        assert fetch(base + path)[0] == 200, path
    assert workers_of(server) == workers  # the same worker, not a restarted one

    # The outage is told in a few lines, not a stack trace per request.
    told = log.read_text()
    assert "Traceback" not in told
    assert told.count("Database unavailable") == 1
    assert told.count("Database available again") == 1


def test_an_outage_of_many_failed_requests_is_logged_in_two_lines(caplog):
    incident = outage.Incident("Database")
    with caplog.at_level(logging.WARNING, logger="tracker.outage"):
        for _ in range(100):
            incident.failed(OperationalError("connection refused\nIs the server running?"))
        incident.recovered()
        incident.recovered()
    assert [record.getMessage() for record in caplog.records] == [
        "Database unavailable: connection refused",
        "Database available again after 0 s (100 failures)",
    ]


def test_healthz_says_what_answers_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_a_load_balancer_over_plain_http(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # everything else still goes to https


# A cache that is down.

REDIS = "redis://127.0.0.1:6379/0"


def redis_cache(settings, location):
    settings.CACHES = {
        "default": {
            "BACKEND": "tracker.cache_backends.ForgivingRedisCache",
            "LOCATION": location,
            # Other programs may share this Redis: keep to keys of our own, never clear it.
            "KEY_PREFIX": f"test-outage-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    cache_backends.CACHE.recovered()


@pytest.fixture
def cache_down(settings):
    redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    yield
    cache_backends.CACHE.recovered()


@pytest.fixture
def cache_up(settings):
    redis_cache(settings, REDIS)
    if not cache.ping():
        pytest.skip(f"no Redis at {REDIS}")


def test_with_the_cache_down_pages_are_computed_not_errors(client, seeded, cache_down):
    for _ in range(2):
        response = client.get("/?type=summit")
        assert response.status_code == 200
        assert "AI Seoul Summit" in response.content.decode()
    assert client.get("/events/ai-seoul-summit-2024/").status_code == 200
    assert cache.get("anything", "missing") == "missing"
    assert cache.add("anything", 1) is False
    assert cache_backends.CACHE.ongoing


def test_with_the_cache_down_healthz_names_it_but_stays_up(client, db, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


def test_a_cache_that_times_out_costs_one_request_its_timeout_not_every_request(
    client, seeded, cache_down
):
    client.get("/")  # finds the cache down
    failures = cache_backends.CACHE.failures
    assert failures >= 1
    for _ in range(5):
        assert cache.get("tracker:anything", "missing") == "missing"
    assert cache_backends.CACHE.failures == failures  # left alone, not asked again


def test_with_redis_up_pages_are_kept_there_and_served_from_it(
    client, seeded, cache_up, django_assert_num_queries
):
    first = client.get("/?type=summit")
    with django_assert_num_queries(1):  # the data version; the page comes from Redis
        again = client.get("/?type=summit")
    assert again.content == first.content
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
