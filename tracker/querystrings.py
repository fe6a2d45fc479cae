"""Links that change one part of the timeline's query string and keep the rest.

Changing a filter always goes back to the first page, and empty values are dropped so that
shared links stay short.
"""

from urllib.parse import urlencode


def _pairs(request, drop=()):
    return [
        (key, value)
        for key, values in request.GET.lists()
        if key not in drop and key != "page"
        for value in values
        if value != ""
    ]


def url_with(request, **changes):
    """The current URL with each key of ``changes`` set to that one value."""
    pairs = _pairs(request, drop=changes.keys())
    pairs += [(key, value) for key, value in changes.items() if value not in (None, "")]
    return "?" + urlencode(pairs) if pairs else request.path


def url_without(request, key, value=None):
    """The current URL without ``key``, or without only its ``value``."""
    pairs = [
        (k, v) for k, v in _pairs(request) if not (k == key and (value is None or v == str(value)))
    ]
    return "?" + urlencode(pairs) if pairs else request.path
