"""Django's ``loaddata``, with the many-to-many links it sets kept out of the derived data and
the data version too (see tracker/signals.py): a load puts back exactly what was dumped."""

from django.core.management.commands import loaddata

from tracker.signals import loading_fixtures


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with loading_fixtures():
            return super().handle(*fixture_labels, **options)
