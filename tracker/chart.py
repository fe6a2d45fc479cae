"""The timeline chart: the current view's events on a time axis, drawn by the server as SVG.

The chart shows the same events as the list below it (the same query string, the same
FilterSet, the same columns of tracker/timeline_index.py). It is laid out here and drawn by
templates/jinja2/includes/chart.html, so it reads with JavaScript off, in print and in a
screenshot; tracker/static/tracker/chart.js adds keyboard movement between marks and zooming
without a page load.

Two pictures, chosen by how many events the view holds:

- **Marks**, when every matching event is on the page (at most a page of them): one mark per
  event (and lane). An event known to the day is a dot (one day) or a bar (several days); an
  event known only to the month or the year is a faded band over the whole month or year,
  with no dot, since no day is known. Scheduled events are hollow, cancelled ones struck
  through. Marks that would overlap are stacked in rows; when a lane would need too many
  rows, the chart counts instead.
- **Counts**, otherwise: events per period (day, month, year, decade or century, whichever
  fits), by the period their start falls in, counted on the columns. Each period with events
  is a link that narrows the view to it. So the chart costs the same at 100,000 events as at
  a thousand, and its size is bounded (``MAX_CELLS``).

Horizontal positions are percentages of the chart's width and vertical ones pixels (the SVG
has no viewBox): the chart takes the width it is given, and its text keeps its size on a
phone instead of shrinking with a scaled picture.

Lanes (``lanes=country``, ``type`` or ``organization``) split the events into labelled rows:
the ``MAX_LANES`` largest, and the others together. Zooming is the view's own ``from`` and
``to``: every zoom is a link, and keeps the other filters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
from django_countries import countries

from tracker import timeline_index
from tracker.dates import PartialDate, axis_label, format_range
from tracker.models import EventStatus, EventType, Organization
from tracker.querystrings import url_with

LANES = {"country": "country", "type": "type", "organization": "organization"}
LANE_MODELS = {"type": EventType, "organization": Organization}
MAX_LANES = 6  # lanes of their own; the rest share one
MAX_MARKS = 50  # events drawn one by one (a page: they are the page's rows)
MAX_ROWS = {None: 8, "lanes": 4}  # rows of stacked marks a lane may take
MIN_GAP = 3.5  # two marks closer than this (percent of the width) go in different rows
MAX_CELLS = 240  # periods times lanes, in counts
MAX_BUCKETS = 60
MAX_TICKS = 9
MAX_YEARS = 100  # a range wider than this is cut to the events (from=1000 widens nothing)
MAX_LABEL = 32  # characters of a lane's label the chart writes (a 375 px phone's width)
MIDDLE_SAMPLE = 50_000  # events sampled for the middle one, that zooming in goes to
MAX_TABLE_DAYS = 400_000  # counting per period, a table of the period of each day up to this

AXIS_HEIGHT = 26
LABEL_HEIGHT = 16
ROW_HEIGHT = 20
CELL_HEIGHT = 30
LANE_GAP = 8
TODAY_HEIGHT = 18

DAY = datetime.timedelta(days=1)
STATUS_WORDS = {
    EventStatus.SCHEDULED: "scheduled",
    EventStatus.POSTPONED: "postponed",
    EventStatus.CANCELLED: "cancelled",
}


@dataclass
class Tick:
    x: str
    label: str
    minor: bool


@dataclass
class Mark:
    """One event in one lane. ``kind`` is ``dot``, ``bar`` or ``band``."""

    kind: str
    status: str
    url: str
    title: str
    date_display: str
    x1: str = ""
    x2: str = ""
    width: str = ""
    y: int = 0
    row: int = 0
    left: float = 0.0
    right: float = 0.0

    @property
    def label(self):
        status = STATUS_WORDS.get(self.status)
        known = {"band": ", day not known"}.get(self.kind, "")
        return f"{self.title}, {self.date_display}{known}{f' ({status})' if status else ''}"


@dataclass
class Cell:
    """The events of one period in one lane."""

    label: str
    count: int
    url: str
    x: str = ""
    width: str = ""
    y: int = 0
    height: int = 0
    text_x: str = ""


@dataclass
class Lane:
    label: str
    count: int
    y: int = 0
    height: int = 0
    top: int = 0  # where its marks or cells begin
    marks: list = field(default_factory=list)
    cells: list = field(default_factory=list)

    @property
    def short_label(self):
        """The label as the chart writes it, cut to fit a phone's width with its count (the
        group's name and the table below give it whole)."""
        if len(self.label) <= MAX_LABEL:
            return self.label
        return self.label[: MAX_LABEL - 1].rstrip(" ,;:-") + "…"


