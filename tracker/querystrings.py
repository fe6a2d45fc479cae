"""Links that change one part of the timeline's query string and keep the rest.

Changing a filter always goes back to the first page, and empty values are dropped so that
shared links stay short.
"""

from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpResponseRedirect


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


# A submitted filter form, without JavaScript, sends every field: ``?q=&from=&to=&country=US
# &order=desc``. The timeline answers such an address with a redirect to the same view without
# what says nothing (empty values, and values that only repeat the default), so the address a
# reader shares is the short one. With JavaScript the form leaves them out itself (timeline.js).


def query_pairs(request):
    """The query string's (key, value) pairs in the order they were sent, read as Django reads
    ``request.GET`` (which groups a repeated key's values and so loses their order)."""
    request.GET  # noqa: B018  Django's own checks first (too many fields is a 400)
    raw = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
    try:
        text = raw.decode(request.encoding or settings.DEFAULT_CHARSET)
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-1")
    return parse_qsl(
        text,
        keep_blank_values=True,
        encoding=request.encoding or settings.DEFAULT_CHARSET,
        max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    )


def says_something(key, value, searched):
    """Whether a parameter changes the view: not empty, and not the default it would get."""
    value = value.strip()
    if not value:
        return False
    if key == "page" and value == "1":
        return False
    # Newest first is the order unless there is a search (which is ordered by relevance).
    return not (key == "order" and value == "desc" and not searched)


def clean_pairs(pairs):
    """The pairs that say something, with no NUL characters (which no field means, and which
    HTML cannot hold: a value echoed in the form would carry one)."""
    pairs = [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in pairs]
    searched = any(key == "q" and value.strip() for key, value in pairs)
    return [(key, value) for key, value in pairs if says_something(key, value, searched)]


def clean_url(path, pairs):
    return f"{path}?{urlencode(pairs)}" if pairs else path


def redirect_to_clean_query(view):
    """Answer a GET whose query string holds empty or default values with a redirect (302) to
    the address without them, keeping every other value, repeated keys included, in order."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and request.META.get("QUERY_STRING"):
            pairs = query_pairs(request)
            kept = clean_pairs(pairs)
            if kept != pairs:
                return HttpResponseRedirect(clean_url(request.path, kept))
        return view(request, *args, **kwargs)

    return wrapper
