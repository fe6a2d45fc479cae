"""Whole-response caching for the public pages.

Every public page shows only published records, the same to every reader, so a rendered page
can be reused until the data changes. The cache key holds the data version (bumped by every
save or delete, see tracker/signals.py), the address asked for and today's date (which decides
what reads as "upcoming"), so a cached page is never stale and every worker process agrees.

The one exception is an editor's preview of a draft: a view marks it ``private``, and then
neither this cache nor any cache between the site and the reader keeps it.

While the database is down, the key is made with the last data version this process read,
provided it read it at most ``DATA_VERSION_GRACE`` seconds before the outage began: nothing
can change while the database is down, so the pages cached under that version are still
the current ones, and they are served; anything else gets the 503 page (tracker/outage.py).
"""

import datetime
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control

from tracker import ratelimit
from tracker.models import DataVersion
from tracker.outage import DATABASE, DATABASE_ERRORS

PREFIX = "tracker:page"

# The last data version this process read, and when (time.monotonic()).
last_seen = {"version": None, "at": 0.0}


def data_version():
    """The data version, or while the database is down the last one read just before."""
    try:
        version = DataVersion.current()
    except DATABASE_ERRORS as error:
        DATABASE.failed(error)
        fresh_then = DATABASE.since - last_seen["at"] <= settings.DATA_VERSION_GRACE
        if last_seen["version"] is None or not fresh_then:
            raise
        return last_seen["version"]
    DATABASE.recovered()
    last_seen["version"], last_seen["at"] = version, time.monotonic()
    return version


def page_key(request):
    request.data_version = data_version()  # read once per request; see facets.summary
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{PREFIX}:{request.data_version}:{datetime.date.today().isoformat()}:{digest}"


def keep_private(response):
    """Mark a response as meant for the one reader who asked (an editor's preview): no cache
    may store it, this one included."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def is_private(response):
    directives = response.get("Cache-Control", "").lower().replace(" ", "").split(",")
    return "private" in directives or "no-store" in directives


def cached_public_page(view):
    """Serve a GET from the cache when the data has not changed since it was rendered."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            return view(request, *args, **kwargs)
        key = page_key(request)
        response = cache.get(key)
        if response is None:
            # Only a page that must be computed counts towards the client's rate limit.
            refused = ratelimit.refusal(request)
            if refused is not None:
                return refused
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if is_private(response):
                return response
            if response.status_code == 200:
                cache.set(key, response)
        patch_cache_control(response, public=True, max_age=60)
        return response

    return wrapper
