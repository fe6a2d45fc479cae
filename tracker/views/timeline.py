"""The public timeline: every filtered view is a URL."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import InvalidPage, Paginator
from django.http import HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.utils.functional import cached_property
from django_countries import countries
from django_filters.views import FilterView

from tracker import chart, facets, search, timeline_index, typed_names
from tracker.dates import PartialDate
from tracker.exports.links import export_query, format_links
from tracker.filters import EventFilterSet
from tracker.models import Event, EventStatus
from tracker.querystrings import url_with, url_without
from tracker.views.rows import load_rows

PER_PAGE = 50


class CountedPaginator(Paginator):
    """A paginator told its count, so it does not count again."""

    def __init__(self, *args, count, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count


@dataclass
class MonthGroup:
    label: str
    events: list = field(default_factory=list)
    marker_before: bool = False  # "Today" falls before this month's heading


@dataclass
class YearGroup:
    year: int | None
    months: list = field(default_factory=list)
    marker_before: bool = False  # "Today" falls before this year's heading


@dataclass
class Chip:
    label: str
    remove_url: str


class TimelineView(FilterView):
    filterset_class = EventFilterSet
    template_name = "tracker/timeline.html"
    context_object_name = "page_ids"  # the page's events, with all they show: page_events
    strict = False  # a filter that is not understood is reported; the others still apply
    paginate_by = PER_PAGE

    def get_queryset(self):
        return Event.objects.published()

    def get(self, request, *args, **kwargs):
        """As FilterView's, without building the filterset's queryset: the events are chosen
        from the timeline's columns (``paginate_queryset``), which read the same filterset's
        cleaned data. The exports and the API filter the queryset the same filterset builds,
        and tests/test_timeline_index.py holds the two to the same answers."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        # A person or an organization typed by name: its key, or the choices (typed_names.py).
        self.typed_names = typed_names.resolve(request, self.filterset)
        if self.typed_names.redirect:
            return HttpResponseRedirect(self.typed_names.redirect)
        self.object_list = self.get_queryset()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so an empty query string is simply "no filters" and validates.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    @cached_property
    def highlight_terms(self):
        text = self.filterset.search_text
        return search.parse(text).terms if text else []

    @cached_property
    def today(self):
        return datetime.date.today()

    def paginate_queryset(self, queryset, page_size):
        """Like Django's, but the events are chosen and counted on the timeline's columns
        (tracker/timeline_index.py), and a bad page number is reported instead of a 404."""
        self.selection = timeline_index.select(self.filterset)
        self.summary = facets.summary(self.selection)
        paginator = CountedPaginator(range(self.summary.total), page_size, count=self.summary.total)
        raw = self.request.GET.get("page") or "1"
        self.page_notice = ""
        try:
            number = int(raw) if len(raw) < 20 else None
        except ValueError:
            number = None
        if number is None and raw.isascii() and raw.isdigit():  # a page number, too far
            number = paginator.num_pages + 1
            raw = raw[:20] + "…"
        if number is None or number < 1:
            self.page_notice = f"Page “{raw[:20]}” is not a page number; showing page 1."
            number = 1
        elif number > paginator.num_pages:
            self.page_notice = f"There is no page {raw}; the last page is {paginator.num_pages}."
            number = paginator.num_pages
        try:
            page = paginator.page(number)
        except InvalidPage:
            page = paginator.page(1)
        self.page_number = page.number
        self.last_page_number = paginator.num_pages
        page.object_list = self.selection.page((page.number - 1) * page_size, page_size)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        page_events = self.load_page(context["page_obj"].object_list)
        drawn = chart.build(self.request, self.selection, page_events, self.today, PER_PAGE)
        self.place_today_marker(page_events, drawn)
        context.update(
            nav="timeline",
            page_events=page_events,
            groups=self.group(page_events),
            today=self.today,
            today_display=str(PartialDate(self.today)),
            total=context["paginator"].count,
            facets=self.summary.facets,
            chips=self.chips(),
            chart=drawn,
            today_after_list=self.today_after_list,
            order=filterset.ordering_mode,
            order_urls={
                # Newest first is the order unless there is a search: then it must be said.
                "desc": url_with(self.request, order="desc")
                if filterset.search_text
                else url_without(self.request, "order"),
                "asc": url_with(self.request, order="asc"),
                "relevance": url_without(self.request, "order"),
            },
            highlight_terms=self.highlight_terms,
            quoted_search=search.quoted(truncatechars(filterset.search_text, 60)),
            page_notice=getattr(self, "page_notice", ""),
            errors=self.errors(),
            name_notices=self.typed_names.notices,
        )
        query = export_query(self.request, filterset)
        context.update(export_query=query, format_links=format_links(query))
        return context

    def errors(self):
        """The filters' errors, less those the typed-name notices say better."""
        if not self.filterset.is_bound:
            return {}
        errors = self.filterset.form.errors
        told = self.typed_names.fields
        return {name: messages for name, messages in errors.items() if name not in told}

    def load_page(self, page):
        """The page's events with everything a row shows, in a fixed number of queries."""
        return load_rows(page, self.today, self.highlight_terms)

    def place_today_marker(self, events, drawn):
        """Mark the event before which "today" falls, in either chronological order; only
        where the chart draws today, within the view's dates or next to them (``from`` and
        ``to``, or where it has none its events' first and last days): not under a view
        whose events ended years ago."""
        self.today_after_list = False
        order = self.filterset.ordering_mode
        if order == "relevance" or not events or drawn is None or not drawn.today_x:
            return
        index = None
        for i, event in enumerate(events):
            ongoing_or_later = event.last_day >= self.today
            if order == "desc" and not ongoing_or_later:
                index = i
                break
            if order == "asc" and ongoing_or_later:
                index = i
                break
        # At the top of a page only on the first: elsewhere "today" lies on an earlier page;
        # after every event only on the last (oldest first, every event is past).
        if index is not None and (index > 0 or self.page_number == 1):
            events[index].marker_before = True
        elif index is None and self.page_number == self.last_page_number:
            self.today_after_list = True

    def group(self, events):
        """Events under year and month headings; in relevance order, one list without."""
        if self.filterset.ordering_mode == "relevance":
            return [YearGroup(None, [MonthGroup("", events)])] if events else []
        years = []
        for event in events:
            if not years or years[-1].year != event.start_date.year:
                years.append(YearGroup(event.start_date.year))
            if event.start_precision == "year":
                label = f"{event.start_date.year}, month not known"
            else:
                label = str(PartialDate.of(event.start_date, "month"))
            months = years[-1].months
            if not months or months[-1].label != label:
                months.append(MonthGroup(label))
            months[-1].events.append(event)
        # "Today" before a month's first event goes above the month's heading (and the year's,
        # when it is the year's first month): not under "May 2024" when it is not in May 2024.
        for year in years:
            for i, month in enumerate(year.months):
                if month.events[0].marker_before:
                    month.events[0].marker_before = False
                    if i == 0:
                        year.marker_before = True
                    else:
                        month.marker_before = True
        return years

    def chips(self):
        filterset, request = self.filterset, self.request
        if not filterset.is_bound:
            return []
        chips = []
        if filterset.search_text:
            label = f"Search: {search.quoted(filterset.search_text)}"
            chips.append(Chip(label, url_without(request, "q")))
        for name in ("from", "to"):
            value = filterset.form.cleaned_data.get(name)
            if value:
                chips.append(Chip(f"{name.title()}: {value}", url_without(request, name)))
        labels = dict(EventStatus.choices)
        for name in filterset.FACETS:
            for value in filterset.active(name):
                if name == "country":
                    text, key = countries.name(value) or value, value
                elif name == "status":
                    text, key = labels.get(value, value), value
                else:
                    text, key = value.name, value.slug
                label = f"{filterset.filters[name].label}: {text}"
                chips.append(Chip(label, url_without(request, name, key)))
        return chips
