"""Full-text search over events.

Each event keeps a ``search_document``: its title, summary and description and the names (and
other names) of its participants, organizations, topics and type (see
``tracker.models.events.search_document``). On PostgreSQL that document is searched with full-text
search, websearch syntax (``"quoted phrase"``, ``-exclude``, ``or``), ranking and the GIN index
of migration 0002. SQLite has no such index; there the same syntax is read by ``parse`` below
and matched with case-insensitive substring tests, which finds the same seed events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, FloatField, Q, Value, When

CONFIG = "english"
# Must match the index expression of migrations/0002_search_index.py.
VECTOR = SearchVector("search_document", config=CONFIG)

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class ParsedQuery:
    """A search as websearch syntax reads it: groups joined by OR, each group's terms AND-ed,
    and terms to exclude."""

    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def terms(self):
        """The terms to highlight: every wanted word or phrase, longest first."""
        seen = {term for group in self.groups for term in group}
        return sorted(seen, key=lambda term: (-len(term), term))

    def __bool__(self):
        return any(self.groups)


def parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery(groups=[[]])
    for match in _TOKEN.finditer(text or ""):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            if word.lower() == "or":
                if parsed.groups[-1]:
                    parsed.groups.append([])
                continue
            negated, term = word.startswith("-"), word.lstrip("-")
        else:
            term = " ".join(phrase.split())
        term = term.strip()
        if not term:
            continue
        (parsed.excluded if negated else parsed.groups[-1]).append(term)
    parsed.groups = [group for group in parsed.groups if group]
    return parsed


MAX_TERMS = 32
_DASHES = re.compile(r"-{2,}")


def tidy(text: str) -> str:
    """The search as websearch syntax should read it: runs of hyphens made one, lone
    hyphens dropped, at most MAX_TERMS terms. (PostgreSQL's parser nests a NOT per hyphen
    and fails with "tsquery stack too small" on a few dozen of them.)"""
    tokens = _DASHES.sub("-", text or "").split()
    tokens = [token for token in tokens if token.strip("-")]
    return " ".join(tokens[:MAX_TERMS])


_WORD = re.compile(r"\w")


def has_terms(text: str) -> bool:
    """Whether a search names anything to look for: a word, or a word to leave out. A search
    of only operators or punctuation ("--", "or", '"', "+++") would find nothing and look
    like "no events"; the filter refuses it instead."""
    parsed = parse(tidy(text))
    terms = [term for group in parsed.groups for term in group] + parsed.excluded
    return any(_WORD.search(term) for term in terms)


def is_postgres(queryset):
    return connections[queryset.db].vendor == "postgresql"


def matching(queryset, text):
    """Events whose search document matches ``text``."""
    text = tidy(text)
    if is_postgres(queryset):
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return queryset.alias(search_vector=VECTOR).filter(search_vector=query)
    parsed = parse(text)
    if not parsed:
        return queryset.none() if not parsed.excluded else _exclude(queryset, parsed)
    wanted = Q()
    for group in parsed.groups:
        both = Q()
        for term in group:
            both &= Q(search_document__icontains=term)
        wanted |= both
    return _exclude(queryset.filter(wanted), parsed)


def _exclude(queryset, parsed):
    for term in parsed.excluded:
        queryset = queryset.exclude(search_document__icontains=term)
    return queryset


def ranked(queryset, text):
    """Annotate ``rank``: higher is more relevant."""
    text = tidy(text)
    if is_postgres(queryset):
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return queryset.annotate(rank=SearchRank(VECTOR, query))
    terms = parse(text).terms
    if not terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    # A match in the title counts for more than one elsewhere.
    return queryset.annotate(
        rank=Case(
            When(title__icontains=terms[0], then=Value(1.0)),
            default=Value(0.5),
            output_field=FloatField(),
        )
    )
