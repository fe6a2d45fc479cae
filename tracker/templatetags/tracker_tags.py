"""Template helpers: search highlighting, JSON-LD, country names, calendar entries."""

import functools
import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_countries import countries
from markupsafe import Markup, escape

from tracker.exports import ics

register = template.Library()

# The same escapes as Django's json_script, so the JSON cannot close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(needs_autoescape=True)
def highlight(text, terms, autoescape=True):
    """Escape ``text`` and wrap each occurrence of a search term in <mark>. (Escaped by
    markupsafe, as Jinja2 escapes: in C, and understood by both template engines.)"""
    escaped = escape(text) if autoescape else str(text)
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


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> element, safely escaped."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def country_name(code):
    return countries.name(str(code)) or str(code)


@register.filter
def in_calendars(event):
    """Whether the event has a calendar entry (not when it is known only to the year)."""
    return ics.in_calendars(event)
