import datetime
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tracker import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database while the site runs: pg_dump's custom format on "
        "PostgreSQL, SQLite's online backup API on SQLite. The file holds password hashes "
        "and, unless --without-sessions, sessions: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the file to write (default: backups/tracker-….)")
        parser.add_argument(
            "--without-sessions",
            action="store_true",
            help="leave out who is logged in (the session table is kept, empty)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, without_sessions=False, database="default", **options):
        vendor = backup.vendor_of(database)
        if not output:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            name = f"tracker-{stamp}{backup.suffix_for(vendor)}"
            output = Path(settings.BASE_DIR) / "backups" / name
        started = time.monotonic()
        backup.back_up(output, alias=database, sessions=not without_sessions)
        size = Path(output).stat().st_size
        self.stdout.write(
            f"Backed up the {vendor} database to {output} ({size / 1e6:.1f} MB, "
            f"{'without' if without_sessions else 'with'} sessions) in "
            f"{time.monotonic() - started:.1f} s. It holds password hashes: keep it private."
        )
