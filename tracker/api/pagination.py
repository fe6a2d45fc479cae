"""Keyset ("cursor") pagination: stable while the data changes, and as fast on the last page
of a million rows as on the first, because no page is found by counting (no OFFSET, no COUNT).

The list's own order (``queryset.query.order_by``: the timeline FilterSet's for events,
``(name, pk)`` for the other lists) is the key. A cursor is the key of the row a page starts
after (or, going back, before), with the direction, encoded as base64 JSON so that clients
treat it as opaque. It is checked value by value before it reaches the database, so a
malformed or tampered cursor is a 400, never a 500.

A key made only of columns, all in one direction, is compared as a row value,
``("start_date", "last_day", "id") < (%s, %s, %s)``, which SQLite and PostgreSQL answer with
one range scan of the matching index (``event_chronology``); the same test written with OR
cannot use the index. A key that includes an annotation (a search's ``rank``) is compared with
the OR chain instead.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import math
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_CURSOR_LENGTH = 2000
MAX_TEXT_KEY = 1000
BIGINT = 2**63
INTEGER_TYPES = (models.IntegerField, models.AutoField, models.BigAutoField)
TEXT_TYPES = (models.CharField, models.TextField)


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    forward: bool  # True: the rows after ``key``; False: the rows before it
    key: tuple
    ordering: str  # the order the key belongs to
    inclusive: bool = False  # the row at ``key`` itself is included

    def encode(self) -> str:
        payload = {"d": "next" if self.forward else "prev", "k": list(self.key), "o": self.ordering}
        if self.inclusive:
            payload["i"] = 1
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor's parts, checked for shape (their types are checked against the order
        they are used with, in ``KeysetPagination.key_values``)."""
        if not text or len(text) > MAX_CURSOR_LENGTH:
            raise BadCursor("it is empty or too long")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            payload = json.loads(raw.decode(), parse_constant=_refuse_constant)
        except (binascii.Error, UnicodeError, ValueError) as error:
            raise BadCursor("it is not one this API gave out") from error
        if not isinstance(payload, dict) or set(payload) - {"d", "k", "o", "i"}:
            raise BadCursor("it is not one this API gave out")
        direction, key, ordering = payload.get("d"), payload.get("k"), payload.get("o")
        if direction not in ("next", "prev") or not isinstance(ordering, str):
            raise BadCursor("it is not one this API gave out")
        if not isinstance(key, list) or not key:
            raise BadCursor("it is not one this API gave out")
        return cls(
            forward=direction == "next",
            key=tuple(key),
            ordering=ordering,
            inclusive=payload.get("i") == 1,
        )


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number")


@dataclass(frozen=True)
class Ordering:
    """A queryset's order as a key: field names, one direction for all of them."""

    fields: tuple
    descending: bool

    @classmethod
    def of(cls, queryset) -> Ordering:
        order_by = [str(item) for item in queryset.query.order_by]
        if not order_by or any(not isinstance(item, str) for item in queryset.query.order_by):
            raise ValueError("keyset pagination needs an order given by field names")
        descending = {item.startswith("-") for item in order_by}
        if len(descending) != 1:
            raise ValueError("keyset pagination needs every key in one direction")
        fields = tuple(item.lstrip("-") for item in order_by)
        if fields[-1] != "pk":
            raise ValueError("keyset pagination needs a unique last key: pk")
        return cls(fields=fields, descending=descending.pop())

    @property
    def signature(self) -> str:
        sign = "-" if self.descending else ""
        return ",".join(sign + name for name in self.fields)


