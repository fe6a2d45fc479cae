"""Writing one column of many rows at once.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression of every row, which
costs more to build than the update costs to run (measured: a fifth of an import's time).
One parameterised ``UPDATE … WHERE id = %s`` run with ``executemany`` does the same work.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, DateTimeField, IntegerField, Value


def update_column(model, field_name, pairs, using="default"):
    """Set ``field_name`` to each value for each primary key: ``pairs`` of (pk, value). Like
    ``bulk_update``, it sends no signals and leaves ``auto_now`` fields alone."""
    pairs = list(pairs)
    if not pairs:
        return
    connection = connections[using]
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [(field.get_db_prep_save(value, connection), pk) for pk, value in pairs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_rows(model, fields, rows, using="default"):
    """INSERT ``rows`` (tuples of values for ``fields``, by attribute name) with
    ``executemany``: for rows whose primary keys nobody needs back, without building a model
    instance for each (which costs more than the insert). Sends no signals."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in model_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(model_fields))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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
    as each one's ``save()`` would have written ("+", created), in one ``executemany``:
    ``bulk_history_create`` builds a model instance per row first, which costs more than
    writing the rows."""
    if not instances:
        return
    connection = connections[using]
    history = model.history.model
    fields = list(history.tracked_fields)
    quote = connection.ops.quote_name
    columns = [field.column for field in fields] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    date_field = history._meta.get_field("history_date")
    stamp = [date_field.get_db_prep_save(date, connection), reason, "+", user.pk if user else None]
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + stamp
        for obj in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
