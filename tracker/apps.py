from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "AI Policy Tracker"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_save

        from tracker import signals  # noqa: F401  (connects the receivers)
        from tracker.slugs import SLUG_SOURCES, fill_empty_slug

        post_migrate.connect(keep_search_index, sender=self)
        for label in SLUG_SOURCES:
            pre_save.connect(fill_empty_slug, sender=label, dispatch_uid=f"slug:{label}")


def keep_search_index(sender, using, **kwargs):
    """Put the full-text index back if a migration lost it (on SQLite, altering the events'
    table rebuilds it without its triggers): see tracker.search.install_index."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from tracker.search import install_index

    connection = connections[using]
    if ("tracker", "0006_full_text_index") in MigrationRecorder(connection).applied_migrations():
        install_index(connection)
