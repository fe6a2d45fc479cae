"""The admin's door: who the client is, and what a locked-out login is told.

The client's address is REMOTE_ADDR, or behind a proxy (settings.TRUSTED_PROXIES hops) the
address the proxy appended to X-Forwarded-For. Login lockout (django-axes) and the rate limit
of computed pages (tracker/ratelimit.py) both count by it.
"""

import ipaddress
import math

from django.conf import settings
from django.contrib import admin
from django.db.models import Max
from django.template.response import TemplateResponse
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
