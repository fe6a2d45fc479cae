"""The indexes a reader finds their way by: topics, countries (and one country), sources.

Each is paginated and runs a fixed number of queries, whatever the size of the timeline:
numbers of events are read from the timeline's columns (tracker/timeline_index.py), which
hold every published event's topics and countries already; the rest are a page of rows and
one grouped query for what that page shows.
"""

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.views.generic import ListView, TemplateView
from django_countries import countries

from tracker import timeline_index
from tracker.models import Citation, Event, Organization, Person, Source, Topic
from tracker.views.records import (
    RECENT_EVENTS,
    attach_event_counts,
    attach_organization_event_counts,
)

# Events listed under each source on /sources/ (a source cited by more says how many more).
EVENTS_PER_SOURCE = 10
# What /sources/ shows of each: its title and link, its dates.
CITING_EVENT_FIELDS = [
    "title", "slug", "start_date", "start_precision", "end_date", "end_precision",
]  # fmt: skip


def event_totals(name):
    """Published events per value of the timeline's link ``name`` ("topic", "country"), as
    a numpy array by value (a topic's id, a country's number)."""
    return timeline_index.INDEX.current().totals[name]


def count_of(totals, index):
    return int(totals[index]) if 0 <= index < len(totals) else 0


class TopicListView(ListView):
    """Every topic, A to Z, with its number of published events."""

    template_name = "tracker/topic_list.html"
    paginate_by = 200

    def get_queryset(self):
        return Topic.objects.order_by("name", "pk").only("name", "slug", "description")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = event_totals("topic")
        topics = list(context["object_list"])
        for topic in topics:
            topic.event_count = count_of(totals, topic.pk)
        context.update(nav="topics", topics=topics)
        return context


def country_rows():
    """Every country with a published event, an organization or a person, A to Z by name:
    ``{"code", "name", "events", "organizations", "people"}`` (two grouped queries)."""
    totals = event_totals("country")
    events = {
        timeline_index.country_code(number): int(totals[number])
        for number in totals.nonzero()[0].tolist()
    }
    organizations = dict(
        Organization.objects.exclude(country="")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("country", "n")
    )
    people = dict(
        Person.objects.exclude(country="")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("country", "n")
    )
    rows = []
    for code in {*events, *organizations, *people}:
        if code not in countries:
            continue  # a code django-countries does not know has no page
        rows.append(
            {
                "code": code,
                "slug": code.lower(),
                "name": countries.name(code),
                "events": events.get(code, 0),
                "organizations": organizations.get(code, 0),
                "people": people.get(code, 0),
            }
        )
    return sorted(rows, key=lambda row: row["name"])


class CountryListView(ListView):
    """The countries the record involves, with their events, organizations and people."""

    template_name = "tracker/country_list.html"
    paginate_by = 100

    def get_queryset(self):
        return country_rows()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nav="countries", country_rows=context["object_list"])
        return context


def country_or_404(code):
    """The ISO code of ``code`` (any case), or 404."""
    upper = code.upper()
    if len(upper) != 2 or not upper.isascii() or not upper.isalpha() or upper not in countries:
        raise Http404("No such country.")
    return upper


class CountryDetailView(TemplateView):
    """One country: its latest events (all of them on the timeline), and its organizations
    and people, paginated together (page N shows the Nth hundred of each)."""

    template_name = "tracker/country_detail.html"
    per_page = 100

    def get(self, request, *args, **kwargs):
        code = country_or_404(kwargs["code"])
        # /countries/KR/ answers as /countries/kr/ does (codes are written both ways), and
        # names the lower-case address as the page's own.
        request.canonical_path = reverse("tracker:country", args=[code.lower()])
        self.code = code
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.code
        total, ids = timeline_index.latest(
            "country", [timeline_index.country_number(code)], RECENT_EVENTS
        )
        found = Event.objects.published().filter(pk__in=ids).select_related("event_type")
        by_id = {event.pk: event for event in found}
        organizations = Paginator(
            Organization.objects.filter(country=code).order_by("name", "pk"), self.per_page
        )
        people = Paginator(
            Person.objects.filter(country=code).order_by("name", "pk"), self.per_page
        )
        pages = max(organizations.num_pages, people.num_pages)
        number = self.request.GET.get("page") or 1
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise Http404("That page is not a number.") from None
        if not 1 <= number <= pages:
            raise Http404("No such page.")
        org_page = organizations.page(number) if number <= organizations.num_pages else []
        person_page = people.page(number) if number <= people.num_pages else []
        longer = organizations if organizations.num_pages >= people.num_pages else people
        page_obj = longer.page(number)
        context.update(
            nav="countries",
            code=code,
            name=countries.name(code),
            events=[by_id[pk] for pk in ids if pk in by_id],
            event_total=total,
            timeline_url=f"{reverse('tracker:timeline')}?country={code}",
            organizations=attach_organization_event_counts(org_page),
            organization_total=organizations.count,
            people=attach_event_counts(person_page, "person"),
            person_total=people.count,
            page_obj=page_obj,
            paginator=page_obj.paginator,
            is_paginated=pages > 1,
        )
        return context


class SourceListView(ListView):
    """Every source, by publisher and title, each with the published events that cite it
    (the first few, by date, and how many in all)."""

    template_name = "tracker/source_list.html"
    paginate_by = 50

    def get_queryset(self):
        # Counted for the page only (below): a count annotated here would be counted for
        # every source before the page is cut (a second at 20,000 sources).
        return Source.objects.order_by("publisher", "title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sources = list(context["object_list"])
        # The first few citing events of each source, and how many cite it in all (a source
        # is cited once per event: citation_unique), in one query.
        citations = (
            Citation.objects.filter(source__in=sources, event__published=True)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("source_id"),
                    order_by=[F("event__start_date"), F("event__last_day"), F("event_id")],
                ),
                total=Window(Count("pk"), partition_by=F("source_id")),
            )
            .filter(rank__lte=EVENTS_PER_SOURCE)
            .select_related("event")
            .only("source_id", *(f"event__{name}" for name in CITING_EVENT_FIELDS))
            .order_by("source_id", "rank")
        )
        events, totals = {}, {}
        event_url = reverse("tracker:event", args=["-"])[:-2]  # reversed once, not per event
        for citation in citations:
            citation.event.url = f"{event_url}{citation.event.slug}/"
            events.setdefault(citation.source_id, []).append(citation.event)
            totals[citation.source_id] = citation.total
        for source in sources:
            source.event_list = events.get(source.pk, [])
            source.event_total = totals.get(source.pk, 0)
        context.update(nav="sources", sources=sources)
        return context

