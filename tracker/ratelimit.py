"""A limit on how many public pages one client may have computed in a window of time.

Only a page that has to be computed counts, and only it is refused: a page the page cache
holds (tracker/caching.py) is served to every client, limited or not, as it costs nothing.
Counted per client address (tracker/door.py: the proxy's forwarded address only behind a
configured proxy), in fixed windows, in the default cache: per process with the local-memory
cache, so with N workers a client may get up to N times the rate; one count for all workers
when the cache is shared (Redis). Staff are never refused.

settings.RATE_LIMIT: "120/m" (requests per second, minute, hour or day: s, m, h, d), or "off".
"""

import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from tracker.door import client_address

PREFIX = "tracker:rate"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text):
    """(requests, seconds) from "120/m", or None for no limit ("off", "", "0")."""
    text = (text or "").strip().lower()
    if text in {"", "off", "none", "0"}:
        return None
    count, _, unit = text.partition("/")
    seconds = UNITS[unit[:1]] if unit else 1
    return int(count), seconds


def refusal(request):
    """A 429 response when this client has had its share of computed pages, else None."""
    rate = parse_rate(settings.RATE_LIMIT)
    if rate is None:
        return None
    limit, window = rate
    now = time.time()
    started = math.floor(now / window) * window
    key = f"{PREFIX}:{window}:{started}:{client_address(request)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the window's counter was evicted in between: start it again
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    user = getattr(request, "user", None)  # read only now: the session makes a page vary
    if user is not None and user.is_authenticated and user.is_staff:
        return None
    retry_after = max(1, math.ceil(started + window - now))
    response = HttpResponse(
        render_to_string("429.html", {"retry_after": retry_after}, using="django"),
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(view):
    """Refuse a computed page to a client over the rate (for views the page cache skips)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return refusal(request) or view(request, *args, **kwargs)

    return wrapper
