"""The admin's door: who the client is, what a locked-out login is told, what "View on site"
may show, and the admin's answer to a NUL in its addresses.

The client's address is REMOTE_ADDR, or behind a proxy (settings.TRUSTED_PROXIES hops) the
address the proxy appended to X-Forwarded-For. Login lockout (django-axes) and the rate limit
of computed pages (tracker/ratelimit.py) both count by it.
"""

import ipaddress
import math

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone


def client_address(request):
    """The address the request came from, as far as it can be trusted: the entry
    TRUSTED_PROXIES hops from the right of X-Forwarded-For (what the nearest proxy saw), never
    one the client wrote itself further left; REMOTE_ADDR when no proxy is trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXIES
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if hops and forwarded:
        # As DRF's throttle does with NUM_PROXIES, so both count the same client.
        candidate = forwarded[-min(hops, len(forwarded))]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass  # a proxy that writes no address here is misconfigured: use the socket's
    return remote


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login from a locked-out user name and address: 429 with
    Retry-After, and a page saying what happened and when to try again."""
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    username = get_client_username(request, credentials) or ""
    cool_off = settings.AXES_COOLOFF_TIME
    last = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    until = (last or timezone.now()) + cool_off
    wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "until": until,
        "minutes": max(1, math.ceil(wait / 60)),
    }
    response = TemplateResponse(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response.render()


class RefuseNulInAdmin:
    """A NUL character in an admin address (a list filter, a search, the autocomplete's term)
    is answered 400, the same on every database: PostgreSQL cannot hold one in text and would
    fail the query, SQLite would look for it. No record has one (forms refuse it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(admin_prefix()) and has_nul(request):
            return HttpResponseBadRequest(
                "A NUL character (%00) is not allowed in the address.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def admin_prefix():
    return reverse("admin:index")


def has_nul(request):
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" (/admin/r/<content type>/<id>/), for staff: Django's
    redirect to the record's public page, except that a draft's public address (its slug
    tells its title) is given only to whoever may change such records, who see a preview there
    (tracker/views/records.py); anyone else is told it is not found."""
    from django.contrib.contenttypes.views import shortcut

    try:
        content_type = ContentType.objects.get(pk=content_type_id)
        record = content_type.get_object_for_this_type(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError, OverflowError) as error:
        raise Http404("No such record.") from error
    published = getattr(record, "published", True)
    if published is False:
        opts = content_type.model_class()._meta
        codename = get_permission_codename("change", opts)
        if not request.user.has_perm(f"{opts.app_label}.{codename}"):
            raise Http404("No such record.")
    return shortcut(request, content_type_id, object_id)
