from django.core.management.base import BaseCommand

from tracker.seed.loader import load_seed


class Command(BaseCommand):
    help = (
        "Load the seed timeline (the Korea–U.S. AI working group and the events around it). "
        "Creates only what is missing; never changes a record that already exists."
    )

    def handle(self, *args, **options):
        loader = load_seed()
        self.stdout.write(loader.report())
