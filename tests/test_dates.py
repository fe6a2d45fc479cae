import datetime

import pytest

from tracker.dates import InvalidPartialDate, PartialDate, format_range, truncate

D = datetime.date


def p(text):
    return PartialDate.parse(text)


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("2023", D(2023, 1, 1), "year"),
        ("2023-12", D(2023, 12, 1), "month"),
        ("2023-12-09", D(2023, 12, 9), "day"),
        (" 2024-02-29 ", D(2024, 2, 29), "day"),
    ],
)
def test_parse(text, date, precision):
    parsed = p(text)
    assert (parsed.date, parsed.precision) == (date, precision)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-13", "no month 13"),
        ("2023-00", "no month 0"),
        ("2023-02-30", "February 2023 has 28 days"),
        ("2023-02-29", "February 2023 has 28 days"),
        ("2023-04-31", "April 2023 has 30 days"),
        ("abc", "is not a date"),
        ("", "Enter a date"),
        ("   ", "Enter a date"),
        ("2023-1-5", "is not a date"),
        ("20231", "is not a date"),
        ("0999", "between 1000 and 9999"),
        ("2023-12-09T10:00", "is not a date"),
        ("2023\x00", "is not a date"),
    ],
)
def test_parse_rejects_bad_strings_with_a_reason(text, message):
    with pytest.raises(InvalidPartialDate, match=message):
        p(text)


def test_parse_rejects_non_strings():
    with pytest.raises(InvalidPartialDate):
        PartialDate.parse(None)


def test_leap_day_is_a_day_in_leap_years_only():
    assert p("2024-02-29").date == D(2024, 2, 29)
    assert p("2000-02-29").last == D(2000, 2, 29)
    with pytest.raises(InvalidPartialDate):
        p("1900-02-29")


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("2023-12", D(2023, 12, 1), D(2023, 12, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28)),
        ("2023-04", D(2023, 4, 1), D(2023, 4, 30)),
        ("2023-12-09", D(2023, 12, 9), D(2023, 12, 9)),
    ],
)
def test_interval(text, first, last):
    assert (p(text).first, p(text).last) == (first, last)


def test_december_runs_into_january_only_by_a_day():
    december = p("2023-12")
    assert december.last == D(2023, 12, 31)
    assert december.last + datetime.timedelta(days=1) == p("2024-01").first
    assert not december.contains(D(2024, 1, 1))
    assert december.contains(D(2023, 12, 31))


def test_a_misaligned_partial_date_cannot_be_built():
    with pytest.raises(InvalidPartialDate, match="first day of its month"):
        PartialDate(D(2023, 12, 9), "month")
    with pytest.raises(InvalidPartialDate, match="first day of its year"):
        PartialDate(D(2023, 3, 1), "year")
    assert PartialDate.of(D(2023, 12, 9), "month") == p("2023-12")
    assert truncate(D(2023, 12, 9), "year") == D(2023, 1, 1)


def test_ordering_is_by_interval_start_then_narrower_first():
    dates = [p("2024"), p("2023-12-09"), p("2023-12"), p("2023"), p("2024-01-01")]
    assert [d.isoformat() for d in sorted(dates)] == [
        "2023",
        "2023-12",
        "2023-12-09",
        "2024-01-01",
        "2024",
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2023-12", "December 2023"),
        ("2023-12-09", "9 December 2023"),
        ("2023", "2023"),
        ("2024-05", "May 2024"),
    ],
)
def test_single_dates_read_as_precisely_as_they_are_known(text, shown):
    assert str(p(text)) == shown
    assert p(text).isoformat() == text


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2023-04-24", "2023-04-29", "24–29 April 2023"),
        ("2024-05-21", "2024-05-22", "21–22 May 2024"),
        ("2023-11-30", "2023-12-02", "30 November – 2 December 2023"),
        ("2023-12-30", "2024-01-02", "30 December 2023 – 2 January 2024"),
        ("2024-04", "2024-05", "April–May 2024"),
        ("2023-12", "2024-01", "December 2023 – January 2024"),
        ("2023", "2024", "2023–2024"),
        ("2023-12", "2024-01-15", "December 2023 – 15 January 2024"),
        ("2024-05", "2024-05", "May 2024"),
        ("2024-05-21", None, "21 May 2024"),
    ],
)
def test_ranges(start, end, shown):
    assert format_range(p(start), p(end) if end else None) == shown
