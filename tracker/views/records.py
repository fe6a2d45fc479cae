"""The record pages: an event, an organization, a person, a topic, and the two indexes."""

import datetime
import re
from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView
from django_countries import countries

from tracker import citations, timeline_index
from tracker.caching import keep_private
from tracker.filters import MAX_VALUES
from tracker.models import (
    Citation,
    Event,
    EventRelation,
    MergedSlug,
    Organization,
    Participation,
    Person,
    Role,
    Topic,
)
from tracker.structured_data import event_json_ld

RECENT_EVENTS = 20
TYPEAHEAD_RESULTS = 20
MAX_SEARCH_LENGTH = 200


class FollowsMerges:
    """A record page at the slug of a record since merged into another answers with a
    permanent redirect (301) to the page of the record it was merged into."""

    merged_kind = ""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            merged = (
                MergedSlug.objects.filter(kind=self.merged_kind, slug=kwargs.get("slug"))
                .select_related(self.merged_kind)
                .first()
            )
            target = merged.target if merged is not None else None
            if target is None or not getattr(target, "published", True):
                raise
            return HttpResponsePermanentRedirect(target.get_absolute_url())


def may_preview_drafts(user):
    """Whether ``user`` may see a draft event's page: staff who may change events, as the
    admin's "View on site" leads them there. (Reading ``user`` reads the session.)"""
    return user.is_staff and user.has_perm("tracker.change_event")


