"""Partial dates: a date known to the day, the month or only the year.

Sources often say only "last December" or "in May". This module is the one place that parses,
orders and formats such dates, so that a month-precision date is always stored on the first
day of its month, sorts and filters as the interval it covers, and reads "December 2023",
never "1 December 2023".

    >>> PartialDate.parse("2023-12")
    PartialDate(date=datetime.date(2023, 12, 1), precision='month')
    >>> str(PartialDate.parse("2023-12"))
    'December 2023'
    >>> format_range(PartialDate.parse("2023-04-24"), PartialDate.parse("2023-04-29"))
    '24–29 April 2023'
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import total_ordering

from django.db import models

EN_DASH = "\u2013"
MONTH_NAMES = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MIN_YEAR = 1000
MAX_YEAR = 9999

_PATTERN = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


PRECISIONS = frozenset(Precision.values)  # read on every PartialDate made: kept, not recomputed


class InvalidPartialDate(ValueError):
    """Raised for a string or value that is not a partial date; the message says why."""


def truncate(date: datetime.date, precision: str) -> datetime.date:
    """The first day of the period of ``precision`` that contains ``date``."""
    if precision == Precision.YEAR:
        return date.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return date.replace(day=1)
    return date


def is_aligned(date: datetime.date, precision: str) -> bool:
    """Whether ``date`` sits where a date of this precision must: on the first of its period."""
    return truncate(date, precision) == date


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date with a precision. ``date`` is the first day of the period it names."""

    date: datetime.date
    precision: str = Precision.DAY

    def __post_init__(self):
        if self.precision not in PRECISIONS:
            raise InvalidPartialDate(f"Unknown precision {self.precision!r}.")
        # Store the plain string so that equality and repr do not depend on the enum.
        if type(self.precision) is not str:
            object.__setattr__(self, "precision", str(Precision(self.precision).value))
        if not is_aligned(self.date, self.precision):
            raise InvalidPartialDate(
                f"A {self.precision}-precision date must be the first day of its "
                f"{self.precision}; got {self.date.isoformat()}."
            )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise InvalidPartialDate otherwise."""
        if not isinstance(text, str):
            raise InvalidPartialDate("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.")
        text = text.strip()
        match = _PATTERN.fullmatch(text)
        if not match:
            raise InvalidPartialDate(
                f"{text[:40]!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD."
                if text
                else "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."
            )
        year = int(match["year"])
        if year < MIN_YEAR:
            raise InvalidPartialDate(f"The year must be between {MIN_YEAR} and {MAX_YEAR}.")
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        if month is not None and not 1 <= month <= 12:
            raise InvalidPartialDate(f"{text!r} has no month {month}: months run from 01 to 12.")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise InvalidPartialDate(
                    f"{text!r} is not a day: {MONTH_NAMES[month]} {year} has {last} days."
                )
            return cls(datetime.date(year, month, day), Precision.DAY)
        if month is not None:
            return cls(datetime.date(year, month, 1), Precision.MONTH)
        return cls(datetime.date(year, 1, 1), Precision.YEAR)

    @classmethod
    def of(cls, date: datetime.date, precision: str = Precision.DAY) -> PartialDate:
        """The partial date of ``precision`` that contains ``date``."""
        return cls(truncate(date, precision), precision)

    @property
    def first(self) -> datetime.date:
        """The first day this date may mean."""
        return self.date

    @property
    def last(self) -> datetime.date:
        """The last day this date may mean."""
        if self.precision == Precision.YEAR:
            return self.date.replace(month=12, day=31)
        if self.precision == Precision.MONTH:
            return self.date.replace(day=calendar.monthrange(self.date.year, self.date.month)[1])
        return self.date

    def contains(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last

    def isoformat(self) -> str:
        """The shortest ISO 8601 form: ``2023``, ``2023-12`` or ``2023-12-09``."""
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def __str__(self) -> str:
        if self.precision == Precision.YEAR:
            return str(self.date.year)
        month_year = f"{MONTH_NAMES[self.date.month]} {self.date.year}"
        if self.precision == Precision.MONTH:
            return month_year
        return f"{self.date.day} {month_year}"

    def _key(self):
        # Earlier first; of two dates that start on the same day, the narrower one first.
        return (self.first, self.last)

    def __lt__(self, other):
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()


def format_range(start: PartialDate, end: PartialDate | None = None) -> str:
    """Format a date or a range, sharing what the two ends have in common.

    ``24–29 April 2023``, ``30 November – 2 December 2023``, ``April–May 2024``,
    ``December 2023 – January 2024``, ``2023–2024``; a single date when ``end`` is missing or
    the same as ``start``.
    """
    if end is None or end == start:
        return str(start)
    same_year = start.date.year == end.date.year
    if start.precision == end.precision == Precision.DAY:
        if same_year and start.date.month == end.date.month:
            return f"{start.date.day}{EN_DASH}{end}"
        if same_year:
            return f"{start.date.day} {MONTH_NAMES[start.date.month]} {EN_DASH} {end}"
    elif start.precision == end.precision == Precision.MONTH:
        if same_year:
            return f"{MONTH_NAMES[start.date.month]}{EN_DASH}{end}"
    elif start.precision == end.precision == Precision.YEAR:
        return f"{start}{EN_DASH}{end}"
    return f"{start} {EN_DASH} {end}"


def axis_label(day: datetime.date, unit: str, with_year: bool = True) -> str:
    """A short label for a tick of a time axis at ``day``: ``21 May`` (or ``21 May 2024``),
    ``May`` (or ``May 2024``), ``2024``; for a decade or a century, its first year."""
    if unit == Precision.DAY:
        text = f"{day.day} {MONTH_NAMES[day.month][:3]}"
        return f"{text} {day.year}" if with_year else text
    if unit == Precision.MONTH:
        text = MONTH_NAMES[day.month][:3]
        return f"{text} {day.year}" if with_year else text
    return str(day.year)
