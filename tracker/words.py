"""Searches answered on the timeline's columns, from the events' frequent words.

Why. A broad search ("quantum governance" matches four events in ten of the benchmark's) costs
the database a visit to every matching row: at a million events, over a second. Yet such a
search is made of words that many events hold, and there are few of those. So each worker's
columns (tracker/timeline_index.py) hold, for the words found in at least one published event
in a hundred (at most ``LEXICON_SIZE`` of them, the most frequent first), two bits per event:
whether its search document holds the word, and whether its title does. A search of such
words is a few boolean operations over those bits.

The database still reads the search. PostgreSQL turns it into a ``tsquery`` (one small query:
``websearch_to_tsquery``, which stems and drops stop words), and its tree is evaluated here; on
SQLite the search is read as ``search.fts_query`` reads it, each word stemmed as the FTS5 index
stems it (the spellings of the frequent words are learnt from FTS5's own tokenizer when the
columns are built). Whatever is not a frequent word (a rare word, a phrase, a spelling not seen)
is asked of the full-text index in one query, for just those parts: they are rare, or they
narrow the search, so the database returns few rows. The answer is the same as the database's
(``search.matching``); tests compare the two over many searches on both databases.

Relevance, on both databases (and in ``search.ranked``): the events whose title holds the
search's longest term come first; each part newest first, as the timeline orders by date.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from tracker import search

LEXICON_SIZE = 126  # two 63-bit integers per event (sums in SQL stay below 2**63)
BITS = 63
FREQUENT = 100  # a word held by at least one published event in FREQUENT is held here
SAMPLE = 5000  # SQLite: documents read for the spellings of the frequent words

_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
FTS_ROWS = "tracker_fts_rows"  # fts5vocab tables (SQLite): terms by document count,
FTS_INSTANCES = "tracker_fts_instances"  # and each term's places
TOKENS = "tracker_tokens"  # a scratch FTS5 table: text tokenized as the index does it
TOKEN_INSTANCES = "tracker_token_instances"


@dataclass(frozen=True)
class Lexicon:
    """The frequent words, as the full-text index writes them (stemmed), and (SQLite) the
    spellings of them seen in the events, lower-cased."""

    lexemes: tuple = ()
    spellings: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "index", {word: i for i, word in enumerate(self.lexemes)})

    @property
    def chunks(self):
        return -(-len(self.lexemes) // BITS)

    def bit(self, word):
        """``(chunk, mask)`` of a held word, or None."""
        i = self.index.get(word)
        return None if i is None else (i // BITS, np.int64(1 << (i % BITS)))


EMPTY = Lexicon()


def read_lexicon(published):
    """The frequent words of the published events (``published`` of them)."""
    at_least = max(1, published // FREQUENT)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT word FROM ts_stat('SELECT search_vector FROM tracker_event "
                "WHERE published') WHERE ndoc >= %s ORDER BY ndoc DESC, word LIMIT %s",
                [at_least, LEXICON_SIZE],
            )
            return Lexicon(tuple(row[0] for row in cursor.fetchall()))
        if connection.vendor != "sqlite":
            return EMPTY
        _sqlite_tables(cursor)
        cursor.execute(  # drafts count here too: the words chosen only need to be frequent
            f"SELECT term FROM temp.{FTS_ROWS} WHERE doc >= %s ORDER BY doc DESC, term LIMIT %s",
            [at_least, LEXICON_SIZE],
        )
        lexicon = Lexicon(tuple(row[0] for row in cursor.fetchall()))
        cursor.execute(
            "SELECT title, search_document FROM tracker_event WHERE published "
            "ORDER BY id DESC LIMIT %s",
            [SAMPLE],
        )
        spelled = set()
        for title, document in cursor.fetchall():
            spelled.update(word.lower() for word in _ASCII_WORD.findall(f"{title} {document}"))
        spelled = sorted(spelled)
        stems = _tokenize(cursor, [(i, word, "") for i, word in enumerate(spelled)])
        spellings = {}
        for i, term, _ in stems:
            if term in lexicon.index:
                spellings[spelled[i]] = term
        return Lexicon(lexicon.lexemes, spellings)


def read_bits(lexicon, pks=None):
    """``(event ids, words, title words)``: for the published events (all, or those of
    ``pks``), the bits of the lexicon's words their search document holds, and their title
    holds, as int64 arrays of ``lexicon.chunks`` columns."""
    chunks = lexicon.chunks
    if not chunks:  # no word is frequent (no events): nothing to read
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros((0, 0), dtype=np.int64), np.zeros((0, 0), dtype=np.int64)
    if connection.vendor == "postgresql":
        return _postgres_bits(lexicon, pks)
    with connection.cursor() as cursor:
        sql = "SELECT id FROM tracker_event WHERE published"
        params = []
        if pks is not None:
            sql += f" AND id IN ({', '.join(['%s'] * len(pks))})"
            params = list(pks)
        cursor.execute(sql, params)
        ids = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
        if not len(ids):
            empty = np.zeros((0, chunks), dtype=np.int64)
            return ids, empty, empty.copy()
        row_of = np.full(int(ids.max()) + 1, -1, dtype=np.int64)
        row_of[ids] = np.arange(len(ids))
        words = np.zeros((len(ids), chunks), dtype=np.int64)
        titles = np.zeros((len(ids), chunks), dtype=np.int64)
        if pks is None:  # every event: each word's documents, from the index itself
            _sqlite_tables(cursor)
            for word in lexicon.lexemes:
                cursor.execute(
                    f"SELECT doc, MAX(col = 'title') FROM temp.{FTS_INSTANCES} "
                    "WHERE term = %s GROUP BY doc",
                    [word],
                )
                found = cursor.fetchall()
                docs = np.fromiter((row[0] for row in found), dtype=np.int64, count=len(found))
                in_title = np.fromiter((row[1] for row in found), dtype=bool, count=len(found))
                _set(lexicon, word, row_of, docs, in_title, words, titles)
        else:  # a few events: their text tokenized again, as the index did
            cursor.execute(
                "SELECT id, title, search_document FROM tracker_event WHERE published "
                f"AND id IN ({', '.join(['%s'] * len(pks))})",
                list(pks),
            )
            found = [
                (pk, term, column == "title")
                for pk, term, column in _tokenize(cursor, cursor.fetchall())
                if term in lexicon.index
            ]
            found.sort(key=lambda token: token[1])
            for word, group in itertools.groupby(found, key=lambda token: token[1]):
                group = list(group)
                docs = np.asarray([pk for pk, _, _ in group], dtype=np.int64)
                in_title = np.asarray([title for _, _, title in group], dtype=bool)
                _set(lexicon, word, row_of, docs, in_title, words, titles)
        return ids, words, titles


def _set(lexicon, word, row_of, docs, in_title, words, titles):
    chunk, mask = lexicon.bit(word)
    known = docs < len(row_of)
    rows = row_of[docs[known]]
    inside = rows >= 0  # drafts are in the index, not on the timeline
    words[rows[inside], chunk] |= mask
    titled = rows[inside & in_title[known]]
    titles[titled, chunk] |= mask


def _postgres_bits(lexicon, pks):
    params = []

    def sums(vector):
        parts = []
        for chunk in range(lexicon.chunks):
            words = lexicon.lexemes[chunk * BITS : (chunk + 1) * BITS]
            terms = []
            for i, word in enumerate(words):
                terms.append(f"(CASE WHEN {vector} @@ %s::tsquery THEN {1 << i} ELSE 0 END)")
                params.append(tsquery_word(word))
            parts.append("CAST(" + " + ".join(terms) + " AS bigint)")
        return parts

    columns = ["e.id", *sums("e.search_vector"), *sums("t.vector")]
    sql = (
        f"SELECT {', '.join(columns)} FROM tracker_event e CROSS JOIN LATERAL "
        f"(SELECT to_tsvector('{search.CONFIG}', e.title) AS vector OFFSET 0) t "
        "WHERE e.published{pks}"
    )
    from tracker.timeline_index import _read

    read = _read(sql, len(columns), pks, params)
    chunks = lexicon.chunks
    ids = read[0]
    words = np.ascontiguousarray(read[1 : 1 + chunks].T)
    titles = np.ascontiguousarray(read[1 + chunks :].T)
    return ids, words, titles


def tsquery_word(word):
    """A lexeme as ``tsquery`` text: quoted, so no stemming or parsing applies to it."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _sqlite_tables(cursor):
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{FTS_ROWS} "
        f"USING fts5vocab(main, {search.FTS_TABLE}, row)"
    )
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{FTS_INSTANCES} "
        f"USING fts5vocab(main, {search.FTS_TABLE}, instance)"
    )


