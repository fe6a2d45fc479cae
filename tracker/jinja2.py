"""The Jinja2 environment of the public pages (templates/jinja2/).

The public pages are rendered by Jinja2, which compiles a template to Python: a timeline page
of 50 events and its filter panel renders in a fraction of the time Django's template
language takes, and rendering was the largest part of the page once its data came from the
timeline's columns. The admin keeps Django's templates. Autoescaping is on, as in Django's.

Available in every template, besides Jinja2's own: ``url(name, *args)``, ``static(path)``,
``querystring(**changes)`` (the current query string with those keys set, as Django's tag),
``page_links(page_obj)`` (numbered page links, tracker/paging.py),
``json_ld_script(data)``, ``in_calendars(event)``; and the filters of Django the templates use
(``pluralize``, ``truncatechars``, ``linebreaks``, ``date``) and ``highlight`` (search terms
marked, also used by the timeline's rows).
"""

import functools
import json
import re
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import date, linebreaks_filter, pluralize, truncatechars
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from tracker.exports import ics
from tracker.paging import page_links

# The same escapes as Django's json_script, so the JSON cannot close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def highlight(text, terms):
    """Escape ``text`` (as Jinja2 escapes) and wrap each occurrence of a search term in
    <mark>."""
    escaped = escape(text)
    if not terms:
        return escaped
    return Markup(_terms_pattern(tuple(terms)).sub(_mark, str(escaped)))


@functools.lru_cache(maxsize=256)
def _terms_pattern(terms):
    """The pattern of a search's terms (a page highlights hundreds of fields with it)."""
    wanted = "|".join(re.escape(str(escape(term))) for term in terms)
    # An entity such as &amp; is consumed whole where no term starts, so a term is never
    # marked inside one (and a term that itself holds an entity is still found).
    return re.compile(f"({wanted})|(&#?[a-zA-Z0-9]+;)", re.IGNORECASE)


def _mark(match):
    return f"<mark>{match.group(1)}</mark>" if match.group(1) else match.group(0)


def json_ld(data):
    """A <script type="application/ld+json"> element, safely escaped."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def in_calendars(event):
    """Whether the event has a calendar entry (not when it is known only to the year)."""
    return ics.in_calendars(event)


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


@pass_context
def querystring(context, **changes):
    """The current query string with each of ``changes`` set (None removes it): as Django's
    ``{% querystring %}``."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}" if params else ""


# The one query parameter kept in a page's own address (its canonical link, og:url): the
# page of a list. The timeline's query string is the whole view, so it keeps all of it.
KEPT_IN_ADDRESS = ("page",)
# Filters of the timeline: a view narrowed by more than one value of these is left out of
# search engines' indexes (``noindex``), so crawlers do not walk every combination.
TIMELINE_FILTERS = ("q", "from", "to", "country", "type", "status", "organization", "person",
                    "topic")


@pass_context
def page_url(context):
    """This page's absolute address, as its canonical link and previews give it."""
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "tracker:timeline":
        return request.build_absolute_uri()
    kept = [(key, value) for key in KEPT_IN_ADDRESS for value in request.GET.getlist(key)]
    kept = [(key, value) for key, value in kept if value not in {"", "1"}]
    query = f"?{urlencode(kept)}" if kept else ""
    # A view whose page answers at more than one address names the one it calls its own.
    path = getattr(request, "canonical_path", request.path)
    return request.build_absolute_uri(path) + query


@pass_context
def absolute_static(context, path):
    """The absolute address of a static file (previews need the scheme and host)."""
    return context["request"].build_absolute_uri(static(path))


@pass_context
def narrowed_beyond_one_filter(context):
    """Whether the timeline's view is narrowed by more than one filter value."""
    params = context["request"].GET
    return sum(1 for key in TIMELINE_FILTERS for value in params.getlist(key) if value) > 1


def environment(**options):
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        page_links=page_links,
        json_ld_script=json_ld,
        in_calendars=in_calendars,
        page_url=page_url,
        absolute_static=absolute_static,
        narrowed_beyond_one_filter=narrowed_beyond_one_filter,
    )
    env.filters.update(
        pluralize=pluralize,
        truncatechars=truncatechars,
        linebreaks=linebreaks_filter,
        date=date,
        highlight=highlight,
    )
    return env