class EventDetailView(FollowsMerges, DetailView):
    """A published event's page, the same for every reader (and so held in the page cache).

    A draft is "not found", except to an editor who may change it: they get its preview, with
    a banner, links to the other drafts it is tied to, no indexing and no caching."""

    merged_kind = "event"
    template_name = "tracker/event_detail.html"
    context_object_name = "event"
    preview = False

    def get_queryset(self):
        return self.page_queryset(Event.objects.published(), Event.objects.published())

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            # Only on this path is the session read: a published page stays the same for all.
            if not may_preview_drafts(self.request.user):
                raise
        self.preview = True
        return super().get_object(self.page_queryset(Event.objects.drafts(), Event.objects.all()))

    @staticmethod
    def page_queryset(events, sub_events):
        """``events`` with everything the page shows; ``sub_events`` are the sessions it lists."""
        return events.select_related("event_type", "parent").prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organization", "person"),
                to_attr="participant_list",
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by(
                    "source__published_date", "pk"
                ),
                to_attr="citation_list",
            ),
            Prefetch("topics", queryset=Topic.objects.order_by("name"), to_attr="topic_list"),
            Prefetch("country_links", to_attr="country_list"),
            # Unordered: SQLite would scan the chronology index to honour an ORDER BY here
            # instead of looking the few children up by parent; they are sorted below.
            Prefetch(
                "sub_events",
                queryset=sub_events.select_related("event_type").order_by(),
                to_attr="sub_event_list",
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        published = Event.objects.published().select_related("event_type")
        event.sub_event_list.sort(key=lambda sub: (sub.start_date, sub.last_day, sub.pk))
        canonical = self.request.build_absolute_uri(event.get_absolute_url())
        parent = event.parent
        citation = citations.for_event(event, canonical)
        context.update(
            nav="timeline",
            canonical_url=canonical,
            participant_groups=self.group_by_country(event.participant_list),
            related=self.related(event, drafts=self.preview),
            previous_event=published.before(event).first(),
            next_event=published.after(event).first(),
            json_ld=event_json_ld(event, canonical, self.request),
            lead=summary_lead(event),
            citation_text=citations.plain_text(citation),
            citation_bibtex=citations.bibtex(citation),
            parent_visible=parent if parent and (parent.published or self.preview) else None,
            preview=self.preview_context(event) if self.preview else None,
        )
        return context

    @staticmethod
    def preview_context(event):
        """What the draft banner (in base.html) shows."""
        return {"edit_url": reverse("admin:tracker_event_change", args=[event.pk])}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.preview:
            keep_private(response)
            response.headers["X-Robots-Tag"] = "noindex"
        return response

    @staticmethod
    def group_by_country(participations):
        def key(participation):
            country = participation.country
            return (country is None, country.name if country else "", country)

        groups = []
        for (_, name, country), items in groupby(sorted(participations, key=key), key=key):
            groups.append(
                {
                    "country": country,
                    "label": name or "International",
                    "items": sorted(items, key=lambda p: (p.order, p.pk)),
                }
            )
        return groups

    @staticmethod
    def related(event, drafts=False):
        """Every link to another published event (or, with ``drafts``, to any event), each
        read from this event's side (both directions in one query)."""
        if drafts:
            wanted = Q(from_event=event) | Q(to_event=event)
        else:
            wanted = Q(from_event=event, to_event__published=True) | Q(
                to_event=event, from_event__published=True
            )
        relations = EventRelation.objects.filter(wanted).select_related(
            "from_event__event_type", "to_event__event_type"
        )
        links = []
        for relation in relations:
            outgoing = relation.from_event_id == event.pk
            other = relation.to_event if outgoing else relation.from_event
            label = relation.heading_from(event.pk)
            links.append({"label": label, "event": other, "rel": relation})
        return sorted(links, key=lambda link: (link["event"].start_date, link["event"].pk))


# How many opening words a description must share with the summary to be taken as saying it.
LEAD_WORDS = 8


def summary_lead(event):
    """The summary, to show as the lead above the description, unless the description begins
    with it: editors often open the description with the summary, or with the summary a
    little reworded ("as the follow-up" / "as a follow-up"). The description is taken to
    begin with the summary when its first words are the summary's first eight (all of them,
    if it has fewer), case and punctuation aside; then the page says it once."""
    summary = " ".join(event.summary.split())
    words = re.findall(r"\w+", summary.casefold())
    if not words:
        return summary
    opening = words[:LEAD_WORDS]
    said = re.findall(r"\w+", event.description.casefold()[: len(summary) * 2 + 40])
    return "" if said[: len(opening)] == opening else summary


class EventsOfMixin:
    """A record page that lists the record's latest events and links to the filtered timeline,
    and, where the record has posts (``role_list``), splits them into current and former."""

    filter_name = ""
    nav = ""

    def linked_keys(self):
        """The ids of the records whose events the page lists (as the timeline's columns
        link events to them)."""
        return [self.object.pk]

    def timeline_slugs(self):
        """The records whose events the page lists, as the timeline filter takes them."""
        return [self.object.slug]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted and chosen on the timeline's columns: a topic has thousands of events.
        total, ids = timeline_index.latest(self.filter_name, self.linked_keys(), RECENT_EVENTS)
        found = Event.objects.published().filter(pk__in=ids).select_related("event_type")
        by_id = {event.pk: event for event in found}
        query = urlencode([(self.filter_name, slug) for slug in self.timeline_slugs()])
        context.update(
            nav=self.nav,
            events=[by_id[pk] for pk in ids if pk in by_id],
            event_total=total,
            timeline_url=f"{reverse('tracker:timeline')}?{query}",
        )
        roles = getattr(self.object, "role_list", None)
        if roles is not None:
            today = datetime.date.today()
            context["current_roles"] = [role for role in roles if role.is_current(today)]
            context["former_roles"] = [role for role in roles if not role.is_current(today)]
        return context


class OrganizationDetailView(FollowsMerges, EventsOfMixin, DetailView):
    merged_kind = "organization"
    template_name = "tracker/organization_detail.html"
    context_object_name = "organization"
    filter_name = "organization"
    nav = "organizations"

    def get_queryset(self):
        return Organization.objects.select_related("parent").prefetch_related(
            Prefetch(
                "children", queryset=Organization.objects.order_by("name"), to_attr="child_list"
            ),
        )

    @cached_property
    def family(self):
        """This organization and those below it: their events are its events too (the
        Department of State took part where its Special Envoy's office did)."""
        return list(
            Organization.objects.with_descendants(self.object).order_by("pk").values("pk", "slug")
        )

    def linked_keys(self):
        return [row["pk"] for row in self.family]

    def timeline_slugs(self):
        own = [self.object.slug]
        others = sorted(row["slug"] for row in self.family if row["pk"] != self.object.pk)
        return own + others[: MAX_VALUES - 1]

    def get_context_data(self, **kwargs):
        # The posts held in it and in the offices within it (as its events are theirs too):
        # one query, as the prefetch of its own posts was.
        self.object.role_list = list(
            Role.objects.filter(organization__in=self.linked_keys())
            .select_related("person", "source", "organization")
            .order_by("-start_date", "pk")
        )
        context = super().get_context_data(**kwargs)
        context["includes_units"] = len(self.family) > 1
        return context


class PersonDetailView(FollowsMerges, EventsOfMixin, DetailView):
    merged_kind = "person"
    template_name = "tracker/person_detail.html"
    context_object_name = "person"
    filter_name = "person"
    nav = "people"

    def get_queryset(self):
        return Person.objects.prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.select_related("organization", "source").order_by(
                    "-start_date", "pk"
                ),
                to_attr="role_list",
            )
        )


