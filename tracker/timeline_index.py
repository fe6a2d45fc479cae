"""The timeline's columns: every published event held in memory as numpy arrays, per worker.

Why. A timeline view shows, besides its page of 50 events, the number of events that match
and, for each filter, how many events each option would give (its facet counts) and a chart of
events per period. Asked of the database, that is seven grouped counts over every
matching event's links: over a second at 100,000 events. Held as columns, each filter is a
boolean mask over the events and each count a ``numpy.bincount``: milliseconds.

What is held. Each published event has a *slot*: its id, first and last day (days since
1970), month, type and status, each an array indexed by slot. Its countries, organizations,
people and topics are *links*: pairs of arrays (slot, value), one pair per distinct value of an
event. ``order`` lists the slots in chronological order. Names are not held: the page asks
the database for the names of the few options it shows, and search asks the database for the
events whose words match (full-text search is the database's job).

How it stays exact. PostgreSQL (or SQLite) stays the one source of truth. Every write that can
move an event on the timeline logs the event's id in ``EventChange`` (see
``EventQuerySet.refresh_derived`` and tracker/signals.py). Before answering, a worker reads
the log past the last entry it applied (one query on the primary key), marks those events'
old slots dead and appends their current rows. A worker that finds more changes than it is
worth patching, or that has not looked for hours, builds its columns afresh. So an edit is
seen by the very next request in every worker, on every machine, with nothing shared between
them but the database.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import io
import itertools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import tracker_counting
from django.db import connection, transaction
from django.db.models import Q

from tracker import words
from tracker.models import EventChange, EventStatus

EPOCH = datetime.date(1970, 1, 1)
STATUSES = [value for value, _ in EventStatus.choices]
LINKS = ("country", "organization", "person", "topic")
# A worker that finds more changed events than this patches nothing and builds afresh.
REBUILD_AT = 2000
# A gap in the log's ids is a write that had not committed when the worker looked (or one
# rolled back): the worker looks for it again on every request for this many seconds (long
# enough for an import of 100,000 events, which logs its changes in its one transaction).
HOLE_WAIT = 600.0
HOLES_LISTED = 1000  # beyond as many holes, the log is read from the first of them


def day_number(day: datetime.date) -> int:
    return day.toordinal() - EPOCH.toordinal()


def from_day_number(number) -> datetime.date:
    return datetime.date.fromordinal(int(number) + EPOCH.toordinal())


def country_number(code: str) -> int:
    """An ISO 3166-1 alpha-2 code as a number below 26 * 26, and back (``country_code``)."""
    return (ord(code[0]) - 65) * 26 + ord(code[1]) - 65


def country_code(number: int) -> str:
    return chr(65 + number // 26) + chr(65 + number % 26)


def _sql(vendor):
    """The queries that read the columns, written so the database hands over plain integers
    (a day number, not a date; a country as a number), which numpy takes without Python
    objects in between."""
    if vendor == "postgresql":
        day = "({} - DATE '1970-01-01')"
        letter = "ascii({})"
    else:
        day = "CAST(julianday({}) - 2440587.5 AS INTEGER)"
        letter = "unicode({})"
    status = "CASE e.status " + " ".join(
        f"WHEN '{value}' THEN {i}" for i, value in enumerate(STATUSES)
    )
    status += f" ELSE {len(STATUSES)} END"
    first, second = letter.format("c.country"), letter.format("substr(c.country, 2, 1)")
    country = f"({first} - 65) * 26 + {second} - 65"
    return {
        "events": (
            f"SELECT e.id, {day.format('e.start_date')}, {day.format('e.last_day')}, "
            f"e.event_type_id, {status} FROM tracker_event e WHERE e.published{{pks}} "
            "ORDER BY e.start_date, e.last_day, e.id"
        ),
        # Links are read for every event: those of drafts find no slot and are dropped,
        # which is cheaper than joining the events to test each one.
        "country": f"SELECT c.event_id, {country} FROM tracker_eventcountry c WHERE TRUE{{pks}}",
        "organization": (
            "SELECT p.event_id, p.organization_id FROM tracker_participation p "
            "WHERE p.organization_id IS NOT NULL{pks}"
        ),
        "person": (
            "SELECT p.event_id, p.person_id FROM tracker_participation p "
            "WHERE p.person_id IS NOT NULL{pks}"
        ),
        "topic": "SELECT t.event_id, t.topic_id FROM tracker_event_topics t WHERE TRUE{pks}",
    }


def _read(sql, columns, pks=None, params=()):
    """Rows of ``columns`` integers as one int64 array per column (``params`` are those of
    the query before its ``{pks}``)."""
    params = list(params)
    if pks is None:
        sql = sql.replace("{pks}", "")
    else:
        column = "e.id" if "tracker_event e" in sql else "event_id"
        sql = sql.replace("{pks}", f" AND {column} IN ({', '.join(['%s'] * len(pks))})")
        params += list(pks)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and pks is None:
            # A whole table: COPY hands the numbers over as text that numpy parses in C,
            # several times faster than a Python tuple per row.
            query = cursor.mogrify(sql, params).decode()
            buffer = io.StringIO()
            cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (DELIMITER ' ')", buffer)
            flat = np.fromstring(buffer.getvalue(), dtype=np.int64, sep=" ")
            return flat.reshape(-1, columns).T
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    values = itertools.chain.from_iterable(rows)
    flat = np.fromiter(values, dtype=np.int64, count=len(rows) * columns)
    return flat.reshape(len(rows), columns).T


@dataclass
class Links:
    """The links of one kind (an event's countries, say), as (slot, value) pairs, each pair
    once. The first ``indexed`` pairs are sorted by slot, and held as their ``values`` with
    where each slot's begin (``by_slot``); again in order of value, as their slots
    (``slots_by_value``) with where each value's begin (``value_starts``). Pairs appended by
    a patch come after ``indexed`` (their slots in ``tail_slots``) and are scanned;
    compaction indexes them again."""

    values: np.ndarray  # int32
    indexed: int
    by_slot: np.ndarray  # int32, one more than the slots indexed
    slots_by_value: np.ndarray  # int32
    value_starts: np.ndarray  # int64, one more than the largest value
    tail_slots: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @classmethod
    def of(cls, slots, values, size):
        """Indexed links from unsorted pairs (duplicates dropped) over ``size`` slots."""
        pairs = np.unique((slots.astype(np.int64) << 32) | values.astype(np.int64))
        slots = (pairs >> 32).astype(np.int32)
        values = (pairs & 0xFFFFFFFF).astype(np.int32)
        del pairs
        by_value = np.argsort(values, kind="stable")
        top = int(values.max()) + 2 if len(values) else 1
        return cls(
            values=values,
            indexed=len(values),
            by_slot=np.searchsorted(slots, np.arange(size + 1)).astype(np.int32),
            slots_by_value=slots[by_value],
            value_starts=np.searchsorted(values[by_value], np.arange(top)).astype(np.int64),
        )

    @property
    def slots(self):
        """The slot of every pair, in the order of ``values`` (made when asked)."""
        indexed = np.repeat(np.arange(len(self.by_slot) - 1, dtype=np.int32), np.diff(self.by_slot))
        return np.concatenate([indexed, self.tail_slots])

    def appended(self, slots, values):
        return Links(
            values=np.concatenate([self.values, values.astype(np.int32)]),
            indexed=self.indexed,
            by_slot=self.by_slot,
            slots_by_value=self.slots_by_value,
            value_starts=self.value_starts,
            tail_slots=np.concatenate([self.tail_slots, slots.astype(np.int32)]),
        )

    def slots_linked(self, values):
        """The slots linked to any of ``values`` (dead ones too: the caller masks)."""
        found = []
        for value in values:
            if 0 <= value < len(self.value_starts) - 1:
                begin, end = self.value_starts[value], self.value_starts[value + 1]
                found.append(self.slots_by_value[begin:end])
        tail_values = self.values[self.indexed :]
        if len(tail_values):
            hits = np.isin(tail_values, np.asarray(values, dtype=np.int32))
            found.append(self.tail_slots[hits])
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int32)

    def counts(self, mask, chosen):
        """Events per value (a numpy array by value) over the slots in ``mask`` (``chosen``
        of them), counted by the compiled loops of ``tracker_counting``: when few slots are
        chosen, their runs of values; when many, each value's run of slots, looked up in the
        mask as bits."""
        if len(mask) < len(self.by_slot) - 1:  # the compiled loops trust every slot is in it
            raise ValueError("the mask is shorter than the slots linked")
        found = np.zeros(len(self.value_starts) - 1, dtype=np.int64)
        if chosen * 4 <= len(mask):
            tracker_counting.by_slot(mask.view(np.uint8), self.by_slot, self.values, found)
        elif len(found):
            tracker_counting.by_value(_bits(mask), self.slots_by_value, self.value_starts, found)
        tail = self.values[self.indexed :][mask[self.tail_slots]]
        return _plus(found, np.bincount(tail)) if len(tail) else found


def _bits(mask):
    """``mask`` as bits, slot s at bit s % 64 of word s // 64 (on a little-endian machine, as
    x86-64 and ARM are: the bytes are packed little first and read as 64-bit words)."""
    packed = np.packbits(mask, bitorder="little")
    return np.pad(packed, (0, -len(packed) % 8)).view(np.uint64)


@dataclass
class Columns:
    """The published events as arrays; built by ``load`` and patched by ``patched``."""

    pk: np.ndarray  # int64, by slot
    first: np.ndarray  # int32 day numbers
    last: np.ndarray
    type: np.ndarray  # int32 event type ids
    status: np.ndarray  # int8, an index into STATUSES
    alive: np.ndarray  # bool: False for a slot whose event has changed or gone since
    # name: Links. Besides the links read (LINKS), each event's type and status as links
    # too: so every facet is counted the same way, a run of slots per value.
    links: dict
    order: np.ndarray  # int32: the live slots, in chronological order (start, end, id)
    slot_of_pk: np.ndarray = field(repr=False)  # int32 by event id, -1 for none
    # The frequent words (tracker/words.py): by slot, the bits of those its search document
    # holds and of those its title holds (int64, lexicon.chunks columns).
    lexicon: words.Lexicon = field(default=words.EMPTY, repr=False)
    words: np.ndarray = field(default=None, repr=False)
    title_words: np.ndarray = field(default=None, repr=False)
    # Counts over every live event, kept up to date by patches: the facets of a view that
    # no other filter narrows. {"country": array by value, ..., "type": ..., "status": ...}
    totals: dict = field(default_factory=dict, repr=False)

    @property
    def size(self):
        return len(self.pk)

    @classmethod
    def load(cls, pks=None, lexicon=None):
        """Read the published events (all, or those of ``pks``) from the database, with the
        words of ``lexicon`` (by default, the frequent words, read too)."""
        queries = _sql(connection.vendor)
        pk, first, last, type_, status = _read(queries["events"], 5, pks)
        slot_of_pk = _slot_map(pk, len(pk))
        if lexicon is None:
            lexicon = words.read_lexicon(len(pk))
        ids, held, titled = words.read_bits(lexicon, pks)
        word_bits = np.zeros((len(pk), lexicon.chunks), dtype=np.int64)
        title_bits = np.zeros((len(pk), lexicon.chunks), dtype=np.int64)
        known = ids < len(slot_of_pk)  # the events read above (guard: bits never land on
        slots = slot_of_pk[ids[known]]  # another event's slot)
        found = slots >= 0
        word_bits[slots[found]] = held[known][found]
        title_bits[slots[found]] = titled[known][found]
        links = {}
        for name in LINKS:
            event_ids, values = _read(queries[name], 2, pks)
            known = event_ids < len(slot_of_pk)  # each link's event was read above, but
            slots = slot_of_pk[event_ids[known]]  # guard: a link never lands on another
            found = slots >= 0
            links[name] = Links.of(slots[found], values[known][found], len(pk))
        every = np.arange(len(pk), dtype=np.int32)
        links["type"] = Links.of(every, type_, len(pk))
        links["status"] = Links.of(every, status, len(pk))
        columns = cls(
            pk=pk,
            first=first.astype(np.int32),
            last=last.astype(np.int32),
            type=type_.astype(np.int32),
            status=status.astype(np.int8),
            alive=np.ones(len(pk), dtype=bool),
            links=links,
            order=np.arange(len(pk), dtype=np.int32),
            slot_of_pk=slot_of_pk,
            lexicon=lexicon,
            words=word_bits,
            title_words=title_bits,
        )
        columns.totals = columns.counts(columns.alive)
        return columns

    def counts(self, mask, names=(*LINKS, "type", "status")):
        """``{name: numpy array of events per value}`` over the slots in ``mask``."""
        chosen = int(np.count_nonzero(mask))
        found = {}
        for name in names:
            found[name] = self.links[name].counts(mask, chosen)
            if name == "status":  # an unknown status (index len(STATUSES)) is not an option
                found[name] = np.pad(found[name], (0, len(STATUSES)))[: len(STATUSES)]
        return found

    def patched(self, event_ids):
        """A copy with the events of ``event_ids`` read again: their old slots dead, their
        current rows (if still published) appended and placed in the chronological order."""
        event_ids = np.asarray(sorted(set(event_ids)), dtype=np.int64)
        known = event_ids[event_ids < len(self.slot_of_pk)]
        old = self.slot_of_pk[known]
        old = old[old >= 0]
        dying = np.zeros(self.size, dtype=bool)
        dying[old] = True
        alive = self.alive & ~dying
        with _snapshot():
            fresh = Columns.load(event_ids.tolist(), lexicon=self.lexicon)
        base = self.size
        length = max(len(self.slot_of_pk), int(fresh.pk.max()) + 1 if fresh.size else 0)
        slot_of_pk = np.full(length, -1, dtype=np.int32)
        slot_of_pk[: len(self.slot_of_pk)] = self.slot_of_pk
        slot_of_pk[known] = -1  # dead slots are found by no id
        new_slots = base + np.arange(fresh.size, dtype=np.int32)
        slot_of_pk[fresh.pk] = new_slots
        links = {
            name: self.links[name].appended(
                fresh.links[name].slots + base, fresh.links[name].values
            )
            for name in self.links
        }
        gone = self.counts(dying)
        totals = {
            name: _minus(_plus(self.totals[name], fresh.totals[name]), gone[name])
            for name in self.totals
        }
        columns = Columns(
            pk=np.concatenate([self.pk, fresh.pk]),
            first=np.concatenate([self.first, fresh.first]),
            last=np.concatenate([self.last, fresh.last]),
            type=np.concatenate([self.type, fresh.type]),
            status=np.concatenate([self.status, fresh.status]),
            alive=np.concatenate([alive, fresh.alive]),
            links=links,
            order=self.order[alive[self.order]],
            slot_of_pk=slot_of_pk,
            totals=totals,
            lexicon=self.lexicon,
            words=np.concatenate([self.words, fresh.words]),
            title_words=np.concatenate([self.title_words, fresh.title_words]),
        )
        columns.order = columns._merged_order(new_slots)
        return columns.compacted()

    def _merged_order(self, new_slots):
        """``order`` with ``new_slots`` (themselves in chronological order) put in place."""
        order = self.order
        firsts = self.first[order]
        places = []
        for slot in new_slots.tolist():
            key = (int(self.first[slot]), int(self.last[slot]), int(self.pk[slot]))
            lo = int(np.searchsorted(firsts, key[0], side="left"))
            hi = int(np.searchsorted(firsts, key[0], side="right"))
            while lo < hi:  # among events starting the same day: by end, then by id
                mid = (lo + hi) // 2
                other = int(order[mid])
                if (int(self.last[other]), int(self.pk[other])) < key[1:]:
                    lo = mid + 1
                else:
                    hi = mid
            places.append(lo)
        return np.insert(order, places, new_slots).astype(np.int32)

    def compacted(self):
        """Itself, or a copy without dead slots and with every link indexed: when a quarter
        of the slots are dead, or a tenth of some links are past their index."""
        dead = self.size - int(np.count_nonzero(self.alive))
        unindexed = max(len(link.tail_slots) for link in self.links.values())
        indexed = min(link.indexed for link in self.links.values())
        if dead <= self.size // 4 and unindexed <= max(1000, indexed // 10):
            return self
        keep = np.flatnonzero(self.alive)
        renumber = np.full(self.size, -1, dtype=np.int32)
        renumber[keep] = np.arange(len(keep), dtype=np.int32)
        links = {}
        for name, link in self.links.items():
            slots = link.slots
            kept = self.alive[slots]
            links[name] = Links.of(renumber[slots[kept]], link.values[kept], len(keep))
        pk = self.pk[keep]
        return Columns(
            pk=pk,
            first=self.first[keep],
            last=self.last[keep],
            type=self.type[keep],
            status=self.status[keep],
            alive=np.ones(len(keep), dtype=bool),
            links=links,
            order=renumber[self.order],
            slot_of_pk=_slot_map(pk, len(self.slot_of_pk)),
            totals=self.totals,
            lexicon=self.lexicon,
            words=self.words[keep],
            title_words=self.title_words[keep],
        )

    # Answers ----------------------------------------------------------------------------

    def linked(self, name, values):
        """A mask of the live slots linked to any of ``values``."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self.links[name].slots_linked(values)] = True
        return mask & self.alive

    def mask_of(self, pks):
        """A mask of the slots of the events ``pks`` (those this worker holds)."""
        pks = np.asarray(pks, dtype=np.int64)
        pks = pks[(pks >= 0) & (pks < len(self.slot_of_pk))]
        slots = self.slot_of_pk[pks]
        mask = np.zeros(self.size, dtype=bool)
        mask[slots[slots >= 0]] = True
        return mask

    def has_word(self, word, title=False):
        """A mask of the slots whose search document (or title) holds a frequent word."""
        chunk, bit = self.lexicon.bit(word)
        return ((self.title_words if title else self.words)[:, chunk] & bit) != 0


