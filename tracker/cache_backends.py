"""A shared cache (Redis) whose failure costs speed, never an error page.

Everything kept in the cache can be computed again, so when Redis cannot be reached a read
is a miss and a write is dropped: pages are computed as if the cache were empty. After a
failure the cache is left alone for ``RETRY_AFTER`` seconds, so a cache that times out
costs one request its timeout rather than every request; the log says when it went and
when it came back (tracker/outage.py's ``Incident``). ``/healthz`` asks Redis directly
(``ping``) and names it when it is down.
"""

import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from tracker.outage import Incident

RETRY_AFTER = 5.0  # seconds a failed cache is left alone

CACHE = Incident("Cache")


def forgiving(fallback):
    """Run a cache method; on a Redis error return ``fallback(*args, **kwargs)`` instead."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._resting_until:
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                CACHE.failed(error)
                self._resting_until = time.monotonic() + RETRY_AFTER
                return fallback(*args, **kwargs)
            CACHE.recovered()
            return result

        return wrapper

    return decorate


def _missing_count(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (the cache is unavailable).")


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, reading as empty and dropping writes while Redis is down."""

    _resting_until = 0.0

    add = forgiving(lambda *a, **k: False)(RedisCache.add)
    get = forgiving(lambda key, default=None, *a, **k: default)(RedisCache.get)
    set = forgiving(lambda *a, **k: None)(RedisCache.set)
    touch = forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = forgiving(lambda *a, **k: False)(RedisCache.delete)
    get_many = forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = forgiving(lambda *a, **k: False)(RedisCache.has_key)
    incr = forgiving(_missing_count)(RedisCache.incr)
    set_many = forgiving(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    clear = forgiving(lambda *a, **k: False)(RedisCache.clear)

    def ping(self):
        """Whether Redis answers (raises nothing; for /healthz)."""
        try:
            return bool(self._cache.get_client().ping())
        except (RedisError, OSError):
            return False
