"""The Jinja2 environment of the public pages (templates/jinja2/).

The public pages are rendered by Jinja2, which compiles a template to Python: a timeline page
of 50 events and its filter panel renders in a fraction of the time Django's template
language takes, and rendering was the largest part of the page once its data came from the
timeline's columns. The admin keeps Django's templates. Autoescaping is on, as in Django's.

Available in every template, besides Jinja2's own: ``url(name, *args)``, ``static(path)``,
``querystring(**changes)`` (the current query string with those keys set, as Django's tag),
``json_ld_script(data)``, ``in_calendars(event)``; and the filters of Django the templates use
(``pluralize``, ``truncatechars``, ``linebreaks``, ``date``), ``highlight`` and
``country_name``.
"""

from django.template.defaultfilters import date, linebreaks_filter, pluralize, truncatechars
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, pass_context

from tracker.templatetags.tracker_tags import country_name, highlight, in_calendars, json_ld


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


def environment(**options):
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        json_ld_script=json_ld,
        in_calendars=in_calendars,
    )
    env.filters.update(
        pluralize=pluralize,
        truncatechars=truncatechars,
        linebreaks=linebreaks_filter,
        date=date,
        highlight=highlight,
        country_name=country_name,
    )
    return env
