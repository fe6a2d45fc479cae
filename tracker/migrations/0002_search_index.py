"""The full-text index for PostgreSQL.

It is created only on PostgreSQL (SQLite searches without it), and it is kept out of the
model state on purpose: SQLite rebuilds a table from that state whenever a migration alters
it, and would choke on a GIN index. The expression must stay identical to the one
tracker/search.py searches with, or PostgreSQL will not use the index.
"""

from django.db import migrations

INDEX = "event_search_gin"
EXPRESSION = "to_tsvector('english'::regconfig, COALESCE(\"search_document\", ''))"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "tracker_event" USING gin (({EXPRESSION}))'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