def _tokenize(cursor, rows):
    """``(id, term, column)`` of each token of ``(id, title, search_document)`` rows, as the
    FTS5 index tokenizes them (a scratch table with the same tokenizer; left empty)."""
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TOKENS} USING fts5(title, search_document, "
        f"tokenize='{search.FTS_TOKENIZER}')"
    )
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TOKEN_INSTANCES} "
        f"USING fts5vocab(temp, {TOKENS}, instance)"
    )
    cursor.execute(f"DELETE FROM temp.{TOKENS}")
    cursor.executemany(
        f"INSERT INTO temp.{TOKENS}(rowid, title, search_document) VALUES (%s, %s, %s)",
        [(pk, title or "", document or "") for pk, title, document in rows],
    )
    cursor.execute(f"SELECT doc, term, col FROM temp.{TOKEN_INSTANCES}")
    tokens = cursor.fetchall()
    cursor.execute(f"DELETE FROM temp.{TOKENS}")
    return tokens


# Searching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A frequent word: answered from the bits."""

    word: str


@dataclass(frozen=True)
class Asked:
    """A part of the search the full-text index answers (its query text)."""

    query: str


@dataclass(frozen=True)
class Not:
    part: object


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Any:
    parts: tuple


NOTHING = Any(())


def search_masks(columns, text, ranked):
    """``(mask, first)``: the live slots of ``columns`` whose events match ``text``, and (if
    ``ranked``) those of them that rank first (their title holds the longest term), or
    None."""
    lexicon = columns.lexicon
    text = search.tidy(text)
    if connection.vendor == "postgresql":
        tree, in_title = _postgres_plan(lexicon, text, ranked)
    else:
        tree, in_title = _sqlite_plan(lexicon, text, ranked)
    asked = sorted({part.query for part in _asked(tree)})
    title_asked = isinstance(in_title, Asked)
    found = _ask(asked, in_title.query if title_asked else None)
    masks = {}
    for i, query in enumerate(asked):
        masks[query] = columns.mask_of(found.get(i, ()))
    mask = _evaluate(tree, columns, masks) & columns.alive
    if not ranked:
        return mask, None
    if title_asked:
        titled = columns.mask_of(found.get(len(asked), ()))
    elif isinstance(in_title, Word):
        titled = columns.has_word(in_title.word, title=True)
    else:
        titled = np.zeros(columns.size, dtype=bool)
    return mask, mask & titled


