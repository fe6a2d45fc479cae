"""``make bench``: time the timeline and record pages on 100,000 synthetic events.

Builds the synthetic timeline once in its own database (``bench.sqlite3``, or the database
named by ``BENCH_DATABASE_URL``), then requests each scenario through Django's test client,
in process, and prints the median and 95th percentile in milliseconds, warm (as readers get
the page: from the page cache, which every edit invalidates) and cold (computed from the
database, as the first request after an edit), and the queries per cold request.
Run it again and it reuses the database; delete ``bench.sqlite3`` (or drop the benchmark
database) to build it anew.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'bench.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ["DEBUG"] = ""
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.build import build  # noqa: E402
from tracker.models import Event, Participation  # noqa: E402

TARGETS = {"timeline": 50, "record": 25, "api": 50}


def ensure_database():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as in production
    count = Event.objects.count()
    if count >= N_EVENTS:
        print(f"Reusing the benchmark database: {count} events.")
        return
    if count:
        sys.exit("The benchmark database holds other data: delete it, then run again.")
    print(f"Building {N_EVENTS} synthetic events (once; about a minute) ...")
    started = time.perf_counter()
    build(N_EVENTS)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"Built in {time.perf_counter() - started:.0f} s.")


def scenarios():
    busy_person = (
        Participation.objects.exclude(person=None)
        .values_list("person__slug", flat=True)
        .order_by("person_id")
        .first()
    )
    event = Event.objects.published().order_by("pk")[500]
    participation = event.participations.select_related("organization", "person").first()
    person = event.participations.exclude(person=None).select_related("person").first().person
    topic = event.topics.first()
    return [
        ("timeline", "no filter", "/"),
        ("timeline", "one country", "/?country=KR"),
        ("timeline", "country and type", "/?country=US&type=summit"),
        ("timeline", "one person", f"/?person={busy_person}"),
        ("timeline", "a year range", "/?from=2010&to=2012"),
        ("timeline", "a search", "/?q=quantum+governance"),
        ("timeline", "a deep page", "/?page=1000"),
        ("record", "event page", event.get_absolute_url()),
        ("record", "organization page", participation.organization.get_absolute_url()),
        ("record", "person page", person.get_absolute_url()),
        ("record", "topic page", topic.get_absolute_url()),
        ("api", "events, one country", "/api/v1/events/?country=KR"),
        ("api", "events, one person", f"/api/v1/events/?person={busy_person}"),
        ("api", "an event", f"/api/v1/events/{event.slug}/"),
    ]


def timed(client, url, runs, cold):
    timings = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95


def measure(client, url):
    """Warm: the page as most readers get it, from the page cache. Cold: every request
    computed from the database (the cache emptied before each), as after an edit."""
    for _ in range(3):  # warm up: connection, templates, the database's page cache
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    warm = timed(client, url, RUNS, cold=False)
    cold = timed(client, url, max(5, RUNS // 3), cold=True)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return warm, cold, len(queries)


def main():
    ensure_database()
    client = Client()
    vendor = connection.vendor
    print()
    print(
        f"{N_EVENTS:,} events on {vendor}. Warm: {RUNS} requests served as readers get them "
        f"(page cache); cold: {max(5, RUNS // 3)} requests computed from the database."
    )
    print()
    print(
        "| page | scenario | warm median ms | warm p95 ms | cold median ms | cold p95 ms "
        "| queries (cold) | target (cold median) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    missed = []
    for kind, name, url in scenarios():
        (median, p95), (cold_median, cold_p95), queries = measure(client, url)
        target = TARGETS[kind]
        ok = cold_median <= target  # a page served from the cache is not its speed
        if not ok:
            missed.append(name)
        mark = f"≤ {target} ms {'✓' if ok else '✗'}"
        print(
            f"| {kind} | {name} | {median:.1f} | {p95:.1f} | {cold_median:.1f} | {cold_p95:.1f} "
            f"| {queries} | {mark} |"
        )
    print()
    if missed:
        print("Missed the target: " + ", ".join(missed))
    else:
        print("Every scenario meets its target.")
    print()
    data_formats()


def run_apart(*args):
    """Run bench/data_formats.py in a process of its own; its last line of output."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.data_formats", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"bench.data_formats {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1].split()


def import_database_url():
    """An empty database for the import: a file beside bench.sqlite3, or ``<name>_import``
    on the benchmark's PostgreSQL server (dropped and created afresh)."""
    if connection.vendor == "sqlite":
        path = ROOT / "bench-import.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = os.environ["DATABASE_URL"]
    name = connection.settings_dict["NAME"] + "_import"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def data_formats():
    from bench.data_formats import scratch_file

    path = scratch_file()
    _, seconds, first_byte, memory, rows = run_apart("csv", os.environ["DATABASE_URL"], path)
    _, import_seconds, imported = run_apart("import", import_database_url(), path)
    print("| data in and out | figure | target |")
    print("|---|---:|---|")
    print(
        f"| `/events.csv`, all {int(rows):,} events: whole file streamed | {float(seconds):.1f} s "
        f"(first bytes after {float(first_byte) * 1000:.0f} ms) | ≤ 10 s |"
    )
    print(f"| `/events.csv`: the worker's peak memory growth | {float(memory):.0f} MB | ≤ 100 MB |")
    print(
        f"| `import_events` of that CSV into an empty database ({int(imported):,} events) "
        f"| {float(import_seconds):.0f} s | ≤ 120 s |"
    )
    os.unlink(path)


if __name__ == "__main__":
    main()
