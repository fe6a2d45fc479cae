"""``make bench``: time the timeline, record pages and API on 100,000 synthetic events.

Builds the synthetic timeline once in its own database (``bench.sqlite3``, or the database
named by ``BENCH_DATABASE_URL``; ``BENCH_EVENTS`` sets the size), then requests each scenario
through Django's test client, in process. The headline and the pass mark are **cold**: each
request computed from the database with the page cache emptied, as after an edit or for a view
nobody asked for before. Warm (from the page cache) is reported beside it. The same scenarios
are timed first at 10,000 events (``bench-10k.sqlite3``, or ``<name>_10k``), so the table shows
how each view's cost grows with the data. The table, with the machine, the database and the
row counts, is printed and written as Markdown to ``docs/benchmarks/<database>-<events>.md``,
which the README quotes. Then the data formats (CSV export, import) are timed.

Run it again and it reuses the databases; delete them to build anew.
"""

import contextlib
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import timeit
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'bench.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ["DEBUG"] = ""
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402
import numpy as np  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.build import build  # noqa: E402
from tracker.models import Event, EventCountry, Participation  # noqa: E402

# The targets: at 100,000 events; at a million (PostgreSQL), the timeline's median
# may be twice as long, and no p95 is set. The timeline's chart adds at most 10 ms, and the
# index pages (topics, countries, sources, the sitemap) are held to twice a record page's
# target (issue 10).
if N_EVENTS <= 100_000:
    TARGETS = {"timeline": 50, "record": 25, "index": 50, "api": 50}
    P95_TARGETS = {"timeline": 100}
else:
    TARGETS = {"timeline": 100, "record": 25, "index": 100, "api": 50}
    P95_TARGETS = {}
CHART_TARGET = 10 if N_EVENTS <= 100_000 else None  # set at 100,000 events; reported beyond
SMALL_EVENTS = 10_000


def ensure_database():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as in production
    count = Event.objects.count()
    if count >= N_EVENTS:
        print(f"Reusing the benchmark database: {count} events.")
        return
    if count:
        sys.exit("The benchmark database holds other data: delete it, then run again.")
    print(f"Building {N_EVENTS:,} synthetic events (once: about a minute per 100,000) ...")
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
        ("timeline", "lanes by country", "/?lanes=country"),
        ("timeline", "lanes by organization, 2 years", "/?from=2010&to=2011&lanes=organization"),
        ("record", "event page", event.get_absolute_url()),
        ("record", "organization page", participation.organization.get_absolute_url()),
        ("record", "person page", person.get_absolute_url()),
        ("record", "topic page", topic.get_absolute_url()),
        ("index", "topics", "/topics/"),
        ("index", "countries", "/countries/"),
        ("index", "a country's page", "/countries/kr/"),
        ("index", "sources", "/sources/"),
        ("index", "sitemap", "/sitemap.xml"),
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
    """Cold: every request computed from the database (the page cache emptied before each),
    as the first request after an edit or for a view nobody asked for yet. Warm: the page as
    a reader gets it when it is in the page cache."""
    for _ in range(3):  # warm up: connection, templates, the database's page cache
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    cold = timed(client, url, RUNS, cold=True)
    warm = timed(client, url, RUNS, cold=False)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {"cold": cold, "warm": warm, "queries": len(queries)}


def chart_cost(client, url):
    """What the chart adds to the cold page, in ms: requests with and without it (built and
    drawn alike) taken in turns, so that a drift of the machine's speed falls on both; the
    median of the pairs' differences."""
    from tracker import chart

    build = chart.build

    def cold(drawn):
        chart.build = build if drawn else (lambda *args, **kwargs: None)
        cache.clear()
        started = time.perf_counter()
        client.get(url)
        return (time.perf_counter() - started) * 1000

    try:
        differences = [cold(True) - cold(False) for _ in range(RUNS * 2)]
    finally:
        chart.build = build
    return statistics.median(differences)


def measure_all():
    """Every scenario, and what a worker costs: building its columns, patching an edit in,
    its memory."""
    from tracker import timeline_index

    started = time.perf_counter()
    timeline_index.INDEX.forget()
    columns = timeline_index.INDEX.current()
    build_ms = (time.perf_counter() - started) * 1000
    index_mb = sum(
        array.nbytes
        for array in [*vars(columns).values(), *columns.totals.values()]
        if hasattr(array, "nbytes")
    ) + sum(
        part.nbytes
        for links in columns.links.values()
        for part in vars(links).values()
        if hasattr(part, "nbytes")
    )
    del columns  # as in a worker: once an edit is patched in, the old columns are let go
    client = Client()
    results = {}
    for kind, name, url in scenarios():
        results[name] = {"kind": kind, "url": url, **measure(client, url)}
        if kind == "timeline":
            results[name]["chart_ms"] = chart_cost(client, url)
    # An edit, then the next request: the worker patches the event in.
    event = Event.objects.published().order_by("pk")[len(results)]
    Event.objects.filter(pk=event.pk).refresh_derived()  # logs a change, alters nothing
    cache.clear()
    started = time.perf_counter()
    client.get("/")
    after_edit_ms = (time.perf_counter() - started) * 1000
    return {
        "scenarios": results,
        "build_ms": build_ms,
        "after_edit_ms": after_edit_ms,
        "index_mb": index_mb / 2**20,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_now_mb": resident_mb(),
        "machine": machine(),
    }


