"""``/events.csv``: the timeline's view as a CSV file, streamed.

The columns and cells are ``tracker.interchange.CSV_COLUMNS`` and ``csv_row``, the shape the
importer reads back. Text cells are neutralised against spreadsheet formula injection
(``neutralise``); the importer undoes that with ``restore``.
"""

import csv

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from tracker.interchange import CSV_COLUMNS, csv_row, events_as_data

# OWASP's list: a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Free text typed by editors or taken from sources. The other columns are slugs, codes,
# ISO dates, our own URLs and date-times, which never start with a trigger that does harm
# and which the importer must read exactly.
TEXT_COLUMNS = frozenset({"title", "place", "venue", "city", "summary", "description", "sources"})
CHUNK_SIZE = 1000  # events read per batch of queries
FLUSH_AT = 64 * 1024  # characters written per chunk of the response


def _needs_quote(value: str) -> bool:
    """Whether ``value``, less any leading quotes, starts with a formula trigger."""
    first = value.lstrip(QUOTE)[:1]
    return first != "" and first in FORMULA_TRIGGERS


def neutralise(value):
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``: a spreadsheet shows the text, runs nothing.

    A value that already starts with quotes before a trigger (``'=x``) gets one more, so
    that ``restore`` gives back exactly what was written, whatever it was."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def restore(value):
    """The inverse of ``neutralise``, for the importer: strips exactly one leading ``'``
    when the quotes it starts with are followed by ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return; any other value comes back unchanged."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value):
        return value[1:]
    return value


def cells(data):
    """An event's row (from its data), in CSV_COLUMNS order, text cells neutralised."""
    row = csv_row(data)
    return [
        neutralise(row[column]) if column in TEXT_COLUMNS else row[column] for column in CSV_COLUMNS
    ]


class Echo:
    """A file-like object whose ``write`` returns what it is given (Django docs'
    "Streaming large CSV files")."""

    def write(self, value):
        return value


def events_data(queryset, base_url):
    """The view's events as data, in its order, a chunk at a time: ids from one streamed
    query, then ``events_as_data`` for each chunk (plain rows, no model instances)."""
    chunk = []
    for pk in queryset.values_list("pk", flat=True).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(pk)
        if len(chunk) == CHUNK_SIZE:
            yield from events_as_data(chunk, base_url)
            chunk = []
    if chunk:
        yield from events_as_data(chunk, base_url)


def lines(events):
    """The file's text, a chunk at a time: the header row, then a row per event's data."""
    writer = csv.writer(Echo())
    buffer = [writer.writerow(CSV_COLUMNS)]
    size = 0
    for data in events:
        line = writer.writerow(cells(data))
        buffer.append(line)
        size += len(line)
        if size >= FLUSH_AT:
            yield "".join(buffer)
            buffer, size = [], 0
    yield "".join(buffer)


def csv_response(query):
    """The streamed file of the view: memory stays flat and the first bytes leave at once."""
    base_url = query.request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        lines(events_data(query.events, base_url)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, query.filename("csv"))
    return response