def _plus(a, b):
    if len(a) < len(b):
        a, b = b, a
    total = a.copy()
    total[: len(b)] += b
    return total


def _minus(a, b):
    difference = a.copy() if len(a) >= len(b) else np.pad(a, (0, len(b) - len(a)))
    difference[: len(b)] -= b
    return difference


def _slot_map(pk, length):
    slot_of_pk = np.full(max(length, int(pk.max()) + 1 if len(pk) else 0), -1, dtype=np.int32)
    slot_of_pk[pk] = np.arange(len(pk), dtype=np.int32)
    return slot_of_pk


class Counts:
    """Events per value of one facet (a numpy array by value), read like a dict."""

    def __init__(self, array, key=int, value=int):
        self.array = array
        self._key, self._value = key, value  # a facet key to an array index, and back

    def get(self, key, default=0):
        index = self._key(key)
        return int(self.array[index]) if 0 <= index < len(self.array) else default

    def items(self):
        indexes = np.flatnonzero(self.array)
        pairs = zip(indexes.tolist(), self.array[indexes].tolist(), strict=True)
        return [(self._value(i), n) for i, n in pairs]

    def top(self, limit):
        """The keys of the ``limit`` largest counts, largest first, ties by key."""
        indexes = np.flatnonzero(self.array)
        ranked = indexes[np.lexsort((indexes, -self.array[indexes]))][:limit]
        return [self._value(i) for i in ranked.tolist()]

    def as_dict(self):
        return dict(self.items())