def machine():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            database = f"SQLite {sqlite3.sqlite_version}"
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    counts = {
        "events": Event.objects.count(),
        "published": Event.objects.published().count(),
        "participations": Participation.objects.count(),
        "country links": EventCountry.objects.count(),
        "topic links": Event.topics.through.objects.count(),
    }
    # How fast this machine runs Python, to compare runs on different machines.
    # The median, not the best: a shared machine's speed varies over minutes.
    calibration = statistics.median(timeit.repeat("sum(range(10**6))", number=1, repeat=15))
    block = np.ones(2**26, dtype=np.uint8)  # 64 MB: copied from memory, not from a cache
    copying = statistics.median(timeit.repeat(block.copy, number=1, repeat=15))
    return {
        "calibration_ms": calibration * 1000,
        "memory_gb_s": block.nbytes / copying / 1e9,
        "cores": os.cpu_count(),
        "cpu": model,
        "database": database,
        "python": platform.python_version(),
        "counts": counts,
    }


def table(results, small=None):
    """The results as Markdown: cold is the headline and the pass mark; warm beside it."""
    lines = [
        "| page | scenario | cold median ms | cold p95 ms | warm median ms | queries (cold) "
        f"| chart ms | {'10k cold median ms | ' if small else ''}target (cold) |",
        f"|---|---|---:|---:|---:|---:|---:|{'---:|' if small else ''}---|",
    ]
    missed = []
    for name, result in results["scenarios"].items():
        kind = result["kind"]
        (median, p95), (warm, _) = result["cold"], result["warm"]
        target, p95_target = TARGETS[kind], P95_TARGETS.get(kind)
        chart_ms = result.get("chart_ms")
        ok = (
            median <= target
            and (p95_target is None or p95 <= p95_target)
            and (chart_ms is None or CHART_TARGET is None or chart_ms <= CHART_TARGET)
        )
        if not ok:
            missed.append(name)
        mark = f"median ≤ {target}" + (f", p95 ≤ {p95_target}" if p95_target else "")
        if chart_ms is not None and CHART_TARGET is not None:
            mark += f", chart ≤ {CHART_TARGET}"
        before = ""
        if small:
            before = f"{small['scenarios'][name]['cold'][0]:.1f} | "
        lines.append(
            f"| {kind} | {name} | {median:.1f} | {p95:.1f} | {warm:.1f} | {result['queries']} "
            f"| {'' if chart_ms is None else f'{chart_ms:.1f}'} | {before}{mark} "
            f"{'✓' if ok else '✗'} |"
        )
    return lines, missed


def describe(results):
    m = results["machine"]
    counts = ", ".join(f"{n:,} {what}" for what, n in m["counts"].items())
    return (
        f"{date.today().isoformat()}: {m['cores']} cores ({m['cpu'] or 'unknown CPU'}; Python's "
        f"`sum(range(10**6))` in {m['calibration_ms']:.0f} ms, a 64 MB copy at "
        f"{m['memory_gb_s']:.1f} GB/s, medians), {m['database']}, Python "
        f"{m['python']}. Rows: {counts}. Cold: {RUNS} requests each "
        f"computed from the database; warm: {RUNS} from the page cache. Chart: what the "
        f"timeline's chart adds to the cold page ({RUNS * 2} requests with it and "
        f"{RUNS * 2} without, in turns: the median of the differences)."
    )


def worker_lines(results):
    return [
        f"A worker builds its timeline columns in {results['build_ms']:.0f} ms "
        f"({results['index_mb']:.0f} MB of arrays) on its first request; the first request "
        f"after an edit, with the edit patched in, took {results['after_edit_ms']:.0f} ms. "
        f"Resident memory of the benchmark process after the run: "
        f"{results['rss_now_mb']:.0f} MB (at its peak, while building: "
        f"{results['rss_mb']:.0f} MB).",
    ]


def resident_mb():
    """This process's resident memory now (Linux), in MB; 0 where it cannot be read."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    if os.environ.get("BENCH_CHILD"):
        ensure_database()
        print(json.dumps(measure_all()))
        return
    small = None
    if N_EVENTS > SMALL_EVENTS:
        print(f"Timing the scenarios at {SMALL_EVENTS:,} events first (a database of its own) ...")
        small = run_child(SMALL_EVENTS, small_database_url())
    ensure_database()
    results = measure_all()
    lines, missed = table(results, small)
    heading = f"{N_EVENTS:,} events on {results['machine']['database']}"
    report = [f"### {heading}", "", describe(results), "", *lines, "", *worker_lines(results)]
    print()
    print("\n".join(report))
    print()
    print(
        "Missed the target: " + ", ".join(missed) if missed else "Every scenario meets its target."
    )
    out = ROOT / "docs" / "benchmarks" / f"{connection.vendor}-{N_EVENTS}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(report) + "\n")
    print(f"Written to {out.relative_to(ROOT)}.")
    print()
    if not os.environ.get("BENCH_SKIP_FORMATS"):
        data_formats()


def run_child(events, database_url):
    env = {
        **os.environ,
        "BENCH_CHILD": "1",
        "BENCH_EVENTS": str(events),
        "BENCH_DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"The {events:,}-event run failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def small_database_url():
    """The 10,000-event database: a file beside bench.sqlite3, or ``<name>_10k`` on the
    benchmark's PostgreSQL server (created when missing, and kept)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{ROOT / 'bench-10k.sqlite3'}"
    name = connection.settings_dict["NAME"] + "_10k"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name


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