class KeysetPagination(BasePagination):
    page_size = 50
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    # Parameters -----------------------------------------------------------------------

    def parameter_errors(self, request) -> dict:
        """``{parameter: [message]}`` for a page size or cursor that is not understood."""
        errors = {}
        try:
            self.get_page_size(request)
        except serializers.ValidationError as error:
            errors.update(error.detail)
        text = request.query_params.get(self.cursor_query_param)
        if text is not None:
            try:
                Cursor.decode(text)
            except BadCursor as error:
                errors[self.cursor_query_param] = [f"This cursor is not valid: {error}."]
        return errors

    def get_page_size(self, request) -> int:
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        text = text.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 4):
            raise self.page_size_error()
        size = int(text)
        if not 1 <= size <= self.max_page_size:
            raise self.page_size_error()
        return size

    def page_size_error(self):
        return serializers.ValidationError(
            {
                self.page_size_query_param: [
                    f"Give a whole number from 1 to {self.max_page_size} "
                    f"(the default is {self.page_size})."
                ]
            }
        )

    def cursor_error(self, reason):
        return serializers.ValidationError(
            {self.cursor_query_param: [f"This cursor is not valid: {reason}."]}
        )

    # The page -------------------------------------------------------------------------

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        self.ordering = Ordering.of(queryset)
        text = request.query_params.get(self.cursor_query_param)
        cursor = None
        if text is not None:
            try:
                cursor = Cursor.decode(text)
            except BadCursor as error:
                raise self.cursor_error(error) from error
            if cursor.ordering != self.ordering.signature:
                raise self.cursor_error("it belongs to another order of this list")
            key = self.key_values(queryset, cursor.key)
            queryset = queryset.filter(self.beyond(queryset, key, cursor))

        forward = cursor is None or cursor.forward
        if not forward:
            queryset = queryset.reverse()
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if not forward:
            rows.reverse()

        self.next_cursor = self.previous_cursor = None
        signature = self.ordering.signature
        if rows:
            first, last = self.row_key(rows[0]), self.row_key(rows[-1])
            if more if forward else cursor is not None:
                self.next_cursor = Cursor(True, last, signature)
            if cursor is not None if forward else more:
                self.previous_cursor = Cursor(False, first, signature)
        elif cursor is not None:
            # Nothing beyond the cursor: the way back starts at its own row.
            turned = Cursor(not cursor.forward, cursor.key, signature, inclusive=True)
            if cursor.forward:
                self.previous_cursor = turned
            else:
                self.next_cursor = turned
        return rows

    def beyond(self, queryset, key, cursor):
        """The condition for the rows after (or before) ``key`` in the list's order."""
        after = cursor.forward != self.ordering.descending
        operator = (">" if after else "<") + ("=" if cursor.inclusive else "")
        columns = self.columns(queryset)
        if columns is not None:
            placeholders = ", ".join(["%s"] * len(key))
            return RawSQL(
                f"({', '.join(columns)}) {operator} ({placeholders})",
                key,
                output_field=models.BooleanField(),
            )
        lookup = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}[operator]
        strict = "gt" if after else "lt"
        condition = Q()
        for i, name in enumerate(self.ordering.fields):
            last = i == len(self.ordering.fields) - 1
            equal = {self.ordering.fields[j]: key[j] for j in range(i)}
            condition |= Q(**equal, **{f"{name}__{lookup if last else strict}": key[i]})
        return condition

    def columns(self, queryset):
        """The quoted columns of the key, or None when it is not made of columns only."""
        model = queryset.model
        quote = connections[queryset.db].ops.quote_name
        table = quote(model._meta.db_table)
        columns = []
        for name in self.ordering.fields:
            if name in queryset.query.annotations:
                return None
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            columns.append(f"{table}.{quote(field.column)}")
        return columns

    def row_key(self, row) -> tuple:
        values = []
        for name in self.ordering.fields:
            value = getattr(row, name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            values.append(value)
        return tuple(values)

    def key_values(self, queryset, key) -> list:
        """The cursor's key as values of the key's types; a 400 for anything else."""
        if len(key) != len(self.ordering.fields):
            raise self.cursor_error("it belongs to another order of this list")
        return [
            self.key_value(self.key_field(queryset, name), value)
            for name, value in zip(self.ordering.fields, key, strict=True)
        ]

    @staticmethod
    def key_field(queryset, name):
        if name in queryset.query.annotations:
            return queryset.query.annotations[name].output_field
        if name == "pk":
            return queryset.model._meta.pk
        try:
            return queryset.model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise ValueError(f"{name} is not a field of {queryset.model.__name__}") from error

    def key_value(self, field, value):
        bad = self.cursor_error("it is not one this API gave out")
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            if not isinstance(value, str):
                raise bad
            try:
                return datetime.date.fromisoformat(value)
            except ValueError as error:
                raise bad from error
        if isinstance(field, INTEGER_TYPES):
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad
            if not -BIGINT <= value < BIGINT:
                raise bad
            return value
        if isinstance(field, models.FloatField):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad
            if not math.isfinite(value):
                raise bad
            return float(value)
        if isinstance(field, TEXT_TYPES):
            if not isinstance(value, str) or "\x00" in value or len(value) > MAX_TEXT_KEY:
                raise bad
            return value
        raise bad

    # The response ---------------------------------------------------------------------

    def link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor.encode())

    def get_next_link(self):
        return self.link(self.next_cursor)

    def get_previous_link(self):
        return self.link(self.previous_cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last page."},
                "previous": {
                    **link,
                    "description": "The previous page, or null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Where the page starts: copy it from a response's `next` or `previous` "
                    "link; it is opaque."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