def _country_index(code):
    return country_number(code) if len(code) == 2 and code.isascii() and code.isupper() else -1


def _status_index(value):
    return STATUSES.index(value) if value in STATUSES else -1


COUNTS = {
    "country": {"key": _country_index, "value": country_code},
    "status": {"key": _status_index, "value": STATUSES.__getitem__},
}


# Selections: the filters of one view as masks --------------------------------------------


@dataclass
class Summary:
    """What a view shows about all its matching events."""

    total: int
    counts: dict  # facet name: Counts, keyed as the filters take values (a code, an id)


class Selection:
    """The events a filterset chooses, answered from the columns.

    Each active filter is a mask; a facet is counted over the events every *other* filter
    chooses, as the filter panel promises."""

    def __init__(self, columns, filterset):
        self.columns = columns
        self.filterset = filterset
        self.first_ranked = None  # in order of relevance: the events that come first
        filterset.errors  # validate  # noqa: B018
        data = getattr(filterset.form, "cleaned_data", {})
        self.masks = {}
        c = columns
        if data.get("q"):
            self.masks["q"] = self._searched(data["q"], filterset.ordering_mode == "relevance")
        if data.get("from"):
            self.masks["from"] = c.last >= day_number(data["from"].first)
        if data.get("to"):
            self.masks["to"] = c.first <= day_number(data["to"].last)
        if data.get("country"):
            codes = [country_number(code) for code in data["country"]]
            self.masks["country"] = c.linked("country", codes)
        if filterset.active("type"):
            self.masks["type"] = np.isin(c.type, [t.pk for t in filterset.active("type")])
        if data.get("status"):
            codes = [STATUSES.index(value) for value in data["status"]]
            self.masks["status"] = np.isin(c.status, codes)
        for name in ("organization", "person", "topic"):
            chosen = filterset.active(name)
            if chosen:
                self.masks[name] = c.linked(name, [obj.pk for obj in chosen])
        self.matching = self.without(None)

    def _searched(self, text, ranked):
        mask, self.first_ranked = words.search_masks(self.columns, text, ranked)
        return mask

    def without(self, facet):
        """A mask of the events every filter but ``facet`` chooses."""
        mask = self.columns.alive
        for name, other in self.masks.items():
            if name != facet:
                mask = mask & other
        return mask

    def summary(self):
        c = self.columns
        arrays, jobs = {}, []
        for name in self.filterset.FACETS:
            if not set(self.masks) - {name}:  # nothing else narrows it: every live event
                arrays[name] = c.totals[name]
            else:
                mask = self.without(name) if name in self.masks else self.matching
                jobs.append((name, mask))
        matching = self.matching
        total = int(np.count_nonzero(matching))

        def count(job):
            name, mask = job
            return c.counts(mask, names=[name])[name]

        # Each count reads the same arrays and writes its own: they run side by side.
        found = in_parallel(count, jobs)
        arrays.update((name, array) for (name, _), array in zip(jobs, found, strict=True))
        counts = {
            name: Counts(arrays[name], **COUNTS.get(name, {})) for name in self.filterset.FACETS
        }
        return Summary(total=total, counts=counts)

    def page(self, offset, limit):
        """The ids of the matching events at ``offset``, in the view's order."""
        c = self.columns
        mode = self.filterset.ordering_mode
        if mode == "relevance" and self.first_ranked is not None:
            newest = c.order[::-1]
            first = np.flatnonzero((self.matching & self.first_ranked)[newest])
            rest = np.flatnonzero((self.matching & ~self.first_ranked)[newest])
            chosen = newest[np.concatenate([first, rest])[offset : offset + limit]]
        else:
            places = np.flatnonzero(self.matching[c.order])
            if mode != "asc":
                places = places[::-1]
            chosen = c.order[places[offset : offset + limit]]
        return c.pk[chosen].tolist()


