import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from tracker import backup
from tracker.models import DataVersion, Event
from tracker.outage import DATABASE_ERRORS


class Command(BaseCommand):
    help = (
        "Put a backup made by backup_database back, replacing what the database holds. "
        "Restart the site's workers afterwards: their timeline columns hold the data before."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, interactive=True, database="default", **options):
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces everything in the database {name} with the backup {file}.\n"
                "Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        before = _data_version(database)
        started = time.monotonic()
        backup.restore(file, alias=database)
        seconds = time.monotonic() - started
        if before is not None:
            # Pages cached before the restore were keyed by versions up to ``before``: the
            # restored data gets a number none of them has.
            restored = _data_version(database) or 0
            DataVersion.objects.using(database).update_or_create(
                pk=1, defaults={"number": max(before, restored) + 1}
            )
        events = Event.objects.using(database).count()
        self.stdout.write(
            f"Restored {file} into {name} in {seconds:.1f} s ({events:,} events). "
            "Restart the site's workers now."
        )


def _data_version(database):
    """The data version in the database, or None when it holds none (a fresh database)."""
    try:
        return DataVersion.objects.using(database).values_list("number", flat=True).first()
    except (DatabaseError, *DATABASE_ERRORS):
        connections[database].close()
        return None
