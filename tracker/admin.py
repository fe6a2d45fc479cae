"""The editors' side of the tracker: every record, its history, and the checks that keep it
trustworthy (a published event cites a source; dates are only as precise as the sources)."""

from contextlib import contextmanager
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion import create_revision, is_active, set_comment, set_user
from reversion.admin import VersionAdmin
from reversion.models import Version

from tracker import history
from tracker.admin_import import import_view
from tracker.admin_lists import (
    TOO_LONG,
    ChangeList,
    CountryInUseFilter,
    OrganizationFilter,
    PersonFilter,
    bounded_search,
    search_events,
)
from tracker.admin_merge import MergeActionMixin
from tracker.admin_messages import ConstraintMessagesFormSet, ProtectedRecordsAdmin
from tracker.duplicates import (
    WarnOfDuplicateEvents,
    WarnOfDuplicateOrganizations,
    WarnOfDuplicatePeople,
)
from tracker.forms import ChangeReasonForm, PartialDateField, PartialDateModelForm
from tracker.models import (
    Citation,
    Event,
    EventRelation,
    EventType,
    Organization,
    Participation,
    Person,
    Role,
    Source,
    Topic,
)
from tracker.slugs import SLUG_SOURCES

admin.site.site_header = "AI Policy Tracker: editors"
admin.site.site_title = "AI Policy Tracker"
admin.site.index_title = "Records"

NO_SOURCE_MESSAGE = (
    "A published event must cite at least one source. Add one under Sources, "
    "or untick Published to keep the event as a draft."
)


