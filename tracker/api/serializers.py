"""What the API shows and takes.

A record is shown by one data function (``tracker.interchange.event_data`` for events, and
``organization_data``, ``person_data``, ``topic_data`` and ``event_type_data`` below), the
same shape the exports and the import use. The serializers declare the fields, for the OpenAPI
schema and to document (and, for the records other than events, to validate) what a write
takes; their ``to_representation`` returns the data function's dict, so the shape is written
once. A test validates real responses against the generated schema, so the two cannot drift.

Event writes are validated by the importer (``tracker.importer.write_event``), the rules the
import command and the admin's import page share; the other records by a ``ModelSerializer``
and the model's own ``full_clean()``, as the admin validates them.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from rest_framework import serializers

from tracker.interchange import event_data, iso_datetime
from tracker.models import (
    AttendanceMode,
    EventStatus,
    EventType,
    Organization,
    ParticipationRole,
    Person,
    RelationKind,
    Topic,
)
from tracker.models.fields import wikidata_validator

CHANGE_REASON = "Changed through the API"

partial_date_validator = RegexValidator(
    r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."
)


def base_url(request):
    """``https://tracker.example.org``: what makes a record's ``url`` absolute."""
    return request.build_absolute_uri("/")[:-1] if request is not None else ""


def partial_date(value):
    """A partial date as the API writes it (``2023``, ``2023-12``, ``2023-12-09``), or None."""
    return value.isoformat() if value else None


def partial_date_field(**kwargs):
    kwargs.setdefault("help_text", "YYYY, YYYY-MM or YYYY-MM-DD: only as precise as known.")
    return serializers.CharField(validators=[partial_date_validator], **kwargs)


country_validator = RegexValidator(
    r"^[A-Z]{2}$", "Enter an ISO 3166-1 alpha-2 country code such as KR."
)


def country_field(**kwargs):
    """A country code. (The model's own choices check that it names a country.)"""
    kwargs.setdefault("help_text", "An ISO 3166-1 alpha-2 code such as KR, or null.")
    return serializers.CharField(
        allow_blank=True,
        allow_null=True,
        required=False,
        validators=[country_validator],
        **kwargs,
    )


def wikidata_id_field():
    return serializers.CharField(
        max_length=13,
        allow_blank=True,
        allow_null=True,
        required=False,
        validators=[wikidata_validator],
        help_text="A Wikidata item such as Q22686, or null.",
    )


def read_only_url():
    return serializers.URLField(read_only=True, help_text="The record's page on the site.")


# Events -------------------------------------------------------------------------------


class ParticipantSerializer(serializers.Serializer):
    """Who took part: an organization, a person, or a person on behalf of an organization."""

    organization = serializers.SlugField(allow_null=True, required=False)
    person = serializers.SlugField(allow_null=True, required=False)
    role = serializers.ChoiceField(choices=ParticipationRole.choices, required=False)
    title = serializers.CharField(
        allow_blank=True, required=False, help_text="The post the person held then."
    )
    note = serializers.CharField(allow_blank=True, required=False)


class CitedSourceSerializer(serializers.Serializer):
    """A source the event cites, with the words that support it and any disagreement."""

    url = serializers.URLField(allow_null=True, required=False)
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True, required=False)
    author = serializers.CharField(allow_blank=True, required=False)
    published = partial_date_field(allow_null=True, required=False)
    language = serializers.CharField(allow_blank=True, required=False)
    source_note = serializers.CharField(allow_blank=True, required=False)
    quote = serializers.CharField(allow_blank=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False)


class RelationSerializer(serializers.Serializer):
    """A link to another event, read from this event's side."""

    type = serializers.ChoiceField(choices=RelationKind.choices)
    direction = serializers.ChoiceField(
        choices=[("outgoing", "outgoing"), ("incoming", "incoming")],
        help_text="outgoing: this event <type> the other; incoming: the other <type> this.",
    )
    event = serializers.SlugField(help_text="The other event.")
    label = serializers.CharField(read_only=True, help_text="The link as read from this event.")
    note = serializers.CharField(allow_blank=True, required=False)
    source = serializers.CharField(
        allow_null=True, required=False, help_text="A source's URL, or its title."
    )


