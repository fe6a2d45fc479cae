"""The timeline view a file is asked for: the same query string through the same FilterSet,
but strict. A parameter that is not understood is a 400 naming it, never a file that looks
like "no events" or "every event"."""

import hashlib
import re
import unicodedata
from urllib.parse import urlencode

from django.http import HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.functional import cached_property
from django_countries import countries

from tracker import search
from tracker.exports.links import with_query
from tracker.filters import EventFilterSet
from tracker.models import Event, EventStatus

SITE_NAME = "AI Policy Tracker"
FILE_PREFIX = "ai-policy-tracker-events"
MAX_FILENAME_STEM = 100  # characters, before the extension
MAX_MESSAGE = 300  # characters of one error line
_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def ascii_words(text):
    """``Seoul: 서울 2024`` → ``Seoul-2024``: letters and digits only, joined by hyphens."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NOT_ASCII_WORD.sub("-", text).strip("-")


def one_line(text, limit=MAX_MESSAGE):
    """A message safe for a plain-text line: no control characters, bounded length."""
    text = _CONTROL.sub("", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def site_host(request):
    """The site's host name without its port, for UIDs and tag URIs."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class TimelineQuery:
    """The filterset of the timeline view asked for, and what the formats say about it."""

    def __init__(self, request):
        self.request = request
        self.filterset = EventFilterSet(request.GET, queryset=Event.objects.published())

    @cached_property
    def errors(self):
        # ``page`` is tolerated and ignored: a file is the whole view, not one page of it.
        return self.filterset.parameter_errors(allowed=("page",))

    def error_response(self):
        """A 400 with one line per parameter that was not understood."""
        lines = [
            f"{one_line(name, 40)}: {one_line(' '.join(str(m) for m in messages))}"
            for name, messages in self.errors.items()
        ]
        text = "This view of the timeline was not understood:\n" + "\n".join(lines) + "\n"
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")

    @property
    def events(self):
        """The view's published events, in the timeline's order."""
        return self.filterset.qs

    @cached_property
    def pairs(self):
        """The view's parameters as given, less the page and empty values."""
        return [
            (key, value)
            for key, values in self.request.GET.lists()
            if key != "page"
            for value in values
            if value != ""
        ]

    @property
    def query_string(self):
        return urlencode(self.pairs)

    @property
    def timeline_url(self):
        """The same view on the timeline page, as an absolute URL."""
        path = with_query(reverse("tracker:timeline"), self.query_string)
        return self.request.build_absolute_uri(path)

    @property
    def host(self):
        return site_host(self.request)

    # What the view is, in words and in a file name -------------------------------------

    @cached_property
    def description(self):
        """``events from May 2024, involving United Kingdom``; ``all events``."""
        filterset = self.filterset
        data = filterset.form.cleaned_data
        parts = []
        if filterset.search_text:
            # As typed, quoted once, without control characters (XML 1.0 has no place for
            # them: the feed's title holds this).
            parts.append(f"matching {search.quoted(one_line(filterset.search_text, 60))}")
        if data.get("from"):
            parts.append(f"from {data['from']}")
        if data.get("to"):
            parts.append(f"to {data['to']}")
        statuses = dict(EventStatus.choices)
        wordings = {
            "country": ("involving", lambda code: countries.name(code) or code),
            "type": ("of type", lambda value: value.name),
            "status": ("with status", lambda value: str(statuses.get(value, value)).lower()),
            "organization": ("with", lambda value: value.name),
            "person": ("with", lambda value: value.name),
            "topic": ("about", lambda value: value.name),
        }
        for name, (lead, label) in wordings.items():
            values = filterset.active(name)
            if values:
                parts.append(f"{lead} {' or '.join(label(value) for value in values)}")
        return ("events " + ", ".join(parts)) if parts else "all events"

    @property
    def title(self):
        text = self.description
        return f"{SITE_NAME}: {text[:1].upper()}{text[1:]}"

    def filename(self, extension):
        """``ai-policy-tracker-events-country-KR-from-2024.csv``: ASCII letters, digits and
        hyphens only, whatever the query, and at most about a hundred characters."""
        words = []
        for key, value in self.pairs:
            words.append("search" if key == "q" else ascii_words(key))
            words.append(ascii_words(value)[:40])
        stem = "-".join(word for word in words if word) or "all"
        stem = f"{FILE_PREFIX}-{stem}"
        if len(stem) > MAX_FILENAME_STEM:
            digest = hashlib.sha256(self.query_string.encode()).hexdigest()[:8]
            stem = stem[: MAX_FILENAME_STEM - 9].rstrip("-") + "-" + digest
        return f"{stem}.{extension}"
