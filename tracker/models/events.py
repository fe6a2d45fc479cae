"""Events and what hangs off them: participations, citations, relations, countries."""

import datetime
from collections import defaultdict

import reversion
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django_countries import countries
from django_countries.fields import CountryField

from tracker.dates import format_range
from tracker.models.bulk import update_column
from tracker.models.fields import (
    PartialDateRange,
    partial_date_constraints,
    precision_field,
    split_lines,
    wikidata_field,
)
from tracker.models.versions import EventChange
from tracker.models.vocabulary import Topic


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "In person and virtual"


def _row_compare(event, operator):
    """``(start_date, last_day, id) < (…)``: a row-value comparison, which SQLite and
    PostgreSQL both answer with one range scan of the ``event_chronology`` index (the same
    test written with OR cannot use the index)."""
    table = Event._meta.db_table
    return RawSQL(
        f'("{table}"."start_date", "{table}"."last_day", "{table}"."id") {operator} (%s, %s, %s)',
        (event.start_date, event.last_day, event.pk),
        output_field=models.BooleanField(),
    )


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def drafts(self):
        return self.filter(published=False)

    def upcoming(self, today=None):
        """Events not over yet: the last day they may cover is today or later."""
        today = today or datetime.date.today()
        return self.filter(last_day__gte=today).exclude(status=EventStatus.CANCELLED)

    def past(self, today=None):
        today = today or datetime.date.today()
        return self.filter(last_day__lt=today)

    def overlapping(self, first=None, last=None):
        """Events whose span meets [first, last]; either end may be open."""
        qs = self
        if first is not None:
            qs = qs.filter(last_day__gte=first)
        if last is not None:
            qs = qs.filter(start_date__lte=last)
        return qs

    # The filters below test link tables, in one of two ways. For counting every matching
    # event (facets, totals) an uncorrelated ``IN (subquery)``: the database evaluates the
    # subquery once, never once per event. For a page of events in chronological order
    # (``per_row=True``) a correlated ``EXISTS``: the database walks the chronology index and
    # stops after a page, instead of reading and sorting every match (measured on SQLite at
    # 100,000 events: 0.7 ms against 51 ms for a common country; PostgreSQL plans both the
    # same way). Neither needs DISTINCT.

    def _linked(self, links, per_row):
        if per_row:
            return self.filter(Exists(links.filter(event=OuterRef("pk"))))
        return self.filter(pk__in=links.values("event_id"))

    def involving(self, countries, per_row=False):
        """Events that involve any of ``countries`` (ISO 3166-1 alpha-2 codes)."""
        return self._linked(EventCountry.objects.filter(country__in=countries), per_row)

    def with_organizations(self, organizations, per_row=False):
        """Events in which any of ``organizations`` took part."""
        return self._linked(Participation.objects.filter(organization__in=organizations), per_row)

    def with_people(self, people, per_row=False):
        """Events in which any of ``people`` took part."""
        return self._linked(Participation.objects.filter(person__in=people), per_row)

    def about(self, topics, per_row=False):
        """Events tagged with any of ``topics``."""
        return self._linked(Event.topics.through.objects.filter(topic__in=topics), per_row)

    def chronological(self, newest_first=True):
        """By start, then by end, then by id: the order of the ``event_chronology`` index."""
        if newest_first:
            return self.order_by("-start_date", "-last_day", "-pk")
        return self.order_by("start_date", "last_day", "pk")

    def before(self, event):
        """Events that come before ``event`` in chronological order (newest first)."""
        return self.filter(_row_compare(event, "<")).chronological(newest_first=True)

    def after(self, event):
        """Events that come after ``event`` in chronological order (oldest first)."""
        return self.filter(_row_compare(event, ">")).chronological(newest_first=False)

    def with_participants(self):
        return self.prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organization", "person").order_by(
                    "order", "pk"
                ),
                to_attr="participant_list",
            )
        )

    def for_interchange(self):
        """Everything ``tracker.interchange.event_data`` shows (the API, the exports), in a
        constant number of queries: links to drafts are left out, as the pages leave them."""
        return (
            self.select_related("event_type", "parent")
            .with_participants()
            .prefetch_related(
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("source").order_by("pk"),
                    to_attr="citation_list",
                ),
                Prefetch("topics", queryset=Topic.objects.order_by("slug"), to_attr="topic_list"),
                Prefetch(
                    "country_links",
                    queryset=EventCountry.objects.order_by("country"),
                    to_attr="country_list",
                ),
                Prefetch(
                    "relations_out",
                    queryset=EventRelation.objects.filter(to_event__published=True)
                    .select_related("to_event", "source")
                    .order_by("pk"),
                    to_attr="outgoing",
                ),
                Prefetch(
                    "relations_in",
                    queryset=EventRelation.objects.filter(from_event__published=True)
                    .select_related("from_event", "source")
                    .order_by("pk"),
                    to_attr="incoming",
                ),
            )
        )

    def publishable(self):
        """Events that cite at least one source, and so may be published."""
        return self.filter(Exists(Citation.objects.filter(event=OuterRef("pk"))))

    def refresh_derived(self, batch_size=1000):
        """Recompute the countries each event involves and its search document, a batch of
        events at a time, from plain rows (no model instances) and with a constant number of
        writes per batch: an import of 100,000 events runs this once for all of them."""
        pks = list(self.order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(pks), batch_size):
            _refresh_batch(pks[i : i + batch_size])


