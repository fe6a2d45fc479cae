"""Likely duplicates of a record an editor is adding, found before it is saved.

An event is a likely duplicate when it has the same type, dates that meet (a month- or
year-precision date counts as its whole period) and a similar title, or when it shares a
participant (an organization or a person) and its dates meet. Drafts count too. An
organization or a person is a likely duplicate when one of its names (name, acronym, other
names, native name) is the same as or similar to one of the new record's, or when it has the
same Wikidata ID.

**Names are compared** after ``normalize``: case, accents and punctuation are ignored
("Korea–U.S." reads as "Korea-US"). Two names are similar when they are the same once spaces
are dropped too ("Tae-yong", "Taeyong"), or when most of their words match: ``similarity`` is
the share of words the two have in common (a Dice coefficient over the words that carry
meaning, in any order), where a long word matches a near-spelling of it ("Foriegn"). The
threshold is 0.85. Character-level ``difflib`` was tried and left: it rates "Korea–US AI
Working Group" against "Korea–UK AI Working Group" at 0.96 and "Office of the President"
against "Office of the Vice President" at 0.90, though each pair names two bodies; counting
words, the one word that differs weighs what a word weighs.

**Speed.** The check runs once, when the add form is submitted. Events are found through
indexes: the type and the dates (``event_type_chronology`` for published events,
``event_type_drafts`` for drafts), the participants through ``participation_org_event`` and
``participation_person_event``, each read for at most ``CANDIDATES`` rows, and titles are then
compared in Python. An event whose span meets the new one's but began more than
``LONGEST_SPAN`` before it (a gathering of more than a year) is not looked for: an index on
dates cannot find spans that contain a day without reading every earlier event. Organizations
and people are thousands, not millions, and their names have no index that could answer "the
same but for accents and punctuation": the database ranks them by how many of the new
record's longest words (``PROBES``) they contain, and by an exact name, acronym or Wikidata ID,
and hands over the best ``CANDIDATES``, which are compared in Python. At 100,000 events,
3,000 organizations and 4,000 people on SQLite the event check takes about 10 ms, the
organization check about 40 ms and the person check about 15 ms.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache, reduce
from operator import add, or_

from django import forms
from django.db.models import Case, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse

from tracker.models import Event, Organization, Participation, Person
from tracker.models.fields import split_lines

CANDIDATES = 200  # rows read from the database for each question, at most
SHOWN = 10  # duplicates listed in the warning, at most
PROBES = 8  # words of the new names looked for in the names of the others, at most
LONGEST_SPAN = datetime.timedelta(days=366)  # a year-precision date, in a leap year
THRESHOLD = 0.85
WORD_THRESHOLD = 0.8  # how alike two spellings of a long word must be ("fourm", "forum")
LONG_WORD = 5

STOP_WORDS = frozenset(
    ["a", "an", "and", "at", "de", "del", "der", "des", "di", "du", "el", "et", "for", "in"]
    + ["la", "le", "les", "of", "on", "the", "to", "und", "van", "von"]
)
YEAR = re.compile(r"(19|20)\d\d")
DROPPED = {"'": "", "’": "", ".": "", "&": " and "}  # "U.S." is "US", "Science & ICT" too


def normalize(text):
    """``text`` without case, accents or punctuation, words separated by one space:
    ``normalize("Korea–U.S. Ministère")`` is ``"korea us ministere"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = unicodedata.normalize("NFC", bare).casefold()  # Hangul syllables come back whole
    for old, new in DROPPED.items():
        bare = bare.replace(old, new)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in bare).split())


def _words(normalized, drop_years=False):
    words = normalized.split()
    meaningful = [w for w in words if w not in STOP_WORDS]
    if drop_years:
        meaningful = [w for w in meaningful if not YEAR.fullmatch(w)]
    return meaningful or words


@lru_cache(maxsize=4096)  # names share their words: "ministry", "office", "forum"
def _words_match(a, b):
    """Two different long words spelt alike ("fourm", "forum")."""
    if min(len(a), len(b)) < LONG_WORD or 2 * min(len(a), len(b)) < WORD_THRESHOLD * (
        len(a) + len(b)
    ):
        return False
    return SequenceMatcher(None, a, b).ratio() >= WORD_THRESHOLD