class TopicDetailView(EventsOfMixin, DetailView):
    model = Topic
    template_name = "tracker/topic_detail.html"
    context_object_name = "topic"
    filter_name = "topic"
    nav = "topics"


def attach_event_counts(records, field):
    """Give each person (or other record) shown its number of published events, counted on
    the timeline's columns (tracker/timeline_index.py): no query."""
    records = list(records)
    counts = timeline_index.linked_counts(field, {record.pk: [record.pk] for record in records})
    for record in records:
        record.event_count = counts[record.pk]
    return records


def attach_organization_event_counts(organizations):
    """Like attach_event_counts, counting the events of the organizations within each one
    too, each event once, as its own page does: one query for the tree."""
    organizations = list(organizations)
    families = Organization.objects.families([org.pk for org in organizations])
    counts = timeline_index.linked_counts("organization", families)
    for org in organizations:
        org.event_count = counts[org.pk]
    return organizations


class SearchableListMixin:
    """``?q=`` narrows the list by name; ``?format=json`` answers the timeline's typeahead."""

    search_fields = ()

    @cached_property
    def search_text(self):
        text = self.request.GET.get("q", "").strip()
        return text.replace("\x00", "")[:MAX_SEARCH_LENGTH]

    def searched(self, queryset):
        if not self.search_text:
            return queryset
        wanted = Q()
        for name in self.search_fields:
            wanted |= Q(**{f"{name}__icontains": self.search_text})
        return queryset.filter(wanted)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "json":
            rows = self.searched(self.model.objects.order_by("name")).values("slug", "name")
            return JsonResponse({"results": list(rows[:TYPEAHEAD_RESULTS])})
        return super().get(request, *args, **kwargs)


class OrganizationListView(SearchableListMixin, ListView):
    model = Organization
    template_name = "tracker/organization_list.html"
    paginate_by = 200
    search_fields = ("name", "acronym", "other_names")

    def get_queryset(self):
        return self.searched(Organization.objects.order_by("country", "name"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = attach_organization_event_counts(context["object_list"])
        groups = []
        for code, items in groupby(context["object_list"], key=lambda o: o.country.code or ""):
            label = countries.name(code) if code else "International and bilateral"
            groups.append({"code": code, "label": label, "organizations": list(items)})
        groups.sort(key=lambda group: (not group["code"], group["label"]))
        context.update(nav="organizations", groups=groups, search_text=self.search_text)
        return context


class PersonListView(SearchableListMixin, ListView):
    model = Person
    template_name = "tracker/person_list.html"
    paginate_by = 100
    search_fields = ("name", "native_name", "other_names")

    def get_queryset(self):
        return self.searched(Person.objects.order_by("name", "pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = attach_event_counts(context["object_list"], "person")
        context.update(nav="people", search_text=self.search_text)
        return context
