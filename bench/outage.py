"""What readers see when the database goes away for a while (``make outage``).

Starts gunicorn as production does (``gunicorn.conf.py``, two workers, DEBUG off) on the seed
data in a PostgreSQL cluster of its own, has 4 clients read pages for a while, stops the
database for ``OUTAGE_SECONDS`` (15), starts it again, and reads on. Four in five requests
ask for pages readers read all the time (in the page cache by then) or the API's event list
(which the page cache does not keep: it answers from the database with an ETag), one in
five for an address nobody asked for before (an event page with a query string of its own).
A request counts in the phase in which it ended. Prints how many requests failed before,
during and after the outage, and how, and what the log said.
"""

import collections
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.pgcluster import ThrowawayCluster, free_port

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4
WARM_SECONDS = float(os.environ.get("WARM_SECONDS", "10"))
OUTAGE_SECONDS = float(os.environ.get("OUTAGE_SECONDS", "15"))
AFTER_SECONDS = float(os.environ.get("AFTER_SECONDS", "10"))

READ_OFTEN = [
    "/",
    "/?country=GB",
    "/?type=summit",
    "/?from=2024&to=2024",
    "/events/ai-seoul-summit-2024/",
    "/organizations/",
    "/people/",
    "/api/v1/events/",
]


def kind_of(path):
    if "?reader=" in path:
        return "address never asked before"
    return "API event list" if path.startswith("/api/") else "page read often"


def get(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        status = type(error).__name__
    return status, time.monotonic() - started


def main():
    phase = {"name": "before"}
    results = collections.defaultdict(list)  # phase -> [(status, seconds, kind)]
    stop = threading.Event()

    with ThrowawayCluster() as cluster:
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url(),
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DEBUG": "",
        }
        env.pop("CACHE_URL", None)
        for command in (["migrate", "-v0"], ["load_seed"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = cluster.directory / "gunicorn.log"
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "tracker.wsgi", "-w", "2",
                 "-b", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=log, stderr=log,
            )  # fmt: skip
        try:
            while get(f"{base}/healthz")[0] != 200:
                time.sleep(0.5)

            def client(number):
                n = 0
                while not stop.is_set():
                    n += 1
                    if n % 5 == 0:
                        path = f"/events/ai-seoul-summit-2024/?reader={number}-{n}"
                    else:
                        path = READ_OFTEN[(n + number) % len(READ_OFTEN)]
                    status, seconds = get(base + path)
                    results[phase["name"]].append((status, seconds, kind_of(path)))

            threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            time.sleep(WARM_SECONDS)
            phase["name"] = "during"  # from the moment the database begins to shut down
            cluster.stop()
            time.sleep(OUTAGE_SECONDS)
            cluster.start()
            phase["name"] = "after"
            time.sleep(AFTER_SECONDS)
            stop.set()
            for thread in threads:
                thread.join()
        finally:
            stop.set()
            server.terminate()
            server.wait(timeout=30)
        told = log_path.read_text()
        if os.environ.get("SHOW_LOG"):
            print(told)

    print(f"{CLIENTS} clients; database stopped for {OUTAGE_SECONDS:.0f} s; 2 gunicorn workers")
    print("| phase | requests | failed | 200 | 503 | 500 | other | median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("before", "during", "after"):
        rows = results[name]
        statuses = collections.Counter(status for status, _, _ in rows)
        times = sorted(seconds * 1000 for _, seconds, _ in rows)
        p95 = times[int(len(times) * 0.95)] if times else 0
        other = len(rows) - statuses[200] - statuses[503] - statuses[500]
        print(
            f"| {name} | {len(rows):,} | {len(rows) - statuses[200]:,} | {statuses[200]:,} "
            f"| {statuses[503]:,} | {statuses[500]:,} | {other:,} "
            f"| {statistics.median(times) if times else 0:.1f} | {p95:.1f} |"
        )
    print("During the outage, by what was asked:")
    for kind in ("page read often", "API event list", "address never asked before"):
        rows = [status for status, _, asked in results["during"] if asked == kind]
        print(f"- {kind}: {len(rows):,} requests, {rows.count(200):,} served (200), "
              f"{rows.count(503):,} answered 503")
    print(
        f"The log: {len(told.splitlines())} lines in all, {told.count('Traceback')} tracebacks, "
        f"{told.count('Database unavailable')} 'Database unavailable' "
        f"(one per worker that met the outage)."
    )
    failed_after = sum(1 for status, _, _ in results["after"] if status != 200)
    return 1 if failed_after else 0


if __name__ == "__main__":
    sys.exit(main())
