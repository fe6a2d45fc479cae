"""The timeline's filters: one FilterSet for the HTML page and, later, the exports and API.

Values of one filter are OR-ed, different filters are AND-ed. Every filter is a plain column
test or an ``IN (subquery)`` on an indexed link table (see EventQuerySet), never a join, so no
query needs DISTINCT. A value that is not
understood becomes a form error on its filter and the other filters still apply (the view is
not strict).
"""

import functools
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from tracker import search
from tracker.forms import PartialDateField
from tracker.models import Event, EventStatus, EventType, Organization, Person, Topic

MAX_VALUES = 20
MAX_SEARCH_LENGTH = 200
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


def without_blanks(value):
    """A form that leaves a field empty sends ``key=``; that means no choice, not a bad one.
    A single value given as a plain string (a dict rather than a QueryDict) is one choice."""
    if isinstance(value, str):
        value = [value]
    return [item for item in (value or []) if item not in ("", None)]


class CappedMultipleChoiceField(forms.MultipleChoiceField):
    def clean(self, value):
        value = without_blanks(value)
        if value and len(value) > MAX_VALUES:
            raise ValidationError(f"Choose at most {MAX_VALUES}.", code="too_many")
        return super().clean(value)


class CountryCodesField(CappedMultipleChoiceField):
    """Country codes: each checked against a set of the codes rather than by walking the
    list of countries (ISO codes do not change while the process runs)."""

    def to_python(self, value):
        # Codes are read in either case: ?country=us is ?country=US.
        return [code.upper() for code in super().to_python(value)]

    def valid_value(self, value):
        return value in country_codes()


@functools.cache
def country_codes():
    return frozenset(code for code, _ in countries)


class SlugChoiceField(forms.ModelMultipleChoiceField):
    """Choose records by slug; an unknown or malformed slug is a form error, not a 500."""

    def __init__(self, *args, noun="record", **kwargs):
        super().__init__(*args, **kwargs)
        self.noun = noun
        self.error_messages["invalid_choice"] = f"No {noun} has the key “%(value)s”."

    def clean(self, value):
        value = without_blanks(value)
        if value and len(value) > MAX_VALUES:
            raise ValidationError(f"Choose at most {MAX_VALUES}.", code="too_many")
        for slug in value or ():
            if not SLUG.match(str(slug)):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(slug)[:60]},
                )
        if not value:
            return []
        # The records, read once: a view asks for a filter's choices several times.
        return list(super().clean(value))


class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Records chosen by slug, the key the timeline's URLs use."""

    field_class = SlugChoiceField

    def __init__(self, *args, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        # Given as a callable: a FilterSet deep-copies its filters for every request, and a
        # queryset deep-copies its whole query, a callable nothing.
        super().__init__(*args, queryset=lambda request: model.objects.all(), **kwargs)


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    field_class = CappedMultipleChoiceField


class CountryFilter(ChoicesFilter):
    field_class = CountryCodesField


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField


def country_choices():
    return list(countries)


class TimelineForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("q") or "").strip()
        if text and not search.has_terms(text):
            self.add_error("q", f"“{text[:40]}” has no word to search for.")
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and last.last < first.first:
            self.add_error("to", f"“To” ({last}) is before “From” ({first}).")
        return cleaned


class EventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        max_length=MAX_SEARCH_LENGTH,
        help_text='Words, "a phrase", -exclude, or',
    )
    # "from" is a Python keyword, so it is declared through the class namespace.
    vars()["from"] = PartialDateFilter(method="filter_from", label="From")
    to = PartialDateFilter(method="filter_to", label="To")
    country = CountryFilter(choices=country_choices, method="filter_country", label="Country")
    type = SlugFilter(model=EventType, method="filter_type", label="Type", noun="event type")
    status = ChoicesFilter(choices=EventStatus.choices, method="filter_status", label="Status")
    organization = SlugFilter(
        model=Organization,
        method="filter_organization",
        label="Organization",
        noun="organization",
    )
    person = SlugFilter(model=Person, method="filter_person", label="Person", noun="person")
    topic = SlugFilter(model=Topic, method="filter_topic", label="Topic", noun="topic")
    order = django_filters.ChoiceFilter(
        choices=[("desc", "Newest first"), ("asc", "Oldest first")],
        method="filter_order",
        label="Order",
        empty_label=None,
    )

    class Meta:
        model = Event
        fields = []
        form = TimelineForm

    FACETS = ("country", "type", "status", "organization", "person", "topic")
    # Country and topic filters test each event (EXISTS) for the page of events, and the
    # whole link table once (IN) when every match is counted: see EventQuerySet._linked.
    # An organization or a person takes part in few events, so those stay IN: walking the
    # chronology index until a page of their events is found would read most of it.
    per_row = True

    # Filters ----------------------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return search.matching(queryset, value) if value.strip() else queryset

    def filter_from(self, queryset, name, value):
        return queryset.overlapping(first=value.first)

    def filter_to(self, queryset, name, value):
        return queryset.overlapping(last=value.last)

    def filter_country(self, queryset, name, value):
        return queryset.involving(value, per_row=self.per_row) if value else queryset

    def filter_type(self, queryset, name, value):
        return queryset.filter(event_type__in=value) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    def filter_organization(self, queryset, name, value):
        return queryset.with_organizations(value) if value else queryset

    def filter_person(self, queryset, name, value):
        return queryset.with_people(value) if value else queryset

    def filter_topic(self, queryset, name, value):
        return queryset.about(value, per_row=self.per_row) if value else queryset

    def filter_order(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    # Whole queries ----------------------------------------------------------------------

    @property
    def search_text(self):
        data = getattr(self.form, "cleaned_data", {})
        return (data.get("q") or "").strip()

    @property
    def ordering_mode(self):
        """``asc``, ``desc`` or ``relevance`` (a search with no order given)."""
        data = getattr(self.form, "cleaned_data", {})
        if data.get("order"):
            return data["order"]
        return "relevance" if self.search_text else "desc"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.ordering_mode == "relevance":
            ranked = search.ranked(queryset, self.search_text)
            return ranked.order_by("-rank", "-start_date", "-last_day", "-pk")
        return queryset.chronological(newest_first=self.ordering_mode == "desc")

    def queryset_without(self, facet):
        """The matching events as if ``facet`` were not filtered on: for its counts."""
        self.errors  # validate first  # noqa: B018
        queryset = self.queryset.all()
        self.per_row = False  # every match is counted
        try:
            for name, value in self.form.cleaned_data.items():
                if name not in {facet, "order"}:
                    queryset = self.filters[name].filter(queryset, value)
        finally:
            self.per_row = True
        return queryset

    def parameter_errors(self, allowed=()):
        """``{parameter: [message, ...]}`` for every parameter that is not understood: a name
        that is neither a filter nor in ``allowed``, or a value the filter refuses.

        The timeline page is forgiving (it reports and goes on); the data formats (the API
        and the exports) are strict and answer 400 with these, so that a program never takes
        a misspelt filter for "every event"."""
        errors = {}
        known = set(self.filters) | set(allowed)
        for name in self.data:
            if name not in known:
                shown = name[:40].replace("\x00", "")
                errors[shown] = [
                    f"“{shown}” is not a parameter here; use {', '.join(sorted(known))}."
                ]
        for name, messages in self.form.errors.items():
            field = name if name in self.filters else "non_field_errors"
            errors.setdefault(field, []).extend(messages)
        return errors

    def is_filtered(self, besides=None):
        """Whether any filter other than ``besides`` (and the order) narrows the events."""
        return any(self.active(name) for name in self.filters if name not in {besides, "order"})

    def active(self, name):
        """The understood values of a filter, as a list (empty when not set)."""
        if name not in getattr(self.form, "cleaned_data", {}):
            return []
        value = self.form.cleaned_data[name]
        if value in (None, ""):
            return []
        if isinstance(value, (list, tuple)):  # several choices (records are read as a list)
            return list(value)
        return [value]
