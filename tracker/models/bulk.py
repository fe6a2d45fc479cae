"""Writing many rows at once, for the importer, where the ORM's per-row work costs more than
the database's.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression of every row, and
``bulk_create`` a model instance per row. Here rows are tuples. SQLite runs in the process, so
``executemany`` of one statement is fastest there; psycopg2's ``executemany`` makes a round
trip per row, so on PostgreSQL rows go as multi-row ``VALUES`` lists, a batch at a time.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, DateTimeField, IntegerField, Value

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


def copy_to_history(queryset, *, user=None, reason="", date):
    """History rows (django-simple-history's table) for every row of ``queryset``, as each
    row's ``save()`` would have written on creation ("+"), in one ``INSERT … SELECT``: the
    rows never pass through Python. ``bulk_history_create`` builds a model instance per row,
    which costs more than an import's writing everything else."""
    model = queryset.model
    history = model.history.model
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    fields = [field.attname for field in history.tracked_fields]
    columns = [field.column for field in history.tracked_fields]
    stamp = {
        "history_date": Value(date, output_field=DateTimeField()),
        "history_change_reason": Value(reason, output_field=CharField()),
        "history_type": Value("+", output_field=CharField()),
        "history_user_id": Value(user.pk if user else None, output_field=IntegerField()),
    }
    rows = queryset.order_by().annotate(**{f"_{name}": value for name, value in stamp.items()})
    try:
        select, params = rows.values_list(
            *fields, *(f"_{name}" for name in stamp)
        ).query.sql_with_params()
    except EmptyResultSet:  # nothing to copy (an empty IN list)
        return
    target = ", ".join(quote(column) for column in [*columns, *stamp])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(history._meta.db_table)} ({target}) {select}", params)


def insert_history(model, instances, *, user=None, reason="", date, using="default"):
    """History rows (django-simple-history's table for ``model``) for saved ``instances``,
    as each one's ``save()`` would have written ("+", created), written as plain rows:
    ``bulk_history_create`` builds a model instance per row first, which costs more than
    writing the rows."""
    if not instances:
        return
    connection = connections[using]
    history = model.history.model
    fields = list(history.tracked_fields)
    columns = [field.column for field in fields] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    date_field = history._meta.get_field("history_date")
    stamp = [date_field.get_db_prep_save(date, connection), reason, "+", user.pk if user else None]
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + stamp
        for obj in instances
    ]
    _insert(connection, history._meta.db_table, columns, rows)
