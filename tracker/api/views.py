"""``/api/v1/``: events, organizations, people, topics and event types.

Reads are public and the same for everyone (published events only, never a draft), cursor
paginated, cacheable (``ETag`` from the data version, ``Cache-Control: public``) and strict
about their parameters (a 400 names each one not understood). Writes need a staff user with
the model's permission (tracker/api/permissions.py); they are validated as the admin validates
(events by the importer's rules) and come back as 400 naming the field, never a 500.
"""

import hashlib

import reversion
from django.db import IntegrityError, transaction
from django.db.models import F, FloatField, Prefetch, ProtectedError, RestrictedError
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.reverse import reverse

from tracker.api import filters, schema
from tracker.api.pagination import KeysetPagination
from tracker.api.serializers import (
    CHANGE_REASON,
    EventSerializer,
    EventTypeSerializer,
    OrganizationSerializer,
    PersonSerializer,
    TopicSerializer,
)
from tracker.filters import EventFilterSet
from tracker.history import record_deletion
from tracker.importer import Invalid, write_event
from tracker.models import DataVersion, Event, EventType, Organization, Person, Role, Topic

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
MAX_AGE = 60


class ConditionalReadMixin:
    """Reads carry an ETag made of the data version (bumped by every save or delete), the
    address with its query string and the Accept header; ``If-None-Match`` with it is a 304.
    Reads are the same for every reader, so shared caches may keep them for a minute."""

    etag = None

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as error:  # ?format=xml
            raise ValidationError(
                {"format": ["The API answers in JSON only: format=json."]}
            ) from error

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        if request.method in ("GET", "HEAD"):
            text = "\n".join(
                [
                    str(DataVersion.current()),
                    request.get_full_path(),
                    request.META.get("HTTP_ACCEPT", ""),
                ]
            )
            digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:40]
            self.etag = f'"{digest}"'

    def not_modified(self, request):
        """A 304 when the client already holds this version, else None."""
        wanted = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
        wanted = {tag.removeprefix("W/") for tag in wanted}
        if self.etag and (self.etag in wanted or "*" in wanted):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        return None

    def list(self, request, *args, **kwargs):
        return self.not_modified(request) or super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.not_modified(request) or super().retrieve(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.etag and response.status_code in (200, 304):
            response["ETag"] = self.etag
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            patch_vary_headers(response, ["Accept"])
        return response


class RecordViewSet(ConditionalReadMixin, viewsets.ModelViewSet):
    """What every list of the API shares: lookup by slug, keyset pages, strict filters,
    writes that answer 400 (never 500) for what the database would refuse."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    pagination_class = KeysetPagination
    filter_backends = [filters.StrictFilterBackend]
    ordering = ("name", "pk")

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.base_queryset().order_by(*self.ordering)

    # Writes ------------------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.written(self.save(serializer), created=True)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self.written(self.save(serializer))

    def save(self, serializer):
        """Save as one revision of the record, with the user and "Changed through the API"."""
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(self.request.user)
                reversion.set_comment(CHANGE_REASON)
                return serializer.save()
        except IntegrityError as error:
            raise refused(error) from error

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        try:
            with transaction.atomic():
                record_deletion([record], user=request.user, comment="Deleted through the API")
                record.delete()
        except (ProtectedError, RestrictedError) as error:
            raise ValidationError({"non_field_errors": [blocked(record, error)]}) from error
        except IntegrityError as error:
            raise refused(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    def written(self, record, created=False):
        """The record as a read shows it (the list's joins), with its address when new."""
        record = self.get_queryset().get(pk=record.pk)
        data = self.get_serializer(record).data
        if not created:
            return Response(data)
        location = reverse(
            f"{self.basename}-detail", kwargs={"slug": record.slug}, request=self.request
        )
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


def refused(error):
    return ValidationError(
        {"non_field_errors": [f"The database refused the change: {str(error)[:200]}"]}
    )


def blocked(record, error):
    """What stops a delete, by kind, with a few examples: "… 2 participations (in event
    state-visit-2023, …)"."""
    found = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    kinds = {}
    for obj in found:
        kinds.setdefault(obj._meta, []).append(obj)
    parts = []
    for meta, objects in sorted(kinds.items(), key=lambda item: str(item[0].verbose_name)):
        noun = meta.verbose_name if len(objects) == 1 else meta.verbose_name_plural
        examples = [example(obj) for obj in sorted(objects, key=lambda obj: obj.pk)[:3]]
        more = ", …" if len(objects) > 3 else ""
        parts.append(f"{len(objects)} {noun} ({', '.join(examples)}{more})")
    return f"“{record}” cannot be deleted while these refer to it: {'; '.join(parts)}."


def example(obj):
    if getattr(obj, "event_id", None):
        return f"in event {obj.event.slug}"
    return getattr(obj, "slug", None) or str(obj)


# Events -------------------------------------------------------------------------------


@schema.event_views
class EventViewSet(RecordViewSet):
    """Published events, with the timeline's filters and order; writes by the importer's rules."""

    serializer_class = EventSerializer
    filterset_class = EventFilterSet

    def get_queryset(self):
        events = Event.objects.for_interchange()
        if self.request is None or self.request.method in SAFE_METHODS:
            events = events.published()
        # Writes reach drafts too: an editor publishes a draft by changing it.
        return events.chronological(newest_first=True)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.ordering_mode == "relevance":
            # The page key compares the rank exactly: as a double, which it reads back as.
            queryset = queryset.annotate(rank_key=Cast("rank", FloatField())).order_by(
                "-rank_key", "-start_date", "-last_day", "-pk"
            )
        return queryset

    def create(self, request, *args, **kwargs):
        return self.written(self.write(request, None, partial=False), created=True)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        return self.written(self.write(request, self.get_object(), partial=partial))

    def write(self, request, instance, partial):
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ["Send the event as a JSON object."]})
        try:
            with transaction.atomic():
                return write_event(
                    dict(data),
                    user=request.user,
                    instance=instance,
                    partial=partial,
                    reason=CHANGE_REASON,
                )
        except Invalid as error:
            raise ValidationError(error.errors) from error
        except IntegrityError as error:
            raise refused(error) from error


# Organizations, people, topics, event types --------------------------------------------


@schema.record_views("organization")
class OrganizationViewSet(RecordViewSet):
    """Organizations by name, each with the posts held in it over time."""

    serializer_class = OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet

    def base_queryset(self):
        roles = Role.objects.select_related("person").order_by(
            F("start_date").desc(nulls_last=True), "pk"
        )
        return Organization.objects.select_related("parent").prefetch_related(
            Prefetch("roles", queryset=roles, to_attr="role_list")
        )


@schema.record_views("person")
class PersonViewSet(RecordViewSet):
    """People by name, each with the posts they held."""

    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilterSet

    def base_queryset(self):
        roles = Role.objects.select_related("organization").order_by(
            F("start_date").desc(nulls_last=True), "pk"
        )
        return Person.objects.prefetch_related(
            Prefetch("roles", queryset=roles, to_attr="role_list")
        )


@schema.record_views("topic")
class TopicViewSet(RecordViewSet):
    """Topics by name."""

    serializer_class = TopicSerializer
    filterset_class = filters.TopicFilterSet

    def base_queryset(self):
        return Topic.objects.all()


@schema.record_views("event type")
class EventTypeViewSet(RecordViewSet):
    """Event types by name."""

    serializer_class = EventTypeSerializer
    filterset_class = filters.EventTypeFilterSet

    def base_queryset(self):
        return EventType.objects.all()
