"""What readers get while a dependency is down.

The database: a request that needs it while it cannot be reached (or that fails it mid-way)
gets a short "back soon" page, status 503 with ``Retry-After``, instead of a 500 and a stack
trace in the log; pages already in the page cache are still served (tracker/caching.py).
The outage is logged once when it starts, about once a minute while it lasts, and once when
the database answers again, not once per request. The same workers serve again as soon as
it is back: Django checks a kept connection before reusing it (``CONN_HEALTH_CHECKS``) and
opens a new one, with a connect timeout, when it is broken.

A cache that is down is the concern of tracker/cache_backends.py, which uses ``Incident``
from here to say so in the log.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import defaults

logger = logging.getLogger("tracker.outage")

# What the driver raises when the server is gone, refuses connections, or drops one.
DATABASE_ERRORS = (OperationalError, InterfaceError)

REPORT_EVERY = 60  # seconds between the log's reminders that an outage goes on


def first_line(error):
    text = str(error).strip()
    return (text.splitlines() or [type(error).__name__])[0][:200]


class Incident:
    """One dependency's failures in this process, told in a few lines of log."""

    def __init__(self, name):
        self.name = name
        self._lock = threading.Lock()
        self.since = None  # time.monotonic() of the first failure, while it lasts
        self.failures = 0
        self._reported_at = 0.0
        self._unreported = 0

    @property
    def ongoing(self):
        return self.since is not None

    def failed(self, error):
        now = time.monotonic()
        with self._lock:
            self.failures += 1
            self._unreported += 1
            if self.since is None:
                self.since = now
                logger.warning("%s unavailable: %s", self.name, first_line(error))
            elif now - self._reported_at >= REPORT_EVERY:
                logger.warning(
                    "%s still unavailable after %.0f s (%d failures since the last report): %s",
                    self.name,
                    now - self.since,
                    self._unreported,
                    first_line(error),
                )
            else:
                return
            self._reported_at = now
            self._unreported = 0

    def recovered(self):
        if self.since is None:  # the usual case: nothing to take a lock for
            return
        with self._lock:
            if self.since is None:
                return
            logger.warning(
                "%s available again after %.0f s (%d failures)",
                self.name,
                time.monotonic() - self.since,
                self.failures,
            )
            self.since = None
            self.failures = 0
            self._unreported = 0


DATABASE = Incident("Database")


def unavailable(request, error):
    """The answer to a request that needed the database while it was down: 503, with when to
    try again, never kept by a cache, and logged by ``DATABASE`` rather than per request."""
    DATABASE.failed(error)
    retry_after = settings.OUTAGE_RETRY_AFTER
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The database is unavailable. Try again shortly."}, status=503
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": retry_after}), status=503
        )
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, no_store=True)
    # Django logs every 5xx response once more ("Service Unavailable: /path"); this one is
    # told by DATABASE's few lines instead.
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """Turn a view's database error into the 503 page (errors raised outside a view, as by
    the session middleware, reach ``server_error`` below)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable(request, exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: the 503 page for a database error, Django's 500 page for the rest."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable(request, error)
    return defaults.server_error(request, template_name)