class TrackerAdmin(ProtectedRecordsAdmin, VersionAdmin):
    """What every record's admin shares: versions of the whole record (django-reversion),
    told in words on the History page, with revert and recovery of deleted records; an
    optional reason for each change; paging; https URLs; a delete page that names each
    record blocking the delete.

    Slugs are prepopulated from the name on the add page only: Django's script leaves a saved
    slug alone, so renaming a record never changes its URL."""

    form = ChangeReasonForm
    object_history_template = "admin/tracker/object_history.html"
    list_per_page = 50
    show_full_result_count = False
    # Django 6 assumes https for a URL typed without a scheme; do so already.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "change_reason" in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, ("History", {"fields": ["change_reason"]})]

    # Every save is a revision: who, when, and the reason the editor gave.

    def save_model(self, request, obj, form, change):
        request.change_reason = form.cleaned_data.get("change_reason", "")
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = admin.ModelAdmin.log_addition(self, request, obj, message)
        self.note_reason(request)
        return entry

    def log_change(self, request, obj, message):
        entry = admin.ModelAdmin.log_change(self, request, obj, message)
        self.note_reason(request)
        return entry

    def note_reason(self, request, default=""):
        if is_active():
            set_comment(getattr(request, "change_reason", "") or default)

    @contextmanager
    def create_revision(self, request):
        with create_revision():
            set_user(request.user)
            yield
            restoring = getattr(request, "restoring", None)
            if restoring is not None and request.method == "POST":
                verb, version = restoring
                words = f"{verb} the version of {history.when(version.revision.date_created)}"
                reason = getattr(request, "change_reason", "")
                set_comment(f"{words}. {reason}" if reason else words)
                history.refresh_restored(version.revision)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = self.version_or_404(version_id)
        request.restoring = ("Reverted to", version)
        context = {**(extra_context or {}), "version": version}
        return super().revision_view(request, object_id, version_id, context)

    def recover_view(self, request, version_id, extra_context=None):
        version = self.version_or_404(version_id)
        request.restoring = ("Recovered from", version)
        context = {**(extra_context or {}), "version": version}
        return super().recover_view(request, version_id, context)

    def get_changelist(self, request, **kwargs):
        return ChangeList

    def get_search_results(self, request, queryset, search_term):
        """Django's search (or ``search``), of a bounded number of words: see
        ``admin_lists.bounded_search``. The list says when the search was cut."""
        search_term, cut = bounded_search(search_term)
        if cut and getattr(request.resolver_match, "url_name", "") != "autocomplete":
            messages.info(request, TOO_LONG)
        return self.search(request, queryset, search_term)

    def search(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term)

    def version_or_404(self, version_id):
        return get_object_or_404(Version.objects.select_related("revision"), pk=version_id)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        opts = self.model._meta
        entries = history.history(self.model, obj.pk)
        for entry in entries:
            entry.url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                args=[obj.pk, entry.version.pk],
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "entries": entries,
            "module_name": str(opts.verbose_name_plural).capitalize(),
            "object": obj,
            "opts": opts,
            "preserved_filters": self.get_preserved_filters(request),
            "can_revert": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    # A deletion is kept as a revision too, so the record can be recovered with its parts.

    def delete_model(self, request, obj):
        history.record_deletion([obj], user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.record_deletion(queryset, user=request.user)
        super().delete_queryset(request, queryset)

    @property
    def media(self):
        # The tracker's slug rule in the prepopulated slug (after Django's urlify.js, which
        # it wraps); a file, not an inline script, so a Content-Security-Policy can allow it.
        media = super().media + forms.Media(css={"all": ["tracker/admin.css"]})
        if self.prepopulated_fields:
            media += forms.Media(js=["admin/js/urlify.js", "tracker/admin/slugs.js"])
        return media

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            # Left empty (no script, or cleared), the slug is made on save by the same rule:
            # see tracker/slugs.py.
            field.required = False
            source = SLUG_SOURCES[db_field.model._meta.label_lower]
            field.help_text = f"{field.help_text} Left empty, it is made from the {source}.".strip()
        return field


# Events -------------------------------------------------------------------------------------


class ParticipationInline(admin.StackedInline):
    model = Participation
    formset = ConstraintMessagesFormSet
    extra = 0
    autocomplete_fields = ["organization", "person", "source"]
    # Stacked, two lines a row, so the row fits 1024 px and its Delete box stays in sight.
    fields = [("organization", "person", "role"), ("title", "source", "order")]
    classes = ["compact-inline"]
    verbose_name = "participant"
    verbose_name_plural = "participants: an organization, a person, or a person on behalf of one"

    def get_queryset(self, request):  # each row's title names them
        return super().get_queryset(request).select_related("organization", "person")


class CitationFormSet(ConstraintMessagesFormSet):
    def clean(self):
        super().clean()
        if not self.instance.published:
            return
        cited = [
            form
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
        ]
        if not cited:
            raise ValidationError(NO_SOURCE_MESSAGE, code="no_source")


class CitationInline(admin.StackedInline):
    model = Citation
    formset = CitationFormSet
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", ("quote", "note")]
    classes = ["compact-inline"]
    verbose_name = "source"
    verbose_name_plural = "sources (a published event cites at least one)"

    def get_queryset(self, request):  # each row's title is its source
        return super().get_queryset(request).select_related("source")


class RelationOutInline(admin.StackedInline):
    model = EventRelation
    formset = ConstraintMessagesFormSet
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event", "source"]
    fields = [("kind", "to_event"), ("note", "source")]
    classes = ["compact-inline"]
    verbose_name = "relation: this event …"
    verbose_name_plural = "relations: this event … another event"

    def get_queryset(self, request):  # each row's title names both events
        return super().get_queryset(request).select_related("from_event", "to_event")


class RelationInInline(admin.StackedInline):
    model = EventRelation
    formset = ConstraintMessagesFormSet
    fk_name = "to_event"
    extra = 0
    autocomplete_fields = ["from_event", "source"]
    fields = [("from_event", "kind"), ("note", "source")]
    classes = ["compact-inline"]
    verbose_name = "relation: … this event"
    verbose_name_plural = "relations: another event … this event"

    def get_queryset(self, request):  # each row's title names both events
        return super().get_queryset(request).select_related("from_event", "to_event")


class EventAdminForm(WarnOfDuplicateEvents, ChangeReasonForm, PartialDateModelForm):
    partial_dates = ("start", "end")
    start = PartialDateField(label="Starts")
    end = PartialDateField(label="Ends", required=False)

    class Meta:
        model = Event
        exclude = ["start_date", "start_precision", "end_date", "end_precision"]
        # Two searchable panes instead of a 250-line list of countries.
        widgets = {"extra_countries": FilteredSelectMultiple("countries", is_stacked=False)}


@admin.register(Event)
class EventAdmin(MergeActionMixin, TrackerAdmin):
    form = EventAdminForm
    change_list_template = "admin/tracker/event/change_list.html"
    list_display = [
        "title",
        "when",
        "event_type",
        "status",
        "published",
        "source_count",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_filter = [
        "published",
        "status",
        "event_type",
        "start_precision",
        "topics",
        CountryInUseFilter,
        OrganizationFilter,
        PersonFilter,
    ]
    list_select_related = ["event_type"]
    search_fields = ["title", "slug", "summary"]  # and participants and sources: search_events
    date_hierarchy = "start_date"
    ordering = ["-start_date", "-pk"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event_type", "topics", "parent"]
    readonly_fields = ["countries_involved", "created_at", "updated_at"]
    actions = ["publish", "unpublish", "merge_records"]
    inlines = [ParticipationInline, CitationInline, RelationOutInline, RelationInInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "event_type", "status", "published"]}),
        ("When", {"fields": [("start", "end")]}),
        (
            "Where",
            {
                "fields": [
                    "venue",
                    ("city", "country"),
                    "attendance_mode",
                    "extra_countries",
                    "countries_involved",
                ]
            },
        ),
        ("What", {"fields": ["summary", "description", "topics", "parent"]}),
        ("Record", {"fields": ["wikidata_id", ("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_total=Count("citations"))

    def search(self, request, queryset, search_term):
        return search_events(queryset, search_term, self.get_search_fields(request))

    def get_urls(self):
        import_url = path(
            "import/",
            self.admin_site.admin_view(partial(import_view, self)),
            name="tracker_event_import",
        )
        return [import_url, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        can_import = self.has_add_permission(request) and self.has_change_permission(request)
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    @admin.display(description="when", ordering="start_date")
    def when(self, obj):
        return obj.date_display

    @admin.display(description="sources", ordering="source_total")
    def source_count(self, obj):
        return obj.source_total

    @admin.display(description="countries involved")
    def countries_involved(self, obj):
        if obj.pk is None:
            return "Worked out on save: the venue, the participants' countries and those above."
        names = sorted(link.country.name for link in obj.country_links.all())
        return ", ".join(names) or "None yet"

    @admin.action(description="Publish the selected events")
    def publish(self, request, queryset):
        publishable = set(queryset.publishable().values_list("pk", flat=True))
        published, refused = 0, []
        for event in queryset.filter(published=False):
            if event.pk in publishable:
                event.published = True
                event.save(update_fields=["published", "updated_at"])
                published += 1
            else:
                refused.append(event.title)
        if published:
            self.note_reason(request, "Published from the list")
            self.message_user(request, f"Published {published} event(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                "Not published, as they cite no source: "
                + "; ".join(Truncator(title).chars(80) for title in refused)
                + ". Add a source to each, then publish again.",
                messages.ERROR,
            )

    @admin.action(description="Unpublish the selected events (back to drafts)")
    def unpublish(self, request, queryset):
        count = 0
        for event in queryset.filter(published=True):
            event.published = False
            event._change_reason = "Unpublished from the list"
            event.save(update_fields=["published", "updated_at"])
            count += 1
        self.note_reason(request, "Unpublished from the list")
        self.message_user(request, f"Unpublished {count} event(s).", messages.SUCCESS)


# Organizations and people -------------------------------------------------------------------


class OrganizationAdminForm(WarnOfDuplicateOrganizations, ChangeReasonForm):
    pass


@admin.register(Organization)
class OrganizationAdmin(MergeActionMixin, TrackerAdmin):
    form = OrganizationAdminForm
    actions = ["merge_records"]
    list_display = ["name", "acronym", "kind", "country", "parent", "event_count"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "other_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "name",
        "slug",
        "acronym",
        "kind",
        "country",
        "parent",
        "other_names",
        "website",
        "description",
        "wikidata_id",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(event_total=Count("participations__event", distinct=True))
        )

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total


class RoleForm(PartialDateModelForm):
    partial_dates = ("start", "end")
    start = PartialDateField(label="From", required=False)
    end = PartialDateField(label="Until", required=False)

    class Meta:
        model = Role
        exclude = ["start_date", "start_precision", "end_date", "end_precision"]


class RoleInline(admin.StackedInline):
    model = Role
    form = RoleForm
    formset = ConstraintMessagesFormSet
    extra = 0
    autocomplete_fields = ["organization", "source"]
    fields = [("title", "organization"), ("start", "end", "ended", "source")]
    classes = ["compact-inline"]
    verbose_name = "post held"
    verbose_name_plural = "posts held over time"

    def get_queryset(self, request):  # each row's title names the person and organization
        return super().get_queryset(request).select_related("person", "organization")


class PersonAdminForm(WarnOfDuplicatePeople, ChangeReasonForm):
    pass


@admin.register(Person)
class PersonAdmin(MergeActionMixin, TrackerAdmin):
    form = PersonAdminForm
    actions = ["merge_records"]
    list_display = ["name", "native_name", "country", "role_count", "event_count"]
    list_filter = ["country"]
    search_fields = ["name", "native_name", "other_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RoleInline]
    fields = [
        "name",
        "slug",
        "native_name",
        "other_names",
        "country",
        "bio",
        "wikidata_id",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                role_total=Count("roles", distinct=True),
                event_total=Count("participations__event", distinct=True),
            )
        )

    @admin.display(description="posts", ordering="role_total")
    def role_count(self, obj):
        return obj.role_total

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total


# Sources and vocabularies -------------------------------------------------------------------


class SourceForm(ChangeReasonForm, PartialDateModelForm):
    partial_dates = ("published",)
    url = forms.URLField(
        label="URL",
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text="Leave empty for print sources.",
    )
    published = PartialDateField(label="Published", required=False)

    class Meta:
        model = Source
        exclude = ["published_date", "published_precision"]


@admin.register(Source)
class SourceAdmin(TrackerAdmin):
    form = SourceForm
    list_display = ["title", "publisher", "published_on", "language", "link", "citation_count"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "publisher", "author", "url"]
    date_hierarchy = "published_date"
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "title",
        "url",
        "publisher",
        "author",
        "published",
        "language",
        "note",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    @admin.display(description="published", ordering="published_date")
    def published_on(self, obj):
        return str(obj.published) if obj.published else "—"

    @admin.display(description="URL")
    def link(self, obj):
        if not obj.url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer">open</a>', obj.url)

    @admin.display(description="cited by", ordering="citation_total")
    def citation_count(self, obj):
        return obj.citation_total


@admin.register(Topic)
class TopicAdmin(TrackerAdmin):
    list_display = ["name", "slug", "event_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total


@admin.register(EventType)
class EventTypeAdmin(TrackerAdmin):
    list_display = ["name", "slug", "event_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj):
        return obj.event_total
