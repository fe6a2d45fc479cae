"""The event list's filters and search, built to stay quick with thousands of records.

- **Country** lists only the countries events took place in: one ``SELECT DISTINCT``.
- **Organization** and **person** are a text box, not a list of links. A list of every
  organization (or only those with events) grows with the data: thousands of links, read by a
  join over every participation on each page view. A typed name costs no query to show, and
  filtering by it is one subquery in the list's own query (``EventQuerySet.with_organizations``).
- **Search** finds events by their participants (people and organizations, every name they
  go by) through the full-text index the public search reads (``Event.search_document``,
  tracker/search.py), and by the title or publisher of a source they cite.
"""

import itertools

from django.contrib import admin
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal
from django_countries import countries

from tracker import search
from tracker.models import Citation, Event, Organization, Person


class CountryInUseFilter(admin.SimpleListFilter):
    """Where the event took place, offering only the countries some event took place in."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Event.objects.exclude(country="").order_by().values_list("country", flat=True)
        return sorted(
            ((code, countries.name(code)) for code in codes.distinct()), key=lambda c: c[1]
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


class TextInputFilter(admin.ListFilter):
    """A filter the editor types into: a name, an acronym or a slug."""

    parameter_name = None
    placeholder = ""
    template = "admin/tracker/input_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.parameter_name in params:
            value = params.pop(self.parameter_name)
            value = value[-1] if isinstance(value, list) else value
            if value.strip():
                self.used_parameters[self.parameter_name] = value.strip()

    def value(self):
        return self.used_parameters.get(self.parameter_name)

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def choices(self, changelist):
        """One "choice": what the template needs to draw the box and keep the other filters."""
        kept = {
            name: value for name, value in changelist.params.items() if name != self.parameter_name
        }
        yield {
            "value": self.value() or "",
            "kept": sorted(kept.items()),
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        if self.value():
            return self.matching(queryset, self.value())
        return queryset


class OrganizationFilter(TextInputFilter):
    """Events an organization took part in, found by (part of) its name, its acronym or its
    slug."""

    title = "organization"
    parameter_name = "organization"
    placeholder = "Name or acronym"

    def matching(self, queryset, text):
        organizations = Organization.objects.filter(
            Q(name__icontains=text) | Q(acronym__iexact=text) | Q(slug=text)
        )
        return queryset.with_organizations(organizations)


class PersonFilter(TextInputFilter):
    """Events a person took part in, found by (part of) their name, in English or in its
    own script, or their slug."""

    title = "person"
    parameter_name = "person"
    placeholder = "Name"

    def matching(self, queryset, text):
        people = Person.objects.filter(
            Q(name__icontains=text) | Q(native_name__icontains=text) | Q(slug=text)
        )
        return queryset.with_people(people)


MAX_SEARCH_TERMS = search.MAX_TERMS
MAX_TERM_LENGTH = 200
TOO_LONG = (
    f"Only the first {MAX_SEARCH_TERMS} words of the search were looked for, "
    f"each cut to {MAX_TERM_LENGTH} characters."
)


def bounded_search(search_term):
    """``(search, cut)``: the search with at most MAX_SEARCH_TERMS words or "phrases", each
    at most MAX_TERM_LENGTH characters, and whether anything was cut. Each word is a test of
    several columns (and, for events, a full-text subquery): a pasted page of text was
    thousands of them, minutes of work, and on SQLite "Expression tree is too large" or "LIKE
    pattern too complex", a 500."""
    terms = list(itertools.islice(smart_split(search_term), MAX_SEARCH_TERMS + 1))
    cut = len(terms) > MAX_SEARCH_TERMS or any(len(term) > MAX_TERM_LENGTH for term in terms)
    if not cut:
        return search_term, False
    return " ".join(term[:MAX_TERM_LENGTH] for term in terms[:MAX_SEARCH_TERMS]), True


def search_events(queryset, search_term, search_fields):
    """The admin's search, as Django's (every word or "quoted phrase" must match one of
    ``search_fields``), where a word may also match a participant's name (through the
    full-text index) or a cited source's title or publisher."""
    for term in smart_split(search_term):
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            term = unescape_string_literal(term)
        if not term.strip():
            continue
        found = Q.create([(f"{field}__icontains", term) for field in search_fields], connector="OR")
        if search.has_word(term):
            phrase = f'"{term}"' if " " in term.strip() else term
            found |= Q(pk__in=search.matching(Event.objects.all(), phrase).values("pk"))
        found |= Q(
            pk__in=Citation.objects.filter(
                Q(source__title__icontains=term) | Q(source__publisher__icontains=term)
            ).values("event_id")
        )
        queryset = queryset.filter(found)
    return queryset, False
