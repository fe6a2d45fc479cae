"""Files to records: a CSV in the export's columns, or JSON in the API's event shape.

Each record is ``(where, data)``: ``where`` says where it came from ("line 14", "item 3") and
``data`` is a dict in the API's shape holding only the keys the file gives, so that a file
with a few columns changes only those fields of the events it names.
"""

from __future__ import annotations

import csv
import io
import json

from tracker.exports.csv import restore
from tracker.importer.report import Problem
from tracker.interchange import CSV_COLUMNS, LIST_SEPARATOR, READ_ONLY_COLUMNS, split_list

MAX_FILE_BYTES = 200 * 1024 * 1024
csv.field_size_limit(10 * 1024 * 1024)


class Unreadable(ValueError):
    """The file as a whole cannot be read; the message says why."""


def read_file(name: str, content: bytes):
    """``(records, problems)`` from a file's name and bytes: CSV unless it is JSON."""
    if len(content) > MAX_FILE_BYTES:
        raise Unreadable(f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"The file is not UTF-8 text (byte {error.start}): save it as UTF-8 and try again."
        ) from error
    if "\x00" in text:
        raise Unreadable("The file holds a NUL character: it is not a text file.")
    looks_like_json = name.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{")
    if looks_like_json:
        return read_json(text)
    return read_csv(text)


def read_json(text: str):
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise Unreadable("The JSON is nested too deeply to be a list of events.") from error
    except json.JSONDecodeError as error:
        raise Unreadable(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]  # a page of the API
    if not isinstance(data, list):
        raise Unreadable("The JSON must be a list of events (or an API page with results).")
    records, problems = [], []
    for index, item in enumerate(data):
        where = f"item {index}"
        if isinstance(item, dict):
            records.append((where, item))
        else:
            problems.append(Problem(where, "event", str(item)[:60], "is not an event object."))
    return records, problems


def read_csv(text: str):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    header = [name.strip() for name in header]
    reader.fieldnames = header
    problems = []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    for name in unknown:
        problems.append(
            Problem(
                "line 1",
                name or "(empty)",
                "",
                f"is not a column of the export; use {', '.join(CSV_COLUMNS)}.",
            )
        )
    if "slug" not in header:
        problems.append(Problem("line 1", "slug", "", "is missing: every row needs its slug."))
    if problems:
        return [], problems
    records = []
    line = reader.line_num + 1
    for row in reader:
        where = f"line {line}"
        line = reader.line_num + 1
        if None in row:  # more cells than the header has columns
            problems.append(
                Problem(where, "row", "", f"has more cells than the header's {len(header)}.")
            )
            continue
        if not any((value or "").strip() for value in row.values()):
            continue  # a blank line
        records.append((where, csv_to_data(row)))
    return records, problems


def csv_to_data(row: dict) -> dict:
    """A CSV row as the API's event shape, holding only the row's columns."""
    data = {}
    for column, value in row.items():
        if column in READ_ONLY_COLUMNS or value is None:
            continue
        value = restore(value.strip())
        if column in {"countries", "topics"}:
            data[column] = split_list(value)
        elif column == "organizations":
            data["_organizations"] = split_list(value)
        elif column == "people":
            data["_people"] = split_list(value)
        elif column == "sources":
            # A URL may hold ";" but never a space: sources are split on "; " alone.
            data["_source_refs"] = [
                item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()
            ]
        elif column in {"end", "country", "parent", "wikidata_id", "updated_at"}:
            data[column] = value or None
        else:
            data[column] = value
    return data