PARTY_COLUMNS = (
    "event_id",
    "title",
    "organization__name",
    "organization__other_names",
    "organization__acronym",
    "organization__country",
    "person__name",
    "person__other_names",
    "person__native_name",
    "person__country",
)


def _refresh_batch(pks):
    parties, topics, links = defaultdict(list), defaultdict(list), defaultdict(dict)
    for event_id, *party in (
        Participation.objects.filter(event__in=pks)
        .order_by("order", "pk")
        .values_list(*PARTY_COLUMNS)
    ):
        parties[event_id].append(party)
    for event_id, name in (
        Event.topics.through.objects.filter(event__in=pks)
        .order_by("topic__name")
        .values_list("event_id", "topic__name")
    ):
        topics[event_id].append(name)
    for event_id, code, pk in EventCountry.objects.filter(event__in=pks).values_list(
        "event_id", "country", "pk"
    ):
        links[event_id][code] = pk
    added, removed, documents = [], [], []
    rows = Event.objects.filter(pk__in=pks).values_list(
        "pk",
        "title",
        "summary",
        "description",
        "event_type__name",
        "venue",
        "city",
        "country",
        "extra_countries",
        "search_document",
    )
    for pk, title, summary, description, type_name, venue, city, country, extra, old in rows:
        party_countries = [c for party in parties[pk] for c in (party[4], party[8]) if c]
        wanted = involved_countries(extra.split(",") if extra else [], country, party_countries)
        have = links[pk]
        added += [EventCountry(event_id=pk, country=code) for code in sorted(wanted - set(have))]
        removed += [link for code, link in have.items() if code not in wanted]
        place = [venue, city, countries.name(country) if country else ""]
        document = search_document(
            [title, summary, description, type_name, *place], parties[pk], topics[pk]
        )
        if document != old:
            documents.append((pk, document))
    EventCountry.objects.bulk_create(added, ignore_conflicts=True)
    if removed:
        EventCountry.objects.filter(pk__in=removed).delete()
    update_column(Event, "search_document", documents)
    EventChange.note(pks)


def involved_countries(extra, venue_country, party_countries):
    """The countries an event involves: those an editor added, where it took place, and
    those of the organizations and people who took part."""
    codes = {str(code) for code in extra if code}
    if venue_country:
        codes.add(str(venue_country))
    codes.update(str(code) for code in party_countries if code)
    return codes


def search_document(event_texts, parties, topic_names):
    """What full-text search reads for an event: its own texts, then for each participation
    its title and the names (all of them) of its organization and person, then its topics.
    ``parties`` are rows of PARTY_COLUMNS less the event id."""
    parts = list(event_texts)
    for title, org, org_other, acronym, _, person, person_other, native, _ in parties:
        parts.append(title)
        if org is not None:
            parts += [org, *split_lines(org_other), acronym]
        if person is not None:
            parts += [person, *split_lines(person_other), native]
    parts += topic_names
    return "\n".join(part for part in parts if part)


