"""Full-text search over events.

Each event keeps a ``search_document``: its title, summary and description and the names (and
other names) of its participants, organizations, topics and type (see
``tracker.models.events.search_document``). Both databases index it for full-text search, with
English stemming, and both read the same websearch syntax (``"quoted phrase"``, ``-exclude``,
``or``):

- PostgreSQL: a stored ``search_vector`` column (``to_tsvector('english', search_document)``,
  kept by PostgreSQL itself as a generated column) with a GIN index.
- SQLite: an FTS5 table, ``tracker_event_fts``, over the title and the document (Porter
  stemming), kept in step by triggers.

On both, an event whose title holds the search's longest term ranks first (``ranked``). The
timeline answers most searches from its columns' frequent words (tracker/words.py), and asks
the index only for the rest.

Neither column is in the model: ``install_index`` creates them (migration 0006, and again
after every migration in case SQLite rebuilt the table, which drops its triggers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import BooleanField, Case, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL

CONFIG = "english"
# The stored column of install_index (not a field of the model).
VECTOR = RawSQL('"tracker_event"."search_vector"', [], output_field=SearchVectorField())
FTS_TABLE = "tracker_event_fts"
FTS_TOKENIZER = "porter unicode61"

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


_QUOTES = set('"“”„«»')


def quoted(text: str) -> str:
    """The search as the reader typed it, in quotes once: “ai safety”, but "AI Seoul" as
    typed (it holds quotes already) rather than “"AI Seoul"”."""
    return text if _QUOTES & set(text) else f"“{text}”"


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


def has_word(term: str) -> bool:
    """Whether a term has a letter or digit (a term without one matches no token)."""
    return bool(_WORD.search(term))


def longest_term(text: str) -> str:
    """The search's longest term with a word in it ("" if none): the one a title must hold
    for an event to rank first."""
    terms = [term for term in parse(text).terms if has_word(term)]
    return terms[0] if terms else ""


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
    wanted = fts_query(parsed)
    if wanted:
        return queryset.filter(pk__in=RawSQL(FTS_MATCH, [wanted]))
    unwanted = fts_query(ParsedQuery(groups=[[term] for term in parsed.excluded]))
    if not unwanted:
        return queryset.none() if not parsed.excluded else queryset
    return queryset.exclude(pk__in=RawSQL(FTS_MATCH, [unwanted]))


FTS_MATCH = f'SELECT rowid FROM "{FTS_TABLE}" WHERE "{FTS_TABLE}" MATCH %s'


def fts_query(parsed):
    """The FTS5 query for a parsed search: every term a quoted phrase (so no word is read as
    an operator), AND within a group, OR between groups, NOT for each excluded term. Terms
    without a letter or digit are left out: no token could match them. ``""`` when no
    group is left."""

    groups = [[term for term in group if _WORD.search(term)] for group in parsed.groups]
    groups = [" AND ".join(fts_phrase(term) for term in group) for group in groups if group]
    if not groups:
        return ""
    query = "(" + " OR ".join(f"({group})" for group in groups) + ")"
    for term in parsed.excluded:
        if _WORD.search(term):
            query += f" NOT {fts_phrase(term)}"
    return query


def fts_phrase(term):
    """A term as an FTS5 phrase: quoted, so no word of it is read as an operator."""
    return '"' + term.replace('"', '""') + '"'


def ranked(queryset, text):
    """Annotate ``rank``: 1.0 for an event whose title holds the search's longest term, 0.5
    for the others (the same on both databases, and on the timeline's columns: see
    tracker/words.py)."""
    term = longest_term(tidy(text))
    if not term:
        return queryset.annotate(rank=Value(0.5, output_field=FloatField()))
    if is_postgres(queryset):
        in_title = RawSQL(
            f'to_tsvector(\'{CONFIG}\', "tracker_event"."title") '
            f"@@ phraseto_tsquery('{CONFIG}', %s)",
            [term],
            output_field=BooleanField(),
        )
    else:
        in_title = Q(pk__in=RawSQL(FTS_MATCH, ["{title} : " + fts_phrase(term)]))
    return queryset.annotate(
        rank=Case(When(in_title, then=Value(1.0)), default=Value(0.5), output_field=FloatField())
    )


# The indexes ---------------------------------------------------------------------------------

POSTGRES_INDEX = [
    "ALTER TABLE tracker_event ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('{CONFIG}', COALESCE(search_document, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS event_search_vector ON tracker_event USING gin (search_vector)",
    "DROP INDEX IF EXISTS event_search_gin",  # the expression index it replaces
]
SQLITE_TRIGGERS = {
    "tracker_event_fts_insert": f"""AFTER INSERT ON tracker_event BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, search_document)
        VALUES (new.id, new.title, new.search_document);
    END""",
    "tracker_event_fts_delete": f"""AFTER DELETE ON tracker_event BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, search_document)
        VALUES ('delete', old.id, old.title, old.search_document);
    END""",
    "tracker_event_fts_update": f"""AFTER UPDATE OF title, search_document ON tracker_event
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, search_document)
        VALUES ('delete', old.id, old.title, old.search_document);
        INSERT INTO {FTS_TABLE}(rowid, title, search_document)
        VALUES (new.id, new.title, new.search_document);
    END""",
}


def install_index(connection):
    """Create the full-text index of this database if it is missing; returns whether
    anything was created. On SQLite, a missing trigger means the index may have missed
    writes (a migration that rebuilt the table drops its triggers), so it is rebuilt."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = 'tracker_event' AND column_name = 'search_vector'"
            )
            if cursor.fetchone():
                return False
            for statement in POSTGRES_INDEX:
                cursor.execute(statement)
            return True
        if connection.vendor != "sqlite":
            return False
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        missing = set(SQLITE_TRIGGERS) - {row[0] for row in cursor.fetchall()}
        if not missing:
            return False
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, search_document, "
            f"content='tracker_event', content_rowid='id', tokenize='{FTS_TOKENIZER}')"
        )
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        return True


def remove_index(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE tracker_event DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