class EventSerializer(serializers.Serializer):
    """An event, as ``tracker.interchange.event_data`` gives it (the exports' shape too)."""

    slug = serializers.SlugField(max_length=200, help_text="The URL key.")
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    type = serializers.SlugField(help_text="The event type's slug.")
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False)
    start = partial_date_field()
    end = partial_date_field(
        allow_null=True, required=False, help_text="Null unless it ran over several days."
    )
    date_display = serializers.CharField(read_only=True, help_text="For example December 2023.")
    place = serializers.CharField(read_only=True, help_text="Venue, city and country.")
    venue = serializers.CharField(max_length=200, allow_blank=True, required=False)
    city = serializers.CharField(max_length=100, allow_blank=True, required=False)
    country = country_field()
    attendance = serializers.ChoiceField(choices=AttendanceMode.choices, required=False)
    countries = serializers.ListField(
        child=serializers.CharField(validators=[country_validator]),
        required=False,
        help_text="Every country involved.",
    )
    topics = serializers.ListField(child=serializers.SlugField(), required=False)
    participants = ParticipantSerializer(many=True, required=False)
    sources = CitedSourceSerializer(many=True, required=False)
    relations = RelationSerializer(many=True, required=False)
    parent = serializers.SlugField(
        allow_null=True, required=False, help_text="The larger event this one is part of."
    )
    wikidata_id = wikidata_id_field()
    published = serializers.BooleanField(
        required=False, help_text="Only published events are shown; writes may save drafts."
    )
    url = read_only_url()
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        return event_data(instance, base_url(self.context.get("request")))


# Organizations, people, topics, event types --------------------------------------------


class OtherNamesField(serializers.ListField):
    """A list of names in the API; one name a line in the model (empty ones dropped)."""

    child = serializers.CharField(allow_blank=True)

    def to_internal_value(self, data):
        names = super().to_internal_value(data)
        if any("\n" in name or "\r" in name for name in names):
            raise serializers.ValidationError("Give each name as its own item, on one line.")
        return "\n".join(name.strip() for name in names if name.strip())


class RoleSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    start = serializers.CharField(read_only=True, allow_null=True, help_text="A partial date.")
    end = serializers.CharField(read_only=True, allow_null=True, help_text="A partial date.")
    ended = serializers.BooleanField(read_only=True, help_text="Known to have ended.")
    current = serializers.BooleanField(read_only=True, help_text="Held today, as far as known.")


class OrganizationRoleSerializer(RoleSerializer):
    """A post in this organization, and who held it."""

    person = serializers.SlugField(read_only=True)


class PersonRoleSerializer(RoleSerializer):
    """A post this person held, and in which organization (null when none is recorded)."""

    organization = serializers.SlugField(read_only=True, allow_null=True)


def role_data(role, today, other):
    """One post, as an organization's (``other="person"``) or a person's roles show it."""
    party = getattr(role, other)
    return {
        other: party.slug if party is not None else None,
        "title": role.title,
        "start": partial_date(role.start),
        "end": partial_date(role.end),
        "ended": role.ended,
        "current": role.is_current(today),
    }


def organization_data(organization, base_url=""):
    """An organization, loaded with ``parent`` and its ``role_list`` (see the view)."""
    today = datetime.date.today()
    return {
        "slug": organization.slug,
        "name": organization.name,
        "acronym": organization.acronym,
        "kind": organization.kind,
        "country": organization.country.code or None,
        "parent": organization.parent.slug if organization.parent_id else None,
        "other_names": organization.other_name_list,
        "website": organization.website,
        "description": organization.description,
        "wikidata_id": organization.wikidata_id or None,
        "roles": [role_data(role, today, "person") for role in organization.role_list],
        "url": base_url + organization.get_absolute_url(),
        "updated_at": iso_datetime(organization.updated_at),
    }


def person_data(person, base_url=""):
    """A person, loaded with their ``role_list`` (see the view)."""
    today = datetime.date.today()
    return {
        "slug": person.slug,
        "name": person.name,
        "native_name": person.native_name,
        "other_names": person.other_name_list,
        "country": person.country.code or None,
        "bio": person.bio,
        "wikidata_id": person.wikidata_id or None,
        "roles": [role_data(role, today, "organization") for role in person.role_list],
        "url": base_url + person.get_absolute_url(),
        "updated_at": iso_datetime(person.updated_at),
    }