def _asked(tree):
    if isinstance(tree, Asked):
        yield tree
    elif isinstance(tree, Not):
        yield from _asked(tree.part)
    elif isinstance(tree, All | Any):
        for part in tree.parts:
            yield from _asked(part)


def _evaluate(tree, columns, masks):
    if isinstance(tree, Word):
        return columns.has_word(tree.word)
    if isinstance(tree, Asked):
        return masks[tree.query]
    if isinstance(tree, Not):
        return ~_evaluate(tree.part, columns, masks)
    if isinstance(tree, All):
        mask = np.ones(columns.size, dtype=bool)
        for part in tree.parts:
            mask &= _evaluate(part, columns, masks)
        return mask
    mask = np.zeros(columns.size, dtype=bool)
    for part in tree.parts:
        mask |= _evaluate(part, columns, masks)
    return mask


def _ask(queries, title_query):
    """``{i: event ids}`` matching the i-th of ``queries``, and (at ``len(queries)``) those
    whose title matches ``title_query``: one query to the full-text index."""
    if not queries and title_query is None:
        return {}
    selects, params = [], []
    if connection.vendor == "postgresql":
        for i, query in enumerate(queries):
            selects.append(
                f"SELECT {i}, id FROM tracker_event WHERE published "
                "AND search_vector @@ %s::tsquery"
            )
            params.append(query)
        if title_query is not None:
            selects.append(
                f"SELECT {len(queries)}, id FROM tracker_event WHERE published "
                f"AND search_vector @@ %s::tsquery "
                f"AND to_tsvector('{search.CONFIG}', title) @@ %s::tsquery"
            )
            params += [title_query, title_query]
    else:
        match = f'SELECT {{}}, rowid FROM "{search.FTS_TABLE}" WHERE "{search.FTS_TABLE}" MATCH %s'
        for i, query in enumerate(queries):
            selects.append(match.format(i))
            params.append(query)
        if title_query is not None:
            selects.append(match.format(len(queries)))
            params.append(title_query)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    found = {}
    for i, pk in rows:
        found.setdefault(i, []).append(pk)
    return found


# PostgreSQL: the tsquery's tree ---------------------------------------------------------------