def similarity(a, b, drop_years=False, at_least=0.0):
    """How alike two normalized names are, from 0 to 1 (see the module's docstring).
    ``drop_years`` leaves out years such as 2024, which an event's title may or may not
    repeat from its dates. Below ``at_least`` the answer is only known to be below it: the
    spellings of the words left unmatched are not compared when they could not reach it."""
    if not a or not b:
        return 0.0
    if a.replace(" ", "") == b.replace(" ", ""):
        return 1.0
    left, right = _words(a, drop_years), _words(b, drop_years)
    total = len(left) + len(right)
    unmatched, rest = list(right), []
    for word in left:
        if word in unmatched:
            unmatched.remove(word)
        else:
            rest.append(word)
    shared = len(left) - len(rest)
    if 2 * (shared + min(len(rest), len(unmatched))) / total < at_least:
        return 2 * shared / total
    for word in rest:
        match = next((other for other in unmatched if _words_match(word, other)), None)
        if match is not None:
            unmatched.remove(match)
            shared += 1
    return 2 * shared / total


def similar(a, b, drop_years=False):
    return similarity(a, b, drop_years, at_least=THRESHOLD) >= THRESHOLD


@dataclass
class Duplicate:
    record: object
    reason: str

    @property
    def label(self):
        record = self.record
        if isinstance(record, Event):
            return f"{record}, {record.event_type.name}"
        if isinstance(record, Person) and record.native_name:
            return f"{record.name} ({record.native_name})"
        return str(record)

    @property
    def admin_url(self):
        opts = self.record._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.record.pk])

    @property
    def public_url(self):
        """The public page; a draft event has none."""
        if getattr(self.record, "published", True):
            return self.record.get_absolute_url()
        return ""

    @property
    def is_draft(self):
        return not getattr(self.record, "published", True)


# Events --------------------------------------------------------------------------------------


def similar_events(*, title, event_type, start, end=None, organizations=(), people=()):
    """Events that are likely the same as one with these values (``start`` and ``end`` are
    PartialDates; ``organizations`` and ``people`` are pks of its participants)."""
    first, last = start.first, (end or start).last
    meeting = (
        Event.objects.overlapping(first, last)
        .filter(start_date__gte=first - LONGEST_SPAN)
        .chronological()
    )
    same_type = meeting.filter(event_type=event_type)
    titled = [
        *same_type.published().values_list("pk", "title")[:CANDIDATES],
        *same_type.drafts().values_list("pk", "title")[:CANDIDATES],
    ]
    wanted = normalize(title)
    reasons = {
        pk: "same type and dates, similar title"
        for pk, other in titled
        if similar(wanted, normalize(other), drop_years=True)
    }
    if organizations or people:
        links = Participation.objects.filter(
            Q(organization__in=organizations) | Q(person__in=people)
        )
        for pk in meeting.filter(pk__in=links.values("event_id")).values_list("pk", flat=True)[
            :CANDIDATES
        ]:
            reasons.setdefault(pk, "a participant in common, on the same dates")
    if not reasons:
        return []
    found = Event.objects.filter(pk__in=reasons).select_related("event_type").chronological()
    return [Duplicate(event, reasons[event.pk]) for event in found[:SHOWN]]


def submitted_participants(data, prefix="participations"):
    """The organizations and people named in the participant rows of a submitted event form
    (the admin's inline), as two sets of pks; rows marked for deletion are left out. The
    event's own form is checked before its inlines are, so it reads them from the data."""
    organizations, people = set(), set()
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 1000)
    except (TypeError, ValueError):
        return organizations, people
    for i in range(total):
        row = f"{prefix}-{i}-"
        if data.get(f"{row}DELETE"):
            continue
        for field, found in (("organization", organizations), ("person", people)):
            value = str(data.get(f"{row}{field}") or "")
            if value.isdigit():
                found.add(int(value))
    return organizations, people


# Organizations and people ----------------------------------------------------------------------


def _probes(names):
    """What to look for in the database: each meaningful word of ``names`` as typed (SQLite
    ignores case for ASCII letters only) or, for a word with accents, its longest run of
    unaccented letters, which both spellings contain ("Ministère", "Ministere": "minist")."""
    probes = []
    for name in names:
        for word in re.split(r"[\W_]+", unicodedata.normalize("NFC", name)):
            if not word or normalize(word) in STOP_WORDS:
                continue
            if not word.isascii():
                runs = re.findall(r"[A-Za-z0-9]+", word)
                if runs:
                    word = max(runs, key=len)
            if len(word) >= 2 and word not in probes:
                probes.append(word)
    return sorted(probes, key=len, reverse=True)[:PROBES]  # the longest say the most


def _record_names(record, fields):
    names = []
    for field in fields:
        value = getattr(record, field) or ""
        names.extend(split_lines(value) if field == "other_names" else [value])
    return [name for name in names if name.strip()]


