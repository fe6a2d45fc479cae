"""How to cite the tracker's record of an event: plain text, BibTeX and RIS.

What a reader cites is the tracker's *record* of the event, not the event itself: its title,
the event's date at the precision the sources know it ("December 2023", never
"1 December 2023"), the site's name, the record's address, when the record was last updated
and when the reader accessed it. The three formats say the same thing:

    “1st Korea–U.S. … Dialogue” (9 December 2023). AI Policy Tracker.
    https://…/events/nget-dialogue-2023/ (record updated 2 June 2025; accessed 3 June 2025).

BibTeX is an ``@misc`` entry with the site as a corporate author and the year the record was
updated (as Wikipedia's "Cite this page" does), with ``url`` and ``urldate`` for biblatex and
the dates in ``note`` for the classic styles, which ignore both. RIS is a web page (``ELEC``)
with the access date in ``Y2``; its lines end in CR LF, as the format asks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tracker.dates import PartialDate

SITE_NAME = "AI Policy Tracker"
RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"

# BibTeX's special characters, written so that LaTeX prints them as they are.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_ESCAPES)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass(frozen=True)
class RecordCitation:
    """What a citation of one event's record says."""

    slug: str
    title: str
    date: str  # the event's date (or dates) at their precision, as tracker/dates.py writes it
    url: str
    updated: datetime.date
    accessed: datetime.date

    @property
    def heading(self) -> str:
        """The record's title with the event's date: "AI Seoul Summit (21–22 May 2024)"."""
        return f"{self.title} ({self.date})"

    @property
    def dates_note(self) -> str:
        return f"record updated {day(self.updated)}; accessed {day(self.accessed)}"


def day(date: datetime.date) -> str:
    """A full date as every date on the site reads: "2 June 2025"."""
    return str(PartialDate.of(date))


def for_event(event, url: str, accessed: datetime.date | None = None) -> RecordCitation:
    """The citation of ``event``'s record at ``url`` (its absolute address), accessed today
    unless ``accessed`` is given."""
    return RecordCitation(
        slug=event.slug,
        title=" ".join(event.title.split()),
        date=event.date_display,
        url=url,
        updated=timezone.localdate(event.updated_at),
        accessed=accessed or datetime.date.today(),
    )


def plain_text(citation: RecordCitation) -> str:
    return (
        f"“{citation.title}” ({citation.date}). {SITE_NAME}. {citation.url} "
        f"({citation.dates_note})."
    )


def bibtex_escape(text: str) -> str:
    return text.translate(_BIBTEX_TABLE)


def bibtex(citation: RecordCitation) -> str:
    """An ``@misc`` entry. The corporate author and the title are braced whole, so that no
    style splits the name or lowers the capitals; ``month`` is BibTeX's macro, so that each
    style prints it in its own language. The URL needs no escapes: it is made of the slug."""
    note = bibtex_escape(citation.dates_note[0].upper() + citation.dates_note[1:])
    return (
        f"@misc{{aipolicytracker:{citation.slug},\n"
        f"  author = {{{{{SITE_NAME}}}}},\n"
        f"  title = {{{{{bibtex_escape(citation.heading)}}}}},\n"
        f"  howpublished = {{{SITE_NAME}}},\n"
        f"  year = {{{citation.updated.year}}},\n"
        f"  month = {_MONTHS[citation.updated.month - 1]},\n"
        f"  url = {{{citation.url}}},\n"
        f"  urldate = {{{citation.accessed.isoformat()}}},\n"
        f"  note = {{{note}}},\n"
        "}\n"
    )


def ris(citation: RecordCitation) -> str:
    """A RIS record: ``TAG  - value`` lines ending in CR LF, from ``TY`` to ``ER``."""
    updated, accessed = citation.updated, citation.accessed
    tags = [
        ("TY", "ELEC"),
        ("TI", citation.heading),
        ("AU", SITE_NAME),
        ("PY", str(updated.year)),
        ("DA", f"{updated.year:04d}/{updated.month:02d}/{updated.day:02d}"),
        ("PB", SITE_NAME),
        ("UR", citation.url),
        ("Y2", f"{accessed.year:04d}/{accessed.month:02d}/{accessed.day:02d}"),
        ("N1", citation.dates_note[0].upper() + citation.dates_note[1:] + "."),
        ("ER", ""),
    ]
    # A value never spans lines: RIS readers take a line break as the end of the tag.
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in tags)


def ris_filename(slug: str) -> str:
    return f"ai-policy-tracker-{slug}.ris"
