"""``/healthz``: which of the app's dependencies answer, for a load balancer or a person.

200 while the database answers, 503 while it does not (this worker cannot serve much then);
the cache's state is reported but does not fail the check, since pages are computed without
it (tracker/cache_backends.py). One ``SELECT 1`` and one cache round trip; never cached.
"""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from tracker.outage import DATABASE, DATABASE_ERRORS

PROBE_KEY = "tracker:healthz"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        DATABASE.failed(error)
        return False
    DATABASE.recovered()
    return True


def cache_answers():
    ping = getattr(cache, "ping", None)
    if ping is not None:  # a shared cache that swallows its errors says here if it is down
        return ping()
    cache.set(PROBE_KEY, 1, 10)
    return cache.get(PROBE_KEY) == 1


@require_GET
def healthz(request):
    database, cache_ok = database_answers(), cache_answers()
    response = JsonResponse(
        {
            "status": "ok" if database and cache_ok else "degraded" if database else "down",
            "database": "ok" if database else "down",
            "cache": "ok" if cache_ok else "down",
        },
        status=200 if database else 503,
    )
    patch_cache_control(response, no_store=True)
    return response
