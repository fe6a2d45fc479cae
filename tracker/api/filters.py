"""The API's filters: the timeline's FilterSet for events, small ones for the other lists, and
a strict backend. The timeline page reports a value it does not understand and goes on; the
API answers 400 naming each parameter that is not understood, so that a program never takes a
misspelt filter for "every event"."""

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiFilterExtension
from rest_framework.exceptions import ValidationError

from tracker.filters import (
    MAX_SEARCH_LENGTH,
    ChoicesFilter,
    CountryFilter,
    EventFilterSet,
    country_choices,
)
from tracker.models import EventType, Organization, OrganizationKind, Person, Topic

# Parameters every list takes besides its filters.
LIST_PARAMETERS = ("cursor", "page_size", "format")
# A single record takes none but the format.
RECORD_PARAMETERS = ("format",)


class StrictFilterBackend(DjangoFilterBackend):
    """The view's FilterSet, strictly: any parameter that is not understood (an unknown name,
    a value a filter refuses, a bad page size or cursor) is a 400 naming each of them.

    The FilterSet is kept on the view (``view.filterset``): the event list's order
    (``ordering_mode``) comes from it."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            unknown = {
                name: [f"“{name[:40]}” is not a parameter here; use format."]
                for name in request.query_params
                if name not in RECORD_PARAMETERS
            }
            if unknown:
                raise ValidationError(unknown)
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        errors = filterset.parameter_errors(allowed=LIST_PARAMETERS)
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            for name, messages in paginator.parameter_errors(request).items():
                errors.setdefault(name, messages)
        if errors:
            raise ValidationError(errors)
        view.filterset = filterset
        return filterset.qs


class StrictFilterBackendSchema(OpenApiFilterExtension):
    """The list parameters are documented on each view with ``extend_schema`` (types,
    descriptions), rather than guessed from the filters' methods."""

    target_class = StrictFilterBackend
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        return []


def name_search(queryset, fields, text):
    """Records whose name (or another of ``fields``) contains ``text``, as the HTML lists'
    ``?q=`` does (tracker/views/records.py)."""
    text = text.strip()
    if not text:
        return queryset
    wanted = Q()
    for name in fields:
        wanted |= Q(**{f"{name}__icontains": text})
    return queryset.filter(wanted)


class NameSearchFilterSet(django_filters.FilterSet):
    search_fields = ("name",)

    q = django_filters.CharFilter(
        method="filter_search", label="Search", max_length=MAX_SEARCH_LENGTH
    )

    # The same strictness as the timeline's FilterSet (one function, not a copy).
    parameter_errors = EventFilterSet.parameter_errors

    def filter_search(self, queryset, name, value):
        return name_search(queryset, self.search_fields, value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=value) if value else queryset


class OrganizationFilterSet(NameSearchFilterSet):
    search_fields = ("name", "acronym", "other_names")

    country = CountryFilter(choices=country_choices, method="filter_country", label="Country")
    kind = ChoicesFilter(choices=OrganizationKind.choices, method="filter_kind", label="Kind")

    class Meta:
        model = Organization
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind__in=value) if value else queryset


class PersonFilterSet(NameSearchFilterSet):
    search_fields = ("name", "native_name", "other_names")

    country = CountryFilter(choices=country_choices, method="filter_country", label="Country")

    class Meta:
        model = Person
        fields = []


class TopicFilterSet(NameSearchFilterSet):
    class Meta:
        model = Topic
        fields = []


class EventTypeFilterSet(NameSearchFilterSet):
    class Meta:
        model = EventType
        fields = []
