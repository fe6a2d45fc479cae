"""The editors' side of the tracker: every record, its history, and the checks that keep it
trustworthy (a published event cites a source; dates are only as precise as the sources)."""

from contextlib import contextmanager, nullcontext
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, ProtectedError
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion import create_revision, is_active, set_comment, set_user
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from tracker import history
from tracker.admin_import import import_view
from tracker.admin_lists import (
    TOO_LONG,
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


# Looking at an old version restores it in a transaction that is then undone: nothing it
# writes may reach the signals that keep derived data and caches in step.
SIGNALS = (pre_save, post_save, pre_delete, post_delete, m2m_changed)


class ShownOnly(Exception):
    """Raised to undo a version shown (not saved) with the page that shows it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


class BadListQuery(Exception):
    pass


class BoundedChangeList(ChangeList):
    """Django's change list, whose date drill-down lets a year too large for a date (or for
    a C long) through as a 500: here it is a bad lookup, like any other."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class TrackerAdmin(ProtectedRecordsAdmin, VersionAdmin):
    """What every record's admin shares: versions of the whole record (django-reversion),
    told in words on the History page, with revert and recovery of deleted records; an
    optional reason for each change; paging; https URLs; a delete page that names each
    record blocking the delete.

    Slugs are prepopulated from the name on the add page only: Django's script leaves a saved
    slug alone, so renaming a record never changes its URL."""

    form = ChangeReasonForm
    object_history_template = "admin/tracker/object_history.html"
    history_latest_first = True  # the list of deleted records, newest first
    list_per_page = 50
    show_full_result_count = False
    # Django 6 assumes https for a URL typed without a scheme; do so already.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    save_on_top = True

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def changelist_view(self, request, extra_context=None):
        # A filter's value the list cannot use (a year with 22 digits, a month 13) is the
        # request's fault: 400 with what was wrong, not Django's "database installation" page.
        try:
            return super().changelist_view(request, extra_context)
        except BadListQuery as error:
            return HttpResponseBadRequest(
                f"This list cannot be filtered by these values ({error}). Remove them from "
                f"the address: {request.path}",
                content_type="text/plain; charset=utf-8",
            )

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise BadListQuery(error) from error

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
                history.refresh_restored(request.restored)

    # Restoring a version (reversion's views, with the record restored alone: see
    # history.restore) and recovering a deleted record.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        if not object_id.isascii() or not object_id.isdigit():
            raise Http404("No such record.")
        version = self.version_or_404(version_id, object_id=object_id)
        if history.undoes_merge(version) and not getattr(
            self, "has_merge_permission", lambda request: False
        )(request):
            raise PermissionDenied  # undoing a merge deletes and restores several records
        return self.restore_view(
            request,
            ("Reverted to", version),
            self.revision_form_template or self._reversion_get_template_list("revision_form.html"),
            {"title": f"Revert {version.object_repr}", "revert": True, **(extra_context or {})},
        )

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self.version_or_404(version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            raise Http404("This record is not deleted.")
        return self.restore_view(
            request,
            ("Recovered from", version),
            self.recover_form_template or self._reversion_get_template_list("recover_form.html"),
            {"title": f"Recover {version.object_repr}", "recover": True, **(extra_context or {})},
        )

    def version_or_404(self, version_id, object_id=None):
        """A version of this admin's model (of the record ``object_id``, if given)."""
        versions = Version.objects.get_for_model(self.model).select_related("revision")
        if object_id is not None:
            versions = versions.filter(object_id=object_id)
        return get_object_or_404(versions, pk=version_id)

    def restore_view(self, request, restoring, template_name, context):
        """The record's form as the version has it: shown (and everything undone again) on
        GET; kept, as one revision, when the editor saves it."""
        version = restoring[1]
        request.restoring = restoring
        context["version"] = version
        quiet = nullcontext() if request.method == "POST" else mute_signals(*SIGNALS)
        try:
            with transaction.atomic(using=version.db), quiet:
                request.restored = history.restore(version)
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, context
                    )
                if request.method != "POST" or response.status_code != 302:
                    response.template_name = template_name
                    response.render()
                    raise ShownOnly(response)
        except (RevertError, ProtectedError) as error:
            self.message_user(request, str(error), messages.ERROR)
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        except ShownOnly as shown:
            return shown.response
        return response

    def response_action(self, request, queryset):
        """An action on records whose keys are not numbers (a tampered form) is refused with
        a message, before any action reads them."""
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in selected):
            self.message_user(
                request, "The selection was not understood: select again.", messages.ERROR
            )
            return None
        return super().response_action(request, queryset)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        restoring = getattr(request, "restoring", None)
        if restoring is not None and level == messages.SUCCESS:
            verb, version = restoring
            when = history.when(version.revision.date_created)
            done = "Restored" if verb == "Reverted to" else "Recovered"
            message = f"{done} “{version.object_repr}” as it was on {when}, with its parts."
        super().message_user(request, message, level, *args, **kwargs)


    def get_search_results(self, request, queryset, search_term):
        """Django's search (or ``search``), of a bounded number of words: see
        ``admin_lists.bounded_search``. The list says when the search was cut."""
        search_term, cut = bounded_search(search_term)
        if cut and getattr(request.resolver_match, "url_name", "") != "autocomplete":
            messages.info(request, TOO_LONG)
        return self.search(request, queryset, search_term)

    def search(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
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


# The site's written pages (About) have an admin module of their own.
from tracker import admin_pages  # noqa: E402, F401
