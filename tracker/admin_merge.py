"""The admin's merge action for events, organizations and people (see tracker/merging.py)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from tracker import merging

MAX_MERGED = 20


class MergeActionMixin:
    """Adds "Merge the selected … into one" to a record's list: pick the record that stays,
    see what moves from each of the others, confirm."""

    def has_merge_permission(self, request):
        """Merging changes one record and deletes the others: both permissions are needed."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(
        description="Merge the selected %(verbose_name_plural)s into one",
        permissions=["merge"],
    )
    def merge_records(self, request, queryset):
        opts = self.model._meta
        records = list(queryset.order_by("pk")[: MAX_MERGED + 1])
        if not 2 <= len(records) <= MAX_MERGED:
            self.message_user(
                request,
                f"Select from 2 to {MAX_MERGED} {opts.verbose_name_plural} to merge.",
                messages.WARNING,
            )
            return None
        survivor = None
        if request.POST.get("confirm") == "yes":
            chosen = request.POST.get("survivor", "")
            survivor = next((r for r in records if str(r.pk) == chosen), None)
            if survivor is None:
                self.message_user(
                    request, f"Pick the {opts.verbose_name} that stays.", messages.ERROR
                )
            else:
                others = [record for record in records if record.pk != survivor.pk]
                merging.merge(survivor, others, user=request.user)
                url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[survivor.pk]
                )
                self.message_user(
                    request,
                    format_html(
                        "Merged {} into <a href=\"{}\">{}</a>. Their pages now lead to it; "
                        "to undo, restore its version “Before merging …” from its History.",
                        "; ".join(str(record) for record in others),
                        url,
                        survivor,
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(url)
        moves = merging.preview(records[0], records)
        suggested = max(moves, key=lambda move: (move.total, -move.record.pk)).record
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "subtitle": None,
            "opts": opts,
            "moves": moves,
            "suggested": suggested,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/tracker/merge.html", context)