@dataclass
class Link:
    label: str
    url: str
    current: bool = False
    rel: str = ""


@dataclass
class Chart:
    mode: str  # "marks" or "counts"
    caption: str
    range_label: str
    height: int
    ticks: list
    lanes: list
    zoom: list
    lane_links: list
    notice: str = ""
    today_x: str = ""
    today_anchor: str = "middle"
    today_note: str = ""
    unit_label: str = ""
    periods: list = field(default_factory=list)  # (label, url, [count per lane]) for the table
    show_counts: bool = False
    start: str = ""  # the range drawn, as ISO days (for chart.js)
    end: str = ""
    lanes_by: str = ""  # the lanes asked for ("" for none), kept by the filter form

    @property
    def labelled(self):
        return len(self.lanes) > 1 or bool(self.lanes and self.lanes[0].label)


# The range drawn --------------------------------------------------------------------------


@dataclass
class Domain:
    start: datetime.date
    end: datetime.date  # inclusive
    precision: str  # how its ends are aligned: "year", "month" or "day"

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def x(self, day, offset=0.0):
        """``day`` (plus ``offset`` days) as a percentage of the width, within 0–100."""
        value = ((day - self.start).days + offset) / self.days * 100
        return min(100.0, max(0.0, value))

    @property
    def label(self):
        start = PartialDate.of(self.start, self.precision)
        end = PartialDate.of(self.end, self.precision)
        return format_range(start, end)


FIRST_DAY, LAST_DAY = datetime.date(1000, 1, 1), datetime.date(9999, 12, 31)


def _plus(day, days):
    """``day`` moved by ``days``, kept within the years a date may have (1000–9999)."""
    ordinal = min(max(day.toordinal() + days, FIRST_DAY.toordinal()), LAST_DAY.toordinal())
    return datetime.date.fromordinal(ordinal)


def _month_end(day):
    if day.month == 12:
        return day.replace(day=31)
    return day.replace(month=day.month + 1, day=1) - DAY


def _aligned(start, end):
    if start.month == 1 and start.day == 1 and (end.month, end.day) == (12, 31):
        return "year"
    if start.day == 1 and end == _month_end(end):
        return "month"
    return "day"


def near(today, start, end):
    """Whether ``today`` falls within ``start``–``end`` (either may be None: open), or next to
    it: within a tenth of its length, and at least a week."""
    if start is None or end is None:
        slack = datetime.timedelta(days=7)
    else:
        slack = max(datetime.timedelta(days=7), (end - start) / 10)
    return (start is None or (today - start) >= -slack) and (end is None or (end - today) >= -slack)


def domain(since, until, first, last, today):
    """The dates the axis runs over: the view's own range (``since``/``until``, from its
    ``from`` and ``to``), and where it has none the events' (``first`` start to ``last``
    day), rounded out to whole months or years; widened to today when today is next to it."""
    start, end = since or first, until or last
    if (end - start).days > MAX_YEARS * 366:
        start, end = max(start, first), min(end, last)
        since = since if since and since >= first else None
        until = until if until and until <= last else None
    span = (end - start).days
    if since is None:
        if span > 3 * 366:
            start = start.replace(month=1, day=1)
        elif span > 45 or until is None:
            start = start.replace(day=1)
    if until is None:
        if span > 3 * 366:
            end = end.replace(month=12, day=31)
        elif span > 45 or since is None:
            end = _month_end(end)
    # Today is drawn when the view runs on to it (it has a "from" and no "to", or the
    # reverse), or when it falls next to the range drawn.
    runs_on = (since and until is None and today >= start) or (
        until and since is None and today <= end
    )
    if start <= today <= end or not (runs_on or near(today, start, end)):
        pass
    elif today < start:
        start = today.replace(day=1)
    else:
        end = _month_end(today)
    return Domain(start, end, _aligned(start, end))


