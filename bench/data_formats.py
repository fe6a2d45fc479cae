"""The data formats at scale, for ``make bench``: the whole ``/events.csv`` streamed (time and
the worker's peak memory growth), and ``import_events`` of that file into an empty database.

Each runs in a process of its own (``python -m bench.data_formats csv|import``), so that the
peak memory it reports is its own and not what building the data set took.
"""

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["DEBUG"] = ""
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def stream_csv(out_path):
    """Stream /events.csv to ``out_path``; print seconds, rows and peak memory growth."""
    from django.test import Client

    client = Client()
    client.get("/events.csv?from=2999")  # warm up: imports, templates, connection
    before = peak_mb()
    started = time.perf_counter()
    first_byte = None
    rows = 0
    response = client.get("/events.csv")
    assert response.status_code == 200, response.status_code
    with open(out_path, "wb") as handle:
        for chunk in response.streaming_content:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            handle.write(chunk)
            rows += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    print(f"csv {seconds:.2f} {first_byte:.3f} {peak_mb() - before:.1f} {rows - 1}")


def import_csv(path):
    """Import ``path`` into this (empty) database; print seconds and the report's summary."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    output = io.StringIO()
    try:
        call_command("import_events", path, "--create-missing", stdout=output)
    except SystemExit:
        sys.exit("import_events failed:\n" + output.getvalue()[-2000:])
    seconds = time.perf_counter() - started
    from tracker.models import Event

    print(f"import {seconds:.1f} {Event.objects.count()}")


def main():
    what, database_url, path = sys.argv[1], sys.argv[2], sys.argv[3]
    setup(database_url)
    if what == "csv":
        stream_csv(path)
    else:
        import_csv(path)


def scratch_file():
    return os.path.join(tempfile.gettempdir(), "tracker-bench-events.csv")


if __name__ == "__main__":
    main()
