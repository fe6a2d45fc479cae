"""Requests refused before any view reads them."""

from django.http import HttpResponseBadRequest

ADMIN_PREFIX = "/admin/"


class RefuseNulInAdminQuery:
    """A NUL character (``%00``) anywhere in an admin address, its path or its query string,
    is a 400.

    No value the admin filters, searches or looks up by can hold one, and PostgreSQL refuses
    one in any query ("A string literal cannot contain NUL"): the event list's filters
    (``?country=%00``, ``?status__exact=%00``), its search and the autocomplete's ``term``
    were 500s, and so was a record's History at ``/admin/tracker/event/%00/history/``
    (django-reversion looks the id up as text). Checked here once rather than in each of
    Django's list filters. The public pages, the exports and the API answer such values
    themselves (tests/test_data_bad_input.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX) and (
            "\x00" in request.path or has_nul(request.GET)
        ):
            return HttpResponseBadRequest(
                "The address holds a NUL character (%00), which no value here can contain.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def has_nul(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())
