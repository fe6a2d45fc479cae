"""The OpenAPI documentation of the views: the list parameters, with their types and what
they mean, and the 400 body. (drf-spectacular works out the rest from the serializers.)"""

from django.db.models import TextChoices
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from tracker.api.serializers import (
    EventSerializer,
    EventTypeSerializer,
    OrganizationSerializer,
    PersonSerializer,
    TopicSerializer,
)
from tracker.filters import MAX_SEARCH_LENGTH, MAX_VALUES
from tracker.models import EventStatus, OrganizationKind

PARTIAL_DATE = {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
SLUG = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$"}
REPEAT = f"Repeat it (up to {MAX_VALUES} times) for any of several."


class Errors(serializers.Serializer):
    """What was not understood: ``{parameter or field: [message, ...]}``;
    ``non_field_errors`` for the whole request or record."""


class ErrorsSchema(OpenApiSerializerExtension):
    target_class = Errors

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": Errors.__doc__.replace("``", "`"),
            "additionalProperties": {
                "anyOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "description": "Errors of a list's items, by position."},
                ]
            },
        }


def query(name, schema, description, *, many=False):
    """A query parameter; ``many``: it may repeat (``?country=KR&country=US``)."""
    if many:
        schema = {"type": "array", "items": schema, "maxItems": MAX_VALUES}
        return OpenApiParameter(
            name, type=schema, style="form", explode=True, description=description
        )
    return OpenApiParameter(name, type=schema, description=description)


def choices(values: type[TextChoices]):
    return {"type": "string", "enum": list(values.values)}


def search(what):
    return query(
        "q",
        {"type": "string", "maxLength": MAX_SEARCH_LENGTH},
        f"Search: {what} containing the text.",
    )


EVENT_PARAMETERS = [
    query(
        "q",
        {"type": "string", "maxLength": MAX_SEARCH_LENGTH},
        'Search: words, "a phrase", -exclude, or. Without `order`, the best matches come first.',
    ),
    query(
        "from",
        PARTIAL_DATE,
        "Events any part of which falls on or after this date: YYYY, YYYY-MM or YYYY-MM-DD.",
    ),
    query(
        "to",
        PARTIAL_DATE,
        "Events any part of which falls on or before this date: YYYY, YYYY-MM or YYYY-MM-DD.",
    ),
    query(
        "country",
        COUNTRY,
        "Events that involve a country (ISO 3166-1 alpha-2, such as KR): where they took "
        f"place or whose people or bodies took part. {REPEAT}",
        many=True,
    ),
    query("type", SLUG, f"Events of a type, by its slug. {REPEAT}", many=True),
    query("status", choices(EventStatus), f"Events of a status. {REPEAT}", many=True),
    query(
        "organization",
        SLUG,
        f"Events in which an organization took part, by slug. {REPEAT}",
        many=True,
    ),
    query("person", SLUG, f"Events in which a person took part, by slug. {REPEAT}", many=True),
    query("topic", SLUG, f"Events about a topic, by slug. {REPEAT}", many=True),
    query(
        "order",
        {"type": "string", "enum": ["desc", "asc"]},
        "`desc` (newest first, the default) or `asc`. A search without it is ordered by relevance.",
    ),
]

RECORD_PARAMETERS = {
    "organization": [
        search("organizations whose name, acronym or other names are"),
        query("country", COUNTRY, f"Organizations of a country. {REPEAT}", many=True),
        query("kind", choices(OrganizationKind), f"Organizations of a kind. {REPEAT}", many=True),
    ],
    "person": [
        search("people whose name, native name or other names are"),
        query("country", COUNTRY, f"People of a country. {REPEAT}", many=True),
    ],
    "topic": [search("topics whose name is")],
    "event type": [search("event types whose name is")],
}

SERIALIZERS = {
    "event": EventSerializer,
    "organization": OrganizationSerializer,
    "person": PersonSerializer,
    "topic": TopicSerializer,
    "event type": EventTypeSerializer,
}


def views(noun, parameters):
    serializer = SERIALIZERS[noun]
    plural = "people" if noun == "person" else f"{noun}s"
    write = {200: serializer, 400: Errors}

    def operation(summary, **kwargs):
        return extend_schema(summary=summary, tags=[plural], **kwargs)

    return extend_schema_view(
        list=operation(
            f"List {plural}",
            parameters=parameters,
            responses={200: serializer(many=True), 400: Errors},
        ),
        retrieve=operation(f"One {noun}, by slug", responses={200: serializer}),
        create=operation(f"Create {noun}", responses={201: serializer, 400: Errors}),
        update=operation(f"Replace {noun}", responses=write),
        partial_update=operation(f"Change {noun}", responses=write),
        destroy=operation(f"Delete {noun}", responses={204: None, 400: Errors}),
    )


event_views = views("event", EVENT_PARAMETERS)


def record_views(noun):
    return views(noun, RECORD_PARAMETERS[noun])


BLANK = {"type": "string", "maxLength": 0}


def blank_as_any_of(result, generator, request, public):
    """A postprocessing hook (SPECTACULAR_SETTINGS). drf-spectacular offers an empty string as
    the other branch of a ``oneOf`` for a blank-able string with a format (a website); but a
    format only annotates in JSON Schema, so ``""`` matches both branches and ``oneOf`` fails
    it. ``anyOf`` says what is meant."""

    def walk(node):
        if isinstance(node, dict):
            if BLANK in node.get("oneOf", ()):
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