_pool = None
_pool_pid = None
_pool_lock = threading.Lock()


def in_parallel(function, items):
    """``[function(item) for item in items]``, on as many threads as the machine has cores:
    numpy lets go of the interpreter while it gathers and sums, so the facets of a view are
    counted side by side. The pool is made in the process that uses it (a gunicorn worker is
    forked from a master whose threads it does not inherit)."""
    global _pool, _pool_pid
    cores = os.cpu_count() or 1
    if len(items) < 2 or cores < 2:
        return [function(item) for item in items]
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=min(cores, 4), thread_name_prefix="columns")
            _pool_pid = os.getpid()
        pool = _pool
    return list(pool.map(function, items))


# The process's columns, kept current ---------------------------------------------------------


class TimelineIndex:
    """One worker's columns and where it is in the change log.

    ``current()`` is called once per request: it reads the log past the last change this
    worker applied and patches those events in (or builds afresh), under a lock, so threads
    of one process share one copy."""

    def __init__(self):
        self._lock = threading.Lock()
        self.forget()

    def forget(self):
        """Drop the columns; the next request builds them afresh (tests use this)."""
        self.columns = None
        self.applied = 0  # the highest change id applied
        self.holes = {}  # change id below ``applied`` not seen yet: when it was first missed
        self.checked_at = 0.0
        self.builds = 0

    def current(self):
        with self._lock:
            stale = time.monotonic() - self.checked_at > EventChange.KEPT.total_seconds() / 2
            if self.columns is None or stale:
                self._build()
            else:
                self._catch_up()
            self.checked_at = time.monotonic()
            return self.columns

    def _build(self):
        with _snapshot():  # the columns and the log as of one moment
            recent = list(
                EventChange.objects.order_by("-pk").values_list("pk", flat=True)[:REBUILD_AT]
            )
            columns = Columns.load()
        self.columns = columns
        self.applied = recent[0] if recent else 0
        now = time.monotonic()
        # Ids missing among the last changes may belong to writes not committed yet (only
        # the latest ids are looked at: a rolled-back import can leave a gap of millions).
        lowest = max(recent[-1], self.applied - 10 * REBUILD_AT) if recent else 0
        missing = set(range(lowest, self.applied)) - set(recent)
        self.holes = dict.fromkeys(missing, now)
        self.builds += 1
        give_back_memory()

    def _catch_up(self):
        log = EventChange.objects.order_by("pk")
        if not self.holes:
            log = log.filter(pk__gt=self.applied)
        elif len(self.holes) <= HOLES_LISTED:
            log = log.filter(Q(pk__gt=self.applied) | Q(pk__in=list(self.holes)))
        else:
            log = log.filter(pk__gte=min(self.holes))
        news = [
            (pk, event)
            for pk, event in log.values_list("pk", "event_id")
            if pk > self.applied or pk in self.holes
        ]
        now = time.monotonic()
        if news:
            newest = max(pk for pk, _ in news)
            if len(news) > REBUILD_AT or newest - self.applied > 10 * REBUILD_AT:
                self._build()
                return
            try:
                columns = self.columns.patched([event for _, event in news])
            except Exception:
                self._build()  # whatever went wrong, the columns are read afresh
                return
            seen = {pk for pk, _ in news}
            for pk in range(self.applied + 1, newest):
                if pk not in seen:
                    self.holes[pk] = now
            for pk in seen:
                self.holes.pop(pk, None)
            self.applied = max(self.applied, newest)
            self.columns = columns
            give_back_memory()
        # A hole is given up only once it has been looked for, and for long enough.
        self.holes = {pk: since for pk, since in self.holes.items() if now - since < HOLE_WAIT}


