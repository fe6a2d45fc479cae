"""``make loadtest``: many readers at once against gunicorn as production runs it.

Builds (or reuses) the benchmark's database of 100,000 synthetic events (``bench.sqlite3``,
or ``BENCH_DATABASE_URL``; ``BENCH_EVENTS`` sets the size, as for ``make bench``), starts
gunicorn with ``gunicorn.conf.py`` (the master builds the timeline's columns, then forks
``LOAD_WORKERS`` workers, one per core by default; DEBUG off), and points wrk at it:
``LOAD_CLIENTS`` connections (32) for ``LOAD_SECONDS`` (60).

Each request is drawn afresh (``bench/loadtest.lua``, a seeded random generator per
connection): three in four are timeline views of one to three filters (country, type, topic,
organization, person, a year range, a search, an order, a page), so most of them are a query
string nobody asked before and the page cache cannot answer them; one in four is a record
page (an event, an organization, a person, a topic). The rate limit is off for the run
(``RATE_LIMIT=off``: the clients all share one address), and any 429 is still counted apart
from errors. Errors are responses of 500 and above, other 4xx than 404 and 429, and failed
connections or timeouts; a 404 (a filter value the draw made up) is counted apart too.

Prints a Markdown row of requests per second, p50/p95/p99 latency and errors, which the
README's "Under load" table quotes, and writes it to ``docs/benchmarks/load-<database>.md``.
"""

import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "32"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
# One worker per core: the work is CPU (counting, rendering), so more workers only queue.
WORKERS = int(os.environ.get("LOAD_WORKERS", str(os.cpu_count() or 2)))
THREADS = 2  # wrk's own threads: one per core is plenty for a few hundred requests a second
SCRIPT = ROOT / "bench" / "loadtest.lua"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare():
    """Build or reuse the benchmark's database (as ``make bench`` does), in a process of its
    own, and return the values the requests draw from."""
    code = (
        "import json, bench.run as run; run.ensure_database(); "
        "import bench.loadtest as load; print('VALUES=' + json.dumps(load.values()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    for line in done.stdout.splitlines():
        if line.startswith("VALUES="):
            return json.loads(line.removeprefix("VALUES="))
        print(line)
    sys.exit("The benchmark database gave no values to draw from.")


def values():
    """What a request may ask for: real countries, types, topics, organizations, people,
    years and words of the benchmark's data, and some records' addresses. (Runs inside
    ``prepare``'s process, where Django is set up on the benchmark's database.)"""
    from tracker.models import Event, EventCountry, EventType, Organization, Person, Topic

    rng = random.Random(20241203)
    events = Event.objects.published()
    first, last = (events.order_by(order).values_list("start_date", flat=True).first()
                   for order in ("start_date", "-start_date"))
    sample = list(events.order_by("?").values_list("slug", "title")[:400])
    words = sorted({w.lower() for _, title in sample for w in title.split() if w.isalpha()})
    pick = lambda queryset, field, n: list(  # noqa: E731
        queryset.order_by("?").values_list(field, flat=True)[:n]
    )
    return {
        "countries": sorted(
            str(code) for code in EventCountry.objects.values_list("country", flat=True)
            .order_by("country").distinct()[:80]
        ),
        "types": pick(EventType.objects.all(), "slug", 40),
        "topics": pick(Topic.objects.all(), "slug", 60),
        "organizations": pick(Organization.objects.all(), "slug", 200),
        "people": pick(Person.objects.all(), "slug", 200),
        "years": [first.year, last.year],
        "words": rng.sample(words, min(len(words), 200)),
        "records": [f"/events/{slug}/" for slug, _ in sample[:200]]
        + [f"/organizations/{slug}/" for slug in pick(Organization.objects.all(), "slug", 100)]
        + [f"/people/{slug}/" for slug in pick(Person.objects.all(), "slug", 100)]
        + [f"/topics/{slug}/" for slug in pick(Topic.objects.all(), "slug", 20)],
    }


def lua_table(items):
    return "{" + ", ".join(json.dumps(item) for item in items) + "}"


def start_gunicorn(port, database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # no TLS proxy in front of it here
        "RATE_LIMIT": "off",  # 32 clients from one address: see the module's docstring
        "DEBUG": "",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "tracker.wsgi", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    started = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as answer:
                answer.read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() - started > 900:
                server.kill()
                sys.exit(server.stderr.read().decode()[-3000:])
            time.sleep(1)
    print(f"gunicorn ready in {time.monotonic() - started:.0f} s ({WORKERS} workers).")
    return server


def run_wrk(port, drawn):
    env = {**os.environ, "LOAD_VALUES": json.dumps(drawn)}
    command = [
        shutil.which("wrk") or sys.exit("wrk is not installed: apt-get install wrk"),
        f"-t{THREADS}", f"-c{CLIENTS}", f"-d{SECONDS}s", "--timeout", "10s",
        "-s", str(SCRIPT), f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    print(done.stdout)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    sys.exit("wrk printed no result:\n" + done.stdout + done.stderr)


def describe_database(database_url):
    if database_url.startswith("sqlite"):
        return "SQLite"
    from subprocess import run

    version = run(["psql", database_url, "-Atc", "SHOW server_version"],
                  capture_output=True, text=True).stdout.strip()
    return f"PostgreSQL {version.split()[0]}" if version else "PostgreSQL"


def main():
    database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'bench.sqlite3'}")
    os.environ["BENCH_DATABASE_URL"] = database_url
    events = int(os.environ.get("BENCH_EVENTS", "100000"))
    drawn = prepare()
    subprocess.run(  # as in production: the static files are collected and served by WhiteNoise
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "",
             "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret")},
    )
    port = free_port()
    server = start_gunicorn(port, database_url)
    try:
        result = run_wrk(port, drawn)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    database = describe_database(database_url)
    row = (
        f"| {database} | {events:,} | {WORKERS} | {CLIENTS} | {SECONDS} s "
        f"| {result['requests']:,} | {result['rps']:.0f} "
        f"| {result['p50']:.0f} ms | {result['p95']:.0f} ms | {result['p99']:.0f} ms "
        f"| {result['errors']} | {result['too_many']} | {result['not_found']} |"
    )
    header = (
        "| Database | Events | Workers | Clients | Time | Requests | Requests/s "
        "| p50 | p95 | p99 | Errors | 429s | 404s |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
    text = f"{header}\n{row}\n\n{machine}; statuses: {result['statuses']}\n"
    print(text)
    out = ROOT / "docs" / "benchmarks" / f"load-{database.split()[0].lower()}-{events}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"Written to {out.relative_to(ROOT)}.")
    target_met = result["errors"] == 0 and result["p99"] <= 1000
    print("Target (0 errors, p99 ≤ 1 s):", "met" if target_met else "NOT met")


if __name__ == "__main__":
    main()