# The axis -------------------------------------------------------------------------------------

TICK_STEPS = [
    ("day", 1), ("day", 2), ("week", 1), ("week", 2),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 50),
    ("year", 100), ("year", 200), ("year", 500), ("year", 1000),
]  # fmt: skip


def _periods(unit, step, start, end):
    """The first days of the periods of ``step`` ``unit``s from the one holding ``start`` up
    to the one holding ``end``."""
    if unit in ("day", "week"):
        first = start.toordinal()
        if unit == "week":
            first -= start.weekday()
            step *= 7
        for ordinal in range(first, end.toordinal() + 1, step):
            yield datetime.date.fromordinal(ordinal)
    elif unit == "month":
        index = (start.year * 12 + start.month - 1) // step * step
        while index // 12 <= 9999:
            day = datetime.date(index // 12, index % 12 + 1, 1)
            if day > end:
                return
            yield day
            index += step
    else:
        year = start.year // step * step
        while year <= end.year and year <= 9999:
            yield datetime.date(max(year, 1), 1, 1)
            year += step


def ticks(dom):
    for unit, step in TICK_STEPS:
        size = {"day": 1, "week": 7, "month": 30.4, "year": 365.25}[unit] * step
        if dom.days / size <= MAX_TICKS:
            break
    found = []
    previous_year = None
    for day in _periods(unit, step, dom.start, dom.end):
        if day < dom.start:
            continue
        x = dom.x(day)
        label_unit = {"week": "day"}.get(unit, unit)
        with_year = label_unit == "year" or day.year != previous_year
        previous_year = day.year
        label = axis_label(day, label_unit, with_year) if x <= 88 else ""
        found.append(Tick(f"{x:.3f}%", label, minor=len(found) % 2 == 1))
    return found


# Lanes ----------------------------------------------------------------------------------------


def lane_names(name, keys):
    """``{key: (label, slug)}`` of the lanes' records: country names, or one query."""
    if name == "country":
        names = dict(countries)
        return {key: (names.get(code, code), code) for key in keys for code in [_code(key)]}
    rows = LANE_MODELS[name].objects.filter(pk__in=keys).values_list("pk", "name", "slug")
    return {pk: (label, slug) for pk, label, slug in rows}


def _code(key):
    return timeline_index.country_code(int(key))


def top_lanes(columns, name, matching, slots):
    """The ``MAX_LANES`` values of ``name`` with the most matching events, most first, and
    whether some matching event has none of them."""
    if name == "type":
        counts = np.bincount(columns.type[slots])
    else:
        counts = columns.counts(matching, names=[name])[name]
    present = np.flatnonzero(counts)
    ranked = present[np.lexsort((present, -counts[present]))]
    top = ranked[:MAX_LANES].tolist()
    return top, {key: int(counts[key]) for key in top}


def lane_slots(columns, name, value, matching, slots):
    if name == "type":
        return slots[columns.type[slots] == value]
    linked = columns.links[name].slots_linked([value])  # each slot once (links are pairs)
    return linked[matching[linked]]


def values_of(columns, name, slot):
    """The values of ``name`` (a type, countries, organizations) of one event's slot."""
    if name == "type":
        return [int(columns.type[slot])]
    links = columns.links[name]
    found = []
    if slot < len(links.by_slot) - 1:
        found = links.values[links.by_slot[slot] : links.by_slot[slot + 1]].tolist()
    tail = links.values[links.indexed :][links.tail_slots == slot]
    return found + tail.tolist()


# Counting per period --------------------------------------------------------------------------

BUCKETS = [("day", 1), ("month", 1), ("year", 1), ("year", 10), ("year", 100), ("year", 1000)]


def buckets(dom, lanes):
    """``(unit, step, first days)`` of the periods counted: the finest that gives at most
    ``MAX_BUCKETS`` periods (fewer, the more lanes), counted before they are listed."""
    limit = max(12, min(MAX_BUCKETS, MAX_CELLS // max(1, lanes)))
    months = (dom.end.year - dom.start.year) * 12 + dom.end.month - dom.start.month + 1
    for unit, step in BUCKETS:
        if unit == "day":
            count = dom.days
        elif unit == "month":
            count = months
        else:
            count = dom.end.year // step - dom.start.year // step + 1
        if count <= limit:
            break
    return unit, step, list(_periods(unit, step, dom.start, dom.end))


def _bucket_index(columns, slots, starts, end):
    """The period (an index into ``starts``, the periods' first days; the last ends on
    ``end``) each slot's event starts in; an event starting before the first period counts in
    it. A table of the period of each day of the range, then one lookup per event: a million
    events in a few milliseconds (a binary search per event takes ten times as long)."""
    firsts = np.fromiter((timeline_index.day_number(day) for day in starts), dtype=np.int64)
    days = columns.first[slots]
    span = timeline_index.day_number(end) - int(firsts[0]) + 1
    if span > MAX_TABLE_DAYS:  # millennia: search instead
        return np.maximum(np.searchsorted(firsts, days, side="right") - 1, 0)
    table = np.searchsorted(firsts, np.arange(firsts[0], firsts[0] + span), side="right") - 1
    return table.astype(np.int32)[np.clip(days - firsts[0], 0, span - 1)]


def _period_end(unit, step, day):
    if unit == "day":
        return day
    if unit == "month":
        index = min(day.year * 12 + day.month - 1 + step - 1, 9999 * 12 + 11)
        return _month_end(datetime.date(index // 12, index % 12 + 1, 1))
    return datetime.date(min(9999, day.year + step - 1), 12, 31)


def period_range(unit, step, day):
    """``(label, from, to)`` of the period that begins on ``day``."""
    if unit == "day":
        text = day.isoformat()
        return str(PartialDate(day)), text, text
    if unit == "month":
        month = PartialDate(day, "month")
        return str(month), month.isoformat(), month.isoformat()
    first = PartialDate(day, "year")
    if step == 1:
        return str(first), first.isoformat(), first.isoformat()
    last = PartialDate(_period_end(unit, step, day).replace(month=1, day=1), "year")
    return format_range(first, last), first.isoformat(), last.isoformat()


# Zoom ------------------------------------------------------------------------------------------

LEVELS = [
    ("year", 100), ("year", 20), ("year", 10), ("year", 5), ("year", 2), ("year", 1),
    ("month", 6), ("month", 3), ("month", 1), ("week", 1), ("day", 1),
]  # fmt: skip


def _window(unit, step, center):
    start = next(_periods(unit, step, center, center))
    if unit == "week":
        return start, _plus(start, 6)
    return start, _period_end(unit, step, start)


def _level_days(unit, step):
    return {"day": 1, "week": 7, "month": 30.4, "year": 365.25}[unit] * step


def range_query(start, end):
    """``from`` and ``to`` for the days ``start``–``end``, as short as they can be said."""
    precision = _aligned(start, end)
    return PartialDate.of(start, precision).isoformat(), PartialDate.of(end, precision).isoformat()


def _shifted(dom, direction):
    if dom.precision == "year":
        years = dom.end.year - dom.start.year + 1
        move = years * direction
        if not dom.start.year + move >= 1000 and dom.end.year + move <= 9999:
            return None
        return dom.start.replace(year=dom.start.year + move), dom.end.replace(
            year=dom.end.year + move
        )
    if dom.precision == "month":
        months = (dom.end.year - dom.start.year) * 12 + dom.end.month - dom.start.month + 1
        index = dom.start.year * 12 + dom.start.month - 1 + months * direction
        start = datetime.date(index // 12, index % 12 + 1, 1)
        index += months - 1
        end = _month_end(datetime.date(index // 12, index % 12 + 1, 1))
        return start, end
    return _plus(dom.start, dom.days * direction), _plus(dom.end, dom.days * direction)


def zoom_links(request, dom, has_range, focus=None):
    """Earlier, Zoom out, Zoom in, Later (and All dates): links to the view's own ``from`` and
    ``to``. Zooming in goes to the period around ``focus`` (the view's middle event), so it
    lands on events, not on an empty middle of the range."""

    def link(label, start, end, rel=""):
        since, until = range_query(start, end)
        return Link(label, url_with(request, **{"from": since, "to": until}), rel=rel)

    center = dom.start + (dom.days // 2) * DAY
    links = []
    try:
        earlier = _shifted(dom, -1)
        if earlier and earlier[0].year >= 1000:
            links.append(link("Earlier", *earlier, rel="prev"))
    except (OverflowError, ValueError):
        pass
    for level in LEVELS[::-1]:  # the narrowest wider window that holds the whole range
        if _level_days(*level) > dom.days * 1.3:
            start, end = _window(*level, center)
            if start <= dom.start and dom.end <= end:
                links.append(link("Zoom out", start, end, rel="zoom-out"))
                break
    narrower = [level for level in LEVELS if _level_days(*level) < dom.days * 0.75]
    if narrower:
        links.append(link("Zoom in", *_window(*narrower[0], focus or center), rel="zoom-in"))
    try:
        later = _shifted(dom, 1)
        if later and later[1].year <= 9999:
            links.append(link("Later", *later, rel="next"))
    except (OverflowError, ValueError):
        pass
    if has_range:
        links.append(Link("All dates", url_with(request, **{"from": None, "to": None}), rel="all"))
    return links


# The whole chart ------------------------------------------------------------------------------


def lanes_parameter(request):
    """``(lanes, notice)``: the ``lanes`` asked for (None for none) and what to say about a
    value that is not understood."""
    values = [value for value in request.GET.getlist("lanes") if value != ""]
    if not values:
        return None, ""
    value = values[-1]
    if value in LANES and len(set(values)) == 1:
        return value, ""
    if len(set(values)) > 1:
        return None, (
            "The chart has one kind of lanes at a time: choose country, type or organization. "
            "The chart is shown without lanes."
        )
    shown = value[:40].replace("\x00", "")
    return None, (
        f"Lanes “{shown}” are not understood: choose country, type or organization. "
        "The chart is shown without lanes."
    )


def build(request, selection, rows, today, per_page):
    """The chart of a timeline view, or None when no event matches it.

    ``selection`` is the view's ``timeline_index.Selection``; ``rows`` its page's rows
    (tracker/views/rows.py), which are every matching event when there are at most
    ``per_page``."""
    lanes_by, notice = lanes_parameter(request)
    columns = selection.columns
    matching = selection.matching
    slots = np.flatnonzero(matching)
    data = getattr(selection.filterset.form, "cleaned_data", {})
    since = data["from"].first if data.get("from") else None
    until = data["to"].last if data.get("to") else None
    if len(slots):
        first = timeline_index.from_day_number(columns.first[slots].min())
        last = timeline_index.from_day_number(columns.last[slots].max())
    elif since or until:  # an empty stretch of time: the axis, to move and zoom out from
        first = since or _plus(until, -365)
        last = until or _plus(since, 365)
    else:
        return None
    dom = domain(since, until, first, last, today)

    if lanes_by:
        top, counts = top_lanes(columns, lanes_by, matching, slots)
        names = lane_names(lanes_by, top)
        top = [key for key in top if key in names]
    else:
        top, counts, names = [], {}, {}

    chart = None
    total = len(slots)
    if not total:
        chart = Chart("marks", "No event", "", AXIS_HEIGHT + 24, [], [], [], [])
    elif total <= min(MAX_MARKS, per_page) and len(rows) == total:
        chart = _marks(columns, rows, dom, lanes_by, top, counts, names)
    if chart is None:
        chart = _counts(request, columns, matching, slots, dom, lanes_by, top, counts, names)
    chart.notice = notice
    chart.lanes_by = lanes_by or ""
    chart.range_label = dom.label
    chart.start, chart.end = dom.start.isoformat(), dom.end.isoformat()
    chart.ticks = ticks(dom)
    chart.zoom = zoom_links(request, dom, bool(since or until), _middle_event(columns, slots, dom))
    chart.lane_links = [
        Link(label, url_with(request, lanes=value), current=value == lanes_by)
        for value, label in [(None, "None"), ("country", "Country"), ("type", "Type"),
                             ("organization", "Organization")]
    ]  # fmt: skip
    if dom.start <= today <= dom.end:
        x = dom.x(today, 0.5)
        chart.today_x = f"{x:.3f}%"
        chart.today_anchor = "end" if x > 85 else "start" if x < 15 else "middle"
        chart.height += TODAY_HEIGHT
    else:
        side = "after" if today > dom.end else "before"
        chart.today_note = f"Today, {PartialDate(today)}, is {side} this range."
    return chart


def _middle_event(columns, slots, dom):
    """The start of the view's middle event in time (within the range drawn), or None; over
    many events, the middle of an even sample of them."""
    if not len(slots):
        return None
    days = columns.first[slots[:: max(1, len(slots) // MIDDLE_SAMPLE)]]
    middle = int(np.partition(days, len(days) // 2)[len(days) // 2])
    return min(max(timeline_index.from_day_number(middle), dom.start), dom.end)


def _lane_label(lanes_by, key, names):
    return names[key][0]


def _marks(columns, rows, dom, lanes_by, top, counts, names):
    """Marks of every event, or None when a lane would need too many rows."""
    rows = sorted(rows, key=lambda row: (row.start_date, row.last_day, row.pk))
    if lanes_by:
        lanes = {key: Lane(_lane_label(lanes_by, key, names), counts[key]) for key in top}
        others = Lane(f"Other {lanes_by}s or none" if top else f"No {lanes_by}", 0)
    else:
        lanes, others = {}, Lane("", len(rows))
    for row in rows:
        mark = _mark(row, dom)
        keys = []
        if lanes_by:
            slot = int(columns.slot_of_pk[row.pk]) if row.pk < len(columns.slot_of_pk) else -1
            values = values_of(columns, lanes_by, slot) if slot >= 0 else []
            keys = [value for value in dict.fromkeys(values) if value in lanes]
        for key in keys:
            lanes[key].marks.append(Mark(**vars(mark)))
        if not keys:
            others.marks.append(mark)
            if lanes_by:
                others.count += 1
    shown = [lane for lane in lanes.values() if lane.marks]
    if others.marks:
        shown.append(others)
    limit = MAX_ROWS["lanes" if lanes_by else None]
    y = AXIS_HEIGHT
    for lane in shown:
        rows_used = _stack(lane.marks)
        if rows_used > limit:
            return None
        lane.y = y
        lane.top = y + (LABEL_HEIGHT if lane.label else 2)
        lane.height = rows_used * ROW_HEIGHT
        for mark in lane.marks:
            mark.y = lane.top + mark.row * ROW_HEIGHT + ROW_HEIGHT // 2
        y = lane.top + lane.height + LANE_GAP
    count = len(rows)
    return Chart(
        mode="marks",
        caption=f"{count} event{'s' if count != 1 else ''}",
        range_label="",
        height=y,
        ticks=[],
        lanes=shown,
        zoom=[],
        lane_links=[],
    )


def _mark(row, dom):
    precise = row.start_precision == "day" and row.end_precision in ("", "day")
    mark = Mark(
        kind="dot",
        status=row.status,
        url=row.url,
        title=row.title,
        date_display=row.date_display,
    )
    if not precise:
        left, right = dom.x(row.start_date), dom.x(row.last_day, 1)
        mark.kind = "band"
        mark.x1, mark.width = f"{left:.3f}%", f"{max(right - left, 0.2):.3f}%"
    else:
        left, right = dom.x(row.start_date, 0.5), dom.x(row.last_day, 0.5)
        mark.kind = "bar" if row.last_day > row.start_date else "dot"
        mark.x1, mark.x2 = f"{left:.3f}%", f"{right:.3f}%"
    mark.left, mark.right = left, right
    return mark


def _stack(marks):
    """Give each mark a row, so that no two in a row come closer than ``MIN_GAP``; the number
    of rows used."""
    ends = []
    for mark in sorted(marks, key=lambda m: (m.left, m.right)):
        for row, end in enumerate(ends):
            if mark.left >= end + MIN_GAP:
                mark.row, ends[row] = row, mark.right
                break
        else:
            mark.row = len(ends)
            ends.append(mark.right)
    marks.sort(key=lambda m: (m.left, m.row))
    return max(1, len(ends))


def _kept_query(request, changed):
    """The query string without the keys ``changed`` (nor ``page``), encoded once, to which
    changes are appended: ``?kept&`` or ``?``."""
    kept = urlencode(
        [
            (key, value)
            for key, values in request.GET.lists()
            if key not in changed and key != "page"
            for value in values
            if value != ""
        ]
    )
    return f"?{kept}&" if kept else "?"


def _counts(request, columns, matching, slots, dom, lanes_by, top, counts, names):
    groups = []
    if lanes_by:
        covered = np.zeros(columns.size, dtype=bool)
        for key in top:
            chosen = lane_slots(columns, lanes_by, key, matching, slots)
            covered[chosen] = True
            slug = names[key][1]
            groups.append((Lane(names[key][0], counts[key]), chosen, {lanes_by: slug}))
        rest = slots[~covered[slots]]
        if len(rest):
            label = f"Other {lanes_by}s or none" if top else f"No {lanes_by}"
            groups.append((Lane(label, len(rest)), rest, {}))
    else:
        groups.append((Lane("", len(slots)), slots, {}))
    unit, step, starts = buckets(dom, len(groups))
    show_counts = len(starts) <= 16
    room = CELL_HEIGHT - 12 if show_counts else CELL_HEIGHT  # the numbers go above the bars
    # Each matching event's period (at most the last), worked out once: an event is in
    # several lanes.
    index = np.minimum(_bucket_index(columns, slots, starts, dom.end), len(starts) - 1)
    if lanes_by:
        bucket_of = np.zeros(columns.size, dtype=np.int32)
        bucket_of[slots] = index
        per_group = [
            np.bincount(bucket_of[chosen], minlength=len(starts)) for _, chosen, _ in groups
        ]
    else:
        per_group = [np.bincount(index, minlength=len(starts))]
    # A cell's link: the rest of the query string, its period, its lane; each encoded once,
    # not once for each of hundreds of cells.
    prefix = _kept_query(request, {"from", "to", *([lanes_by] if lanes_by else [])})
    tallest = max(int(found.max()) for found in per_group) or 1
    periods = []
    y = AXIS_HEIGHT
    named = [period_range(unit, step, start) for start in starts]
    ranges = [urlencode({"from": since, "to": until}) for _, since, until in named]
    period_prefix = _kept_query(request, {"from", "to"})
    for (label, _, _), query in zip(named, ranges, strict=True):
        periods.append([label, period_prefix + query, []])
    # Where each period's cells go across (the same in every lane): x, width, the count's x.
    across = []
    for start in starts:
        left = dom.x(start)
        width = dom.x(_period_end(unit, step, start), 1) - left
        across.append(
            (f"{left + width * 0.08:.2f}%", f"{max(width * 0.84, 0.15):.2f}%",
             f"{left + width / 2:.2f}%")
        )  # fmt: skip
    lanes = []
    for (lane, _, narrowing), found in zip(groups, per_group, strict=True):
        narrowed = f"&{urlencode(narrowing)}" if narrowing else ""
        lane.y = y
        lane.top = y + (LABEL_HEIGHT if lane.label else 2)
        lane.height = CELL_HEIGHT
        where = f", {lane.label}" if lane.label else ""
        for i, n in enumerate(found.tolist()):
            periods[i][2].append(n)
            if not n:
                continue
            x, width, text_x = across[i]
            height = max(3, round(room * n / tallest))
            cell = Cell(
                label=f"{named[i][0]}{where}: {n:,} event{'s' if n != 1 else ''}",
                count=n,
                url=prefix + ranges[i] + narrowed,
                x=x,
                width=width,
                y=lane.top + CELL_HEIGHT - height,
                height=height,
                text_x=text_x,
            )
            lane.cells.append(cell)
        lanes.append(lane)
        y = lane.top + CELL_HEIGHT + LANE_GAP
    unit_label = (
        {"day": "day", "month": "month", "year": "year"}[unit]
        if step == 1
        else ("decade" if step == 10 else "century" if step == 100 else "millennium")
    )
    total = len(slots)
    return Chart(
        mode="counts",
        caption=f"{total:,} events, counted per {unit_label}",
        range_label="",
        height=y,
        ticks=[],
        lanes=lanes,
        zoom=[],
        lane_links=[],
        unit_label=unit_label,
        periods=[(label, url, found) for label, url, found in periods if any(found)],
        show_counts=show_counts,
    )