# A version of an event is the whole record: its participants, sources and links to other
# events (both ways) are saved with it and restored with it (see tracker/history.py).
@reversion.register(
    follow=["participations", "citations", "relations_out", "relations_in", "merged_slugs"]
)
class Event(PartialDateRange, models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The URL key. It is kept when the title changes, so links stay valid.",
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for the timeline.")
    description = models.TextField(blank=True)
    event_type = models.ForeignKey(
        "tracker.EventType", on_delete=models.PROTECT, related_name="events", verbose_name="type"
    )
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.HELD)

    start_date = models.DateField(
        help_text="For a month- or year-precision date, the first day of the month or year."
    )
    start_precision = precision_field(
        default="day", help_text="How precisely the sources know the start."
    )
    end_date = models.DateField(
        null=True, blank=True, help_text="Only for events over several days."
    )
    end_precision = precision_field(blank=True)
    last_day = models.DateField(
        editable=False, help_text="The last day the event may cover; kept for date filters."
    )

    venue = models.CharField(max_length=200, blank=True, help_text="For example the White House.")
    city = models.CharField(max_length=100, blank=True)
    country = CountryField(blank=True, help_text="Where it took place.")
    attendance_mode = models.CharField(
        max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    extra_countries = CountryField(
        multiple=True,
        blank=True,
        verbose_name="also involves",
        help_text="Countries involved beyond the venue and the participants' own.",
    )

    topics = models.ManyToManyField("tracker.Topic", blank=True, related_name="events")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_events",
        verbose_name="part of",
        help_text="The larger event this one belongs to, for example a summit's session.",
    )
    wikidata_id = wikidata_field()
    published = models.BooleanField(
        default=False, help_text="Only published events are public. An event must cite a source."
    )
    search_document = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-last_day", "-pk"]
        indexes = [
            # Partial indexes over published events, in the timeline's order. (SQLite cannot
            # use a leading boolean column for the bare "WHERE published" Django writes.)
            models.Index(
                fields=["start_date", "last_day", "id"],
                condition=Q(published=True),
                name="event_chronology",
            ),
            models.Index(
                fields=["last_day"], condition=Q(published=True), name="event_published_last_day"
            ),
            models.Index(fields=["id"], condition=Q(published=False), name="event_drafts"),
            # The sitemap's date for its events section: the latest change to a published one.
            models.Index(
                fields=["updated_at"], condition=Q(published=True), name="event_published_changed"
            ),
            # An event's sessions. Most events have no parent, so SQLite's statistics rate
            # the plain foreign key index as useless and scan every event instead.
            models.Index(
                fields=["parent"], condition=Q(parent__isnull=False), name="event_sub_events"
            ),
            models.Index(
                fields=["event_type", "start_date", "last_day", "id"],
                condition=Q(published=True),
                name="event_type_chronology",
            ),
            models.Index(
                fields=["status", "start_date", "last_day", "id"],
                condition=Q(published=True),
                name="event_status_chronology",
            ),
            # Drafts of a type by date, for the duplicate check when an event is added
            # (tracker/duplicates.py: published events use event_type_chronology). Drafts
            # are few, so the index is small; without it the check reads every event of the
            # type to find the drafts among them.
            models.Index(
                fields=["event_type", "start_date", "last_day", "id"],
                condition=Q(published=False),
                name="event_type_drafts",
            ),
            # PostgreSQL also has a GIN index on to_tsvector('english', search_document) for
            # full-text search: see migrations/0002_search_index.py and tracker/search.py.
        ]
        constraints = [
            *partial_date_constraints("event", start_required=True),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("start_date")),
                name="event_last_day_after_start",
                violation_error_message="The end cannot be before the start: correct either date.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="event_not_own_parent",
                violation_error_message=(
                    "An event cannot be part of itself: choose another event under "
                    "“Part of”, or leave it empty."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date_display})"

    def save(self, *args, **kwargs):
        self.last_day = self.span_last_day()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"start_date", "end_date"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "last_day"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("tracker:event", args=[self.slug])

    def clean(self):
        self.clean_dates()

    def span_last_day(self):
        end = self.end or self.start
        return end.last if end else None

    @property
    def date_display(self):
        if not self.start:
            return ""
        return format_range(self.start, self.end)

    @property
    def is_multi_day(self):
        return self.start is not None and self.span_last_day() != self.start_date

    def is_upcoming(self, today=None):
        today = today or datetime.date.today()
        return self.last_day is not None and self.last_day >= today and self.status != "cancelled"


