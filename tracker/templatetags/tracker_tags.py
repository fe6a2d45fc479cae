"""Template helpers: search highlighting, JSON-LD, country names."""

import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_countries import countries

register = template.Library()

# The same escapes as Django's json_script, so the JSON cannot close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(needs_autoescape=True)
def highlight(text, terms, autoescape=True):
    """Escape ``text`` and wrap each occurrence of a search term in <mark>."""
    escaped = conditional_escape(text) if autoescape else str(text)
    if not terms:
        return escaped
    wanted = "|".join(re.escape(str(conditional_escape(term))) for term in terms)
    # Entities such as &amp; are matched first and left whole, so a term never splits one.
    pattern = re.compile(f"(&#?[a-zA-Z0-9]+;)|({wanted})", re.IGNORECASE)

    def mark(match):
        return match.group(0) if match.group(1) else f"<mark>{match.group(2)}</mark>"

    return mark_safe(pattern.sub(mark, str(escaped)))


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> element, safely escaped."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def country_name(code):
    return countries.name(str(code)) or str(code)
