"""The resident memory of real gunicorn workers after the benchmark's requests.

    BENCH_DATABASE_URL=postgres://…/tracker_million .venv/bin/python -m bench.workers

Starts gunicorn as production does (``gunicorn.conf.py``: the master builds the timeline's
columns, then forks), with two workers and the page cache off (``CACHE_TIMEOUT=0``, so every
request is computed), sends each scenario of ``make bench`` twenty times, then an edit and the
scenarios again (every worker patches the edit in), and prints each worker's resident memory
(VmRSS: the pages it shares with the master count in full) and the master's.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = [
    "/",
    "/?country=KR",
    "/?country=US&type=summit",
    "/?from=2010&to=2012",
    "/?q=quantum+governance",
    "/?page=1000",
]
ROUNDS = 20


def resident_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid):
    tasks = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in tasks.read_text().split()]


def main():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_TIMEOUT": "0",
        "DEBUG": "",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "tracker.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "300"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        started = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=300).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - started > 900:
                    sys.exit(server.stderr.read().decode()[-2000:])
                time.sleep(1)
        print(f"Ready in {time.monotonic() - started:.0f} s (the master built the columns).")

        def run():
            for url in URLS:
                for _ in range(ROUNDS):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=300).read()

        run()
        edit = subprocess.run(
            [sys.executable, "-c", EDIT], cwd=ROOT, env=env, check=True, capture_output=True
        )
        print(edit.stdout.decode().strip())
        run()
        for pid in children(server.pid):
            print(f"worker {pid}: {resident_mb(pid):.0f} MB resident")
        print(f"master {server.pid}: {resident_mb(server.pid):.0f} MB resident")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


EDIT = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()
from tracker.models import Event
event = Event.objects.published().order_by("pk")[7]
Event.objects.filter(pk=event.pk).refresh_derived()
print(f"An edit of event {event.pk} logged: every worker patches it in.")
"""

if __name__ == "__main__":
    main()