def topic_data(topic, base_url=""):
    return {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "wikidata_id": topic.wikidata_id or None,
        "url": base_url + topic.get_absolute_url(),
    }


def event_type_data(event_type, base_url=""):
    return {"slug": event_type.slug, "name": event_type.name, "description": event_type.description}


def field_errors(error: DjangoValidationError) -> dict:
    """A model's validation error as the API's 400 body: ``{field: [message, ...]}``."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    return {
        ("non_field_errors" if name == NON_FIELD_ERRORS else name): list(
            DjangoValidationError(messages).messages
        )
        for name, messages in error.error_dict.items()
    }


class RecordSerializer(serializers.ModelSerializer):
    """Validated as the admin validates (the model's ``full_clean()``, so its validators and
    check constraints too), shown by the record's data function."""

    represent = None  # the data function: (record, base_url) -> dict
    # Fields the API shows as null when empty and that take null for empty.
    null_as_blank = ("country", "wikidata_id")

    def to_representation(self, instance):
        return type(self).represent(instance, base_url(self.context.get("request")))

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            data = {**data, "country": data["country"].upper()}  # kr is KR
        return super().to_internal_value(data)

    def validate(self, attrs):
        for name in self.null_as_blank:
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        return attrs

    def create(self, validated_data):
        return self.save_record(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        if not self.partial:
            # A PUT replaces the record: what it leaves out takes its default, as in a POST.
            for field in self._writable_fields:
                if field.source not in validated_data and field.source != "*":
                    model_field = self.Meta.model._meta.get_field(field.source)
                    validated_data[field.source] = model_field.get_default()
        return self.save_record(instance, validated_data)

    def save_record(self, record, validated_data):
        for name, value in validated_data.items():
            setattr(record, name, value)
        try:
            record.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        record.save()
        return record


class OrganizationSerializer(RecordSerializer):
    """An organization: a ministry, office, agency, forum… and the posts held in it."""

    represent = staticmethod(organization_data)

    country = country_field(help_text="Null for international and bilateral bodies.")
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
        help_text="The organization this one sits in, by slug.",
    )
    other_names = OtherNamesField(required=False)
    wikidata_id = wikidata_id_field()
    roles = OrganizationRoleSerializer(many=True, read_only=True)
    url = read_only_url()
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "acronym",
            "kind",
            "country",
            "parent",
            "other_names",
            "website",
            "description",
            "wikidata_id",
            "roles",
            "url",
            "updated_at",
        ]

    def validate_parent(self, parent):
        """Not itself, nor any organization below it (the tree stays a tree)."""
        if parent is None or self.instance is None:
            return parent
        seen, current = set(), parent
        while current is not None and current.pk not in seen:
            if current.pk == self.instance.pk:
                raise serializers.ValidationError(
                    "An organization cannot sit in itself or in one of its own units."
                )
            seen.add(current.pk)
            current = current.parent
        return parent


class PersonSerializer(RecordSerializer):
    """A person and the posts they held."""

    represent = staticmethod(person_data)

    other_names = OtherNamesField(required=False)
    country = country_field()
    wikidata_id = wikidata_id_field()
    roles = PersonRoleSerializer(many=True, read_only=True)
    url = read_only_url()
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "slug",
            "name",
            "native_name",
            "other_names",
            "country",
            "bio",
            "wikidata_id",
            "roles",
            "url",
            "updated_at",
        ]


class TopicSerializer(RecordSerializer):
    """A topic events are tagged with."""

    represent = staticmethod(topic_data)

    wikidata_id = wikidata_id_field()
    url = read_only_url()

    class Meta:
        model = Topic
        fields = ["slug", "name", "description", "wikidata_id", "url"]


class EventTypeSerializer(RecordSerializer):
    """A kind of event: summit, dialogue, state visit…"""

    represent = staticmethod(event_type_data)

    class Meta:
        model = EventType
        fields = ["slug", "name", "description"]
