"""The admin of the site's written pages (About): versions, a reason for each change, and
the body's few marks explained beside it. Imported by tracker/admin.py."""

from django.contrib import admin

from tracker.admin import TrackerAdmin
from tracker.models import Page


@admin.register(Page)
class PageAdmin(TrackerAdmin):
    list_display = ["title", "address", "updated_at"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fields = ["title", "slug", "summary", "body", ("created_at", "updated_at")]

    @admin.display(description="address", ordering="slug")
    def address(self, obj):
        return obj.get_absolute_url()
