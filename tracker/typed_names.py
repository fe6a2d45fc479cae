"""A person or an organization typed by name in the timeline's "Another person" and "Another
organization" fields.

The filters take records by their key (``?person=jake-sullivan``), the address every link and
export uses. A reader types a name: ``?person=Jake Sullivan``. When a value is no record's key,
the timeline page (only the page: the data formats stay strict) looks it up by name:

- its key since a merge, a name, another name (a native name, an acronym) or a part of one
  that matches **one** record selects it: the page redirects to the address with its key;
- **several** matches are listed in the notice, each a link to the view with that one;
- **none**: the notice says no person is named so, and links the list of people.

The lookup runs only when a value is not understood, so a page with known keys costs nothing
more; it is at most three queries, whatever was typed (at most 20 values, each cut to 200
characters, as the filter allows).
"""

import functools
import operator
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from tracker.filters import MAX_VALUES, SLUG, without_blanks
from tracker.models import MergedSlug, Organization, Person
from tracker.querystrings import clean_pairs, clean_url, query_pairs

CANDIDATES = 200  # read at most this many records whose names hold what was typed
SHOWN = 8  # list at most this many in the notice
MIN_PART = 3  # a part of a name shorter than this ("a", "of") finds nothing
WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Kind:
    model: type
    noun: str
    plural: str
    list_url: str
    name_fields: tuple  # searched for the typed text (icontains)


KINDS = {
    "person": Kind(Person, "person", "people", "tracker:people", ("name", "native_name")),
    "organization": Kind(
        Organization, "organization", "organizations", "tracker:organizations", ("name",)
    ),
}


@dataclass
class Choice:
    name: str
    url: str


@dataclass
class NameNotice:
    """What the page says about one typed value that is not a record's key."""

    field: str
    typed: str
    message: str
    choices: list = field(default_factory=list)
    search_url: str = ""  # more matches than listed: the people (organizations) list searched
    list_url: str = ""  # no match: the list of people (organizations)
    plural: str = ""


@dataclass
class Resolution:
    redirect: str = ""  # the address with the keys of the records typed by name
    notices: list = field(default_factory=list)

    @property
    def fields(self):
        return {notice.field for notice in self.notices}


def normal(text):
    return " ".join(str(text).casefold().split())


def names_of(record):
    names = [record.name, *record.other_name_list]
    names.append(getattr(record, "native_name", "") or "")
    names.append(getattr(record, "acronym", "") or "")
    return [normal(name) for name in names if name]


def matches(records, typed):
    """``(exact, partial)``: the records with ``typed`` as one of their names, and those with
    it inside one (only for a part of MIN_PART characters or more), each in name order."""
    wanted = normal(typed)
    exact = [record for record in records if wanted in names_of(record)]
    if len(wanted) < MIN_PART:
        return exact, []
    partial = [
        record
        for record in records
        if record not in exact and any(wanted in name for name in names_of(record))
    ]
    return exact, partial


def unresolved(filterset, name):
    """Whether ``name``'s only problem is a value that is no record's key."""
    errors = filterset.form.errors.as_data().get(name, [])
    return bool(errors) and all(error.code == "invalid_choice" for error in errors)


def resolve(request, filterset):
    """The redirect or the notices for the values typed in the person and organization
    fields that are not keys; an empty :class:`Resolution` when there are none."""
    resolution = Resolution()
    if not filterset.is_bound or filterset.form.is_valid():
        return resolution
    pairs = query_pairs(request)
    replaced = {}
    for name, kind in KINDS.items():
        if not unresolved(filterset, name):
            continue
        values = without_blanks(request.GET.getlist(name))
        if len(values) > MAX_VALUES:
            continue
        known = set(
            kind.model.objects.filter(slug__in=[v for v in values if SLUG.match(v)]).values_list(
                "slug", flat=True
            )
        )
        unknown = list(dict.fromkeys(v for v in values if v not in known))
        found = lookup(kind, name, unknown)
        for typed in unknown:
            records = found.get(typed, ([], []))
            exact, partial = records
            if len(exact) == 1 or (not exact and len(partial) == 1):
                replaced[(name, typed)] = (exact or partial)[0].slug
            else:
                resolution.notices.append(notice(request, pairs, kind, name, typed, records))
    if replaced:
        new_pairs = []
        for key, value in pairs:
            pair = (key, replaced.get((key, value), value))
            if pair not in new_pairs or key not in KINDS:
                new_pairs.append(pair)
        resolution.redirect = clean_url(request.path, clean_pairs(new_pairs))
    return resolution


def lookup(kind, name, unknown):
    """``{typed: (exact, partial)}`` for the unknown values, in at most two queries."""
    typed = [" ".join(value[:200].replace("\x00", "").split()) for value in unknown]
    # Only text with a letter or a digit is a name ("-" or "%%" is not).
    typed = [value for value in typed if WORD.search(value)]
    if not typed:
        return {}
    merged = dict(
        MergedSlug.objects.filter(
            kind=name, slug__in=[v for v in typed if SLUG.match(v)]
        ).values_list("slug", name)
    )
    if merged:
        kept = kind.model.objects.in_bulk(set(merged.values()))
        merged = {slug: kept[pk] for slug, pk in merged.items() if pk in kept}
    wanted = functools.reduce(
        operator.or_,
        (
            Q(**{f"{field}__icontains": text})
            for text in typed
            for field in (*kind.name_fields, "other_names")
        ),
    )
    if kind.model is Organization:
        wanted |= Q(acronym__in=[text.strip().upper() for text in typed])
    records = list(kind.model.objects.filter(wanted).order_by("name", "pk")[:CANDIDATES])
    found = {}
    for original, text in zip(unknown, typed, strict=False):
        if text in merged:
            found[original] = ([merged[text]], [])
        else:
            found[original] = matches(records, text)
    return found


def notice(request, pairs, kind, name, typed, records):
    exact, partial = records
    shown = typed[:60]
    candidates = exact or partial
    if not candidates:
        message = f"No {kind.noun} is named “{shown}” or has that key."
        return NameNotice(
            name, shown, message, list_url=reverse(kind.list_url), plural=kind.plural
        )
    if exact:
        message = f"{len(exact)} {kind.plural} are named “{shown}”; choose one:"
    else:
        message = f"No {kind.noun} is named “{shown}”; these have it in their names:"
    choices = [
        Choice(str(record), choice_url(request, pairs, name, typed, record.slug))
        for record in candidates[:SHOWN]
    ]
    more = len(candidates) > SHOWN
    search_url = f"{reverse(kind.list_url)}?{urlencode({'q': typed[:200]})}" if more else ""
    return NameNotice(name, shown, message, choices, search_url=search_url, plural=kind.plural)


def choice_url(request, pairs, name, typed, slug):
    chosen = [(key, slug if (key, value) == (name, typed) else value) for key, value in pairs]
    return clean_url(request.path, clean_pairs(chosen))

