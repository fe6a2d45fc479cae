"""Writing many rows at once, for the importer, where the ORM's per-row work costs more than
the database's.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression of every row, and
``bulk_create`` a model instance per row. Here rows are tuples. SQLite runs in the process, so
``executemany`` of one statement is fastest there; psycopg2's ``executemany`` makes a round
trip per row, so on PostgreSQL rows go as multi-row ``VALUES`` lists, a batch at a time.
"""

from django.db import connections

BATCH = 1000


def _batches(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def update_column(model, field_name, pairs, using="default"):
    """Set ``field_name`` to each value for each primary key: ``pairs`` of (pk, value). Like
    ``bulk_update``, it sends no signals and leaves ``auto_now`` fields alone."""
    pairs = list(pairs)
    if not pairs:
        return
    connection = connections[using]
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    table, column, pk = (
        quote(model._meta.db_table),
        quote(field.column),
        quote(model._meta.pk.column),
    )
    rows = [(pk_value, field.get_db_prep_save(value, connection)) for pk_value, value in pairs]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"
            cursor.executemany(sql, [(value, pk_value) for pk_value, value in rows])
            return
        cast = field.db_type(connection)
        for batch in _batches(rows):
            values = ", ".join([f"(%s::bigint, %s::{cast})"] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {column} = v.value FROM (VALUES {values}) AS v(id, value) "
                f"WHERE {table}.{pk} = v.id",
                [item for row in batch for item in row],
            )


def insert_rows(model, fields, rows, using="default"):
    """INSERT ``rows`` (tuples of values for ``fields``, by attribute name): for rows whose
    primary keys nobody needs back, without building a model instance for each (which costs
    more than the insert). Sends no signals."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[using]
    model_fields = [model._meta.get_field(name) for name in fields]
    _insert(connection, model._meta.db_table, [field.column for field in model_fields], rows)


def _insert(connection, table, columns, rows):
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) VALUES "
    one = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(head + one, rows)
            return
        for batch in _batches(rows):
            cursor.execute(head + ", ".join([one] * len(batch)), [v for row in batch for v in row])