# Memory (glibc). By default glibc keeps what a process frees for later use, and gives each
# thread an arena of its own, so a worker's memory would stay at the peak of its build (the
# text read from the database, the sorts: twice what its columns hold) and grow with every
# thread that counts. So: blocks from 2 MB up (a count's gathers, a build's arrays) are
# mapped on their own and returned as soon as they are freed, threads share two arenas, and
# what a build or a patch (or, under gunicorn, a request) leaves free is handed back. (Masks
# of a million events, 1 MB, are reused from the heap: mapping each afresh would cost a page
# fault per 4 kB.)
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8


def _libc():
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    return None


def _tune_memory():
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, 2 * 2**20)
        libc.mallopt(M_ARENA_MAX, 2)


def give_back_memory():
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_tune_memory()


@contextlib.contextmanager
def _snapshot():
    """A transaction in which every read sees the same moment (REPEATABLE READ on
    PostgreSQL; SQLite's read transaction does that already)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


INDEX = TimelineIndex()


def latest(name, keys, limit):
    """``(total, ids)``: how many published events are linked (as ``name``: "organization",
    "person", "topic" or "country") to any of ``keys``, and the newest ``limit`` of them."""
    columns = INDEX.current()
    mask = columns.linked(name, keys)
    places = np.flatnonzero(mask[columns.order])[::-1][:limit]
    return int(np.count_nonzero(mask)), columns.pk[columns.order[places]].tolist()


def published_count():
    """How many events are published (this worker's up-to-date columns)."""
    return int(np.count_nonzero(INDEX.current().alive))


def published_pks_at(places):
    """The ids at ``places`` (0 the lowest) among the published events' ids, in order."""
    columns = INDEX.current()
    pks = columns.pk[columns.alive]
    found = np.partition(pks, places) if len(places) else pks
    return [int(found[place]) for place in places]


def linked_counts(name, groups):
    """``{key: published events}`` for ``groups``, ``{key: values}``: how many published events
    are linked (as ``name``: "organization", "person", "topic" or "country") to any of a
    group's values, each event once (an organization and its offices)."""
    columns = INDEX.current()
    links = columns.links[name]
    found = {}
    for key, values in groups.items():
        slots = links.slots_linked(list(values))
        if len(values) > 1:
            slots = np.unique(slots)
        found[key] = int(np.count_nonzero(columns.alive[slots]))
    return found


def select(filterset):
    """The filterset's events, answered from this worker's up-to-date columns."""
    return Selection(INDEX.current(), filterset)