class EventCountry(models.Model):
    """A country an event involves: where it took place, whose people or bodies took part,
    or one an editor added. Kept in step with the record (see EventQuerySet.refresh_derived) so that
    the timeline filters on an indexed column."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="country_links")
    country = CountryField()

    class Meta:
        verbose_name_plural = "event countries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "country"],
                name="event_country_unique",
                violation_error_message="This event already involves this country.",
            ),
        ]
        indexes = [models.Index(fields=["country", "event"], name="event_country_by_country")]

    def __str__(self):
        return f"{self.event_id}: {self.country.code}"


class ParticipationRole(models.TextChoices):
    HOST = "host", "Host"
    CO_HOST = "co-host", "Co-host"
    CO_CHAIR = "co-chair", "Co-chair"
    DELEGATION_HEAD = "delegation-head", "Head of delegation"
    PARTICIPANT = "participant", "Participant"
    ANNOUNCER = "announcer", "Announcer"
    SIGNATORY = "signatory", "Signatory"
    SPEAKER = "speaker", "Speaker"


@reversion.register()
class Participation(models.Model):
    """Who took part in an event, and how: an organization, a person, or a person on behalf
    of an organization."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(
        "tracker.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    person = models.ForeignKey(
        "tracker.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(
        max_length=20, choices=ParticipationRole.choices, default=ParticipationRole.PARTICIPANT
    )
    title = models.CharField(
        "title at the time",
        max_length=300,
        blank=True,
        help_text="The post the person held then, for example National Security Advisor.",
    )
    note = models.CharField(max_length=500, blank=True)
    source = models.ForeignKey(
        "tracker.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text="The source that names this participant, if not the event's own.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(person__isnull=False),
                name="participation_names_someone",
                violation_error_message=(
                    "Name who took part: an organization, a person, or a person and the "
                    "organization they represented."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "event"], name="participation_person_event"),
            models.Index(fields=["organization", "event"], name="participation_org_event"),
        ]

    def __str__(self):
        return f"{self.participant_display} – {self.get_role_display()}"

    @property
    def participant_display(self):
        if self.person_id and self.organization_id:
            return f"{self.person.name} ({self.organization.name})"
        if self.person_id:
            return self.person.name
        return self.organization.name if self.organization_id else ""

    @property
    def country(self):
        if self.person_id and self.person.country:
            return self.person.country
        if self.organization_id and self.organization.country:
            return self.organization.country
        return None


@reversion.register()
class Citation(models.Model):
    """An event cites a source; the note says where sources disagree."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey("tracker.Source", on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(
        blank=True, help_text="The words in the source that support the record."
    )
    note = models.TextField(
        blank=True, help_text="Where this source disagrees with others, or what it gets wrong."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "source"],
                name="citation_unique",
                violation_error_message=(
                    "This source is already cited by this event: add its quote or note to "
                    "the existing citation instead."
                ),
            ),
        ]

    def __str__(self):
        # The source, as the event page's "Source:" row reads it.
        return str(self.source)


class RelationKind(models.TextChoices):
    """Each kind reads one way from the first event and the other way from the second."""

    FOLLOWS_FROM = "follows-from", "follows from"
    ANNOUNCES = "announces", "announces"
    PREPARES = "prepares", "prepares"
    BUILDS_ON = "builds-on", "builds on"
    RESPONDS_TO = "responds-to", "responds to"

    @property
    def inverse_label(self):
        return INVERSE_LABELS[self.value]


INVERSE_LABELS = {
    RelationKind.FOLLOWS_FROM: "led to",
    RelationKind.ANNOUNCES: "announced by",
    RelationKind.PREPARES: "prepared by",
    RelationKind.BUILDS_ON: "built upon by",
    RelationKind.RESPONDS_TO: "answered by",
}

# How an event's page names each link, from either side, as the start of a sentence whose
# end is the other event: "In preparation for: AI Seoul Summit" on the meeting's page,
# "Prepared by: … first meeting" on the summit's.
RELATION_HEADINGS = {
    RelationKind.FOLLOWS_FROM: ("Follows from", "Led to"),
    RelationKind.ANNOUNCES: ("Announces", "Announced in"),
    RelationKind.PREPARES: ("In preparation for", "Prepared by"),
    RelationKind.BUILDS_ON: ("Builds on", "Built upon by"),
    RelationKind.RESPONDS_TO: ("Responds to", "Answered by"),
}


@reversion.register()
class EventRelation(models.Model):
    """A typed link between two events: "<from_event> <kind> <to_event>"."""

    from_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="relations_out")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    to_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="relations_in")
    note = models.CharField(max_length=500, blank=True)
    source = models.ForeignKey(
        "tracker.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relations",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_event", "kind", "to_event"],
                name="event_relation_unique",
                violation_error_message=(
                    "These two events are already linked this way: keep one of the two relations."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(from_event=F("to_event")),
                name="event_relation_not_self",
                violation_error_message=(
                    "An event cannot be related to itself: choose another event."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.from_event.title} {self.get_kind_display()} {self.to_event.title}"

    @property
    def inverse_label(self):
        return INVERSE_LABELS.get(self.kind, self.kind)

    def heading_from(self, event_id):
        """The link's name read from the page of the event ``event_id`` (either end)."""
        forward, inverse = RELATION_HEADINGS.get(self.kind, (self.kind, self.kind))
        return forward if event_id == self.from_event_id else inverse
