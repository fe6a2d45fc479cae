import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tracker.importer import import_file

PROGRESS_FROM_ROWS = 2000


class Command(BaseCommand):
    help = (
        "Import events from a CSV file in the export's columns (/events.csv) or a JSON file "
        "in the API's event shape (a list of events). Slugs are the keys: a row whose slug "
        "exists updates that event, the others are created. Reports every problem with its "
        "line (CSV) or index (JSON); if any row has one, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .json file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create the organizations, people, types, topics and sources that rows name "
            "but that do not exist (they are reported), instead of reporting them as errors.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the rows without problems and leave out the others (still reported).",
        )
        parser.add_argument(
            "--drafts", action="store_true", help="Import every event as a draft (unpublished)."
        )
        parser.add_argument(
            "--user", help="The user name to record in the history as having made the changes."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user is called {options['user']!r}.")
        report = import_file(
            path.name,
            path.read_bytes(),
            user=user,
            create_missing=options["create_missing"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            drafts=options["drafts"],
            reason=f"Imported from {path.name}",
            progress=self.progress,
        )
        for line in report.lines():
            self.stdout.write(line)
        if report.has_errors:
            # A non-zero exit status, with the report already written above.
            sys.exit(1)

    def progress(self, iterable, **kwargs):
        """A progress bar on the terminal for long files (none when output is not a tty)."""
        if len(iterable) < PROGRESS_FROM_ROWS:
            return iterable
        return tqdm(iterable, file=sys.stderr, disable=None, **kwargs)