def _postgres_plan(lexicon, text, ranked):
    longest = search.longest_term(text) if ranked else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT websearch_to_tsquery('{search.CONFIG}', %s)::text, "
            f"phraseto_tsquery('{search.CONFIG}', %s)::text",
            [text, longest],
        )
        tree_text, title_text = cursor.fetchone()
    tree = _read_tsquery(tree_text, lexicon)
    in_title = None
    if title_text:
        title_tree = _read_tsquery(title_text, lexicon)
        in_title = title_tree if isinstance(title_tree, Word) else Asked(title_text)
    return tree, in_title


def _read_tsquery(text, lexicon):
    """The tree of a tsquery; should PostgreSQL ever write one this reader does not follow,
    the whole query is asked of the database (slower, still exact)."""
    try:
        return TsqueryReader(text, lexicon).read()
    except ValueError:
        return Asked(text) if text.strip() else NOTHING


_TSQUERY_TOKEN = re.compile(r"\s*(?:('(?:[^'\\]|''|\\.)*')(:[*A-Da-d]+)?|(<->|<\d+>)|([&|!()]))")


class TsqueryReader:
    """A ``tsquery`` as PostgreSQL writes it, read into Word/Asked/Not/All/Any; a phrase, or a
    word not in the lexicon, is Asked of the database as written."""

    def __init__(self, text, lexicon):
        self.text, self.lexicon = text, lexicon
        self.tokens = []  # (kind, value, start, end)
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = _TSQUERY_TOKEN.match(text, position)
            if not match:
                raise ValueError(f"Unreadable tsquery at {position}: {text!r}")
            start = match.start(1) if match.group(1) else match.start(match.lastindex)
            if match.group(1):
                kind = "word" if not match.group(2) else "asked"
                self.tokens.append((kind, match.group(1), start, match.end()))
            elif match.group(3):
                self.tokens.append(("phrase", match.group(3), start, match.end()))
            else:
                self.tokens.append((match.group(4), match.group(4), start, match.end()))
            position = match.end()
        self.at = 0

    def read(self):
        if not self.tokens:
            return NOTHING
        tree = self._or()
        if self.at != len(self.tokens):
            raise ValueError(f"Unreadable tsquery: {self.text!r}")
        return tree

    def _peek(self):
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def _or(self):
        parts = [self._and()]
        while self._peek() == "|":
            self.at += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Any(tuple(parts))

    def _and(self):
        parts = [self._phrase()]
        while self._peek() == "&":
            self.at += 1
            parts.append(self._phrase())
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _phrase(self):
        start = self.tokens[self.at][2] if self.at < len(self.tokens) else 0
        part = self._unary()
        if self._peek() != "phrase":
            return part
        while self._peek() == "phrase":
            self.at += 1
            self._unary()
        return Asked(self.text[start : self.tokens[self.at - 1][3]])

    def _unary(self):
        kind = self._peek()
        if kind == "!":
            self.at += 1
            return Not(self._unary())
        if kind == "(":
            self.at += 1
            part = self._or()
            if self._peek() != ")":
                raise ValueError(f"Unreadable tsquery: {self.text!r}")
            self.at += 1
            return part
        if kind in ("word", "asked"):
            _, value, start, end = self.tokens[self.at]
            self.at += 1
            word = value[1:-1].replace("''", "'")
            word = re.sub(r"\\(.)", r"\1", word)
            if kind == "word" and word in self.lexicon.index:
                return Word(word)
            return Asked(self.text[start:end])
        raise ValueError(f"Unreadable tsquery: {self.text!r}")


# SQLite: the search as search.fts_query reads it ---------------------------------------------


def _sqlite_plan(lexicon, text, ranked):
    parsed = search.parse(text)

    def part(term):
        spelled = lexicon.spellings.get(term.lower()) if _ASCII_WORD.fullmatch(term) else None
        return Word(spelled) if spelled else Asked(search.fts_phrase(term))

    groups = [[part(term) for term in group if search.has_word(term)] for group in parsed.groups]
    groups = [All(tuple(group)) for group in groups if group]
    excluded = [Not(part(term)) for term in parsed.excluded if search.has_word(term)]
    if groups:
        tree = All((Any(tuple(groups)), *excluded))
    elif excluded:  # only words left out: every event without them
        tree = All(tuple(excluded))
    elif parsed.excluded:  # as search.matching: nothing with a word to leave out
        tree = All(())
    else:
        tree = NOTHING
    in_title = None
    term = search.longest_term(text) if ranked else ""
    if term:
        found = part(term)
        title_query = "{title} : " + search.fts_phrase(term)
        in_title = found if isinstance(found, Word) else Asked(title_query)
    return tree, in_title
