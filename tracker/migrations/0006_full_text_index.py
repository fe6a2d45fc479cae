"""Full-text search on both databases: a stored tsvector column with a GIN index on PostgreSQL
(in place of 0002's expression index, so ranking reads the vector instead of computing it),
an FTS5 table kept by triggers on SQLite. Both are outside the model state: see
tracker/search.py, whose ``install_index`` this runs (and runs again after every migrate)."""

from importlib import import_module

from django.db import migrations


def install(apps, schema_editor):
    from tracker.search import install_index

    install_index(schema_editor.connection)


def remove(apps, schema_editor):
    from tracker.search import remove_index

    remove_index(schema_editor.connection)
    import_module("tracker.migrations.0002_search_index").create_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_event_change")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
