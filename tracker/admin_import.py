"""The admin's "Import events" page: the same importer as ``manage.py import_events``.

Upload a file, read the report as a preview (a dry run: everything is checked and written,
then rolled back), then confirm. The app keeps no state between the two steps (it runs as
many workers): the preview page carries the file back in a signed, compressed token, so the
import confirmed is exactly the one previewed, and nobody can slip in another.
"""

import base64
import zlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from tracker.importer import import_file

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
TOKEN_SALT = "tracker.admin_import"
TOKEN_MAX_AGE = 60 * 60  # a preview may be confirmed within an hour


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV in the export's columns (Download CSV on the timeline) or a JSON "
        "list of events in the API's shape; at most 5 MB (larger files: manage.py "
        "import_events)."
    )
    create_missing = forms.BooleanField(
        required=False,
        label="Create missing records",
        help_text="Create the organizations, people, types, topics and sources that rows name "
        "but that do not exist yet (the report lists them), instead of reporting them as "
        "errors.",
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label="Leave out rows with problems",
        help_text="Import the rows without problems; the others are listed and left out.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 5 MB: import it with manage.py import_events."
            )
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self):
        try:
            return signing.loads(self.cleaned_data["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                "This preview is over an hour old: upload the file again."
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError(
                "This preview cannot be confirmed: upload the file again."
            ) from error


def import_view(model_admin, request):
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": "Import events",
        "form": ImportForm(),
    }
    if request.method == "POST" and "token" in request.POST:
        confirm = ConfirmForm(request.POST)
        if not confirm.is_valid():
            context["token_errors"] = confirm.errors["token"]
            return TemplateResponse(request, "admin/tracker/event/import.html", context)
        upload = confirm.cleaned_data["token"]
        if upload["user"] != request.user.pk:
            raise PermissionDenied
        report = run(request, upload, dry_run=False)
        if report.written:
            messages.success(request, report.summary())
            return redirect(reverse("admin:tracker_event_changelist"))
        context.update(report=report, name=upload["name"])
        return TemplateResponse(request, "admin/tracker/event/import.html", context)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = {
                "user": request.user.pk,
                # Shown in the report and kept in the history's reason: printable text only.
                "name": "".join(c for c in form.cleaned_data["file"].name if c.isprintable())[:100]
                or "upload",
                # Compressed and base64'd: the token goes back to the browser and returns.
                "content": base64.b64encode(zlib.compress(form.cleaned_data["file"].read())).decode(
                    "ascii"
                ),
                "create_missing": form.cleaned_data["create_missing"],
                "skip_invalid": form.cleaned_data["skip_invalid"],
            }
            report = run(request, upload, dry_run=True)
            context.update(report=report, name=upload["name"], options=upload)
            nothing_to_do = not (report.created or report.updated)
            if not nothing_to_do and (not report.has_errors or upload["skip_invalid"]):
                token = signing.dumps(upload, salt=TOKEN_SALT)
                if len(token) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 10_000:
                    context["token"] = token
                else:
                    context["token_errors"] = [
                        "This file is too large to confirm from the browser: import it with "
                        "manage.py import_events."
                    ]
    return TemplateResponse(request, "admin/tracker/event/import.html", context)


def run(request, upload, *, dry_run):
    return import_file(
        upload["name"],
        zlib.decompress(base64.b64decode(upload["content"])),
        user=request.user,
        create_missing=upload["create_missing"],
        skip_invalid=upload["skip_invalid"],
        dry_run=dry_run,
        reason=f"Imported from {upload['name']} in the admin",
    )