def _similar_records(model, fields, names, wikidata_id):
    names = [name.strip() for name in names if name and name.strip()]
    text_fields = [f"{field}__icontains" for field in fields]
    exact_fields = [f"{field}__iexact" for field in fields if field != "other_names"]
    scores = [
        Case(
            When(reduce(or_, (Q(**{lookup: probe}) for lookup in text_fields)), then=Value(1)),
            default=Value(0),
        )
        for probe in _probes(names)
    ]
    exact = [Q(**{lookup: name}) for name in names[:20] for lookup in exact_fields]
    if wikidata_id:
        exact.append(Q(wikidata_id=wikidata_id))
    if exact:
        scores.append(Case(When(reduce(or_, exact), then=Value(100)), default=Value(0)))
    if not scores:
        return []
    ranked = (
        model.objects.annotate(duplicate_score=reduce(add, scores, Value(0)))
        .filter(duplicate_score__gt=0)
        .order_by("-duplicate_score", "pk")
        .only("pk", "slug", "wikidata_id", *fields)[:CANDIDATES]
    )
    wanted = [normalize(name) for name in names]
    found = []
    for record in ranked:
        if wikidata_id and record.wikidata_id == wikidata_id:
            found.append(Duplicate(record, f"the same Wikidata ID, {wikidata_id}"))
            continue
        pairs = [
            (normalize(theirs) == ours, theirs)
            for theirs in _record_names(record, fields)
            for ours in wanted
            if similar(ours, normalize(theirs))
        ]
        if pairs:
            # The same name, where there is one, before a similar one.
            same, theirs = max(pairs, key=lambda pair: pair[0])
            found.append(Duplicate(record, f"{'same' if same else 'similar'} name: {theirs}"))
    return found[:SHOWN]


ORGANIZATION_NAMES = ("name", "acronym", "other_names")
PERSON_NAMES = ("name", "native_name", "other_names")


def similar_organizations(names, wikidata_id=""):
    """Organizations with one of ``names`` (or a similar one) or the Wikidata ID."""
    return _similar_records(Organization, ORGANIZATION_NAMES, names, wikidata_id)


def similar_people(names, wikidata_id=""):
    """People with one of ``names`` (or a similar one) or the Wikidata ID."""
    return _similar_records(Person, PERSON_NAMES, names, wikidata_id)


def _names_in(cleaned, fields):
    names = []
    for field in fields:
        value = cleaned.get(field) or ""
        names.extend(split_lines(value) if field == "other_names" else [value])
    return names


# The admin's add forms -------------------------------------------------------------------------


class WarnOfDuplicates:
    """For an admin ModelForm: on add, before saving, list the likely duplicates of the new
    record and keep it unsaved until the editor ticks "Save anyway". Changing a record that
    exists is not checked. Subclasses say what a duplicate is in ``find_duplicates``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["save_anyway"] = forms.BooleanField(
                required=False, label="Save anyway: it is not one of these"
            )

    def find_duplicates(self, cleaned):
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if "save_anyway" not in self.fields or cleaned.get("save_anyway"):
            return cleaned
        duplicates = self.find_duplicates(cleaned)
        if duplicates:
            noun = self._meta.model._meta.verbose_name
            warning = render_to_string(
                "admin/tracker/duplicates.html",
                {"duplicates": duplicates, "noun": noun, "save_anyway": self["save_anyway"]},
                using="django",
            )
            self.add_error(None, forms.ValidationError(warning, code="duplicates"))
        return cleaned


class WarnOfDuplicateEvents(WarnOfDuplicates):
    def find_duplicates(self, cleaned):
        if not (cleaned.get("title") and cleaned.get("event_type") and cleaned.get("start")):
            return []
        organizations, people = submitted_participants(self.data)
        return similar_events(
            title=cleaned["title"],
            event_type=cleaned["event_type"],
            start=cleaned["start"],
            end=cleaned.get("end"),
            organizations=organizations,
            people=people,
        )


class WarnOfDuplicateOrganizations(WarnOfDuplicates):
    def find_duplicates(self, cleaned):
        return similar_organizations(
            _names_in(cleaned, ORGANIZATION_NAMES), cleaned.get("wikidata_id")
        )


class WarnOfDuplicatePeople(WarnOfDuplicates):
    def find_duplicates(self, cleaned):
        return similar_people(_names_in(cleaned, PERSON_NAMES), cleaned.get("wikidata_id"))
