"""Numbered page links for the public lists: "51–100 of 129", the first and last pages, a
few around the current one and an ellipsis for the rest.

The window is Django's ``Paginator.get_elided_page_range``, so the links are the same few
whether a view has 3 pages or 20,000: bounded work, and nothing is counted again (the
timeline's paginator is told its count). Every link keeps the view's other parameters and
leaves out ``page`` for the first page, so page 1 has one address.
"""

from dataclasses import dataclass

from jinja2 import pass_context

from tracker.querystrings import url_with

ON_EACH_SIDE = 2
ON_ENDS = 1


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the ellipsis for pages left out
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Paging:
    first: str  # the first and last item shown, and the count, with thousands separators
    last: str
    count: str
    links: list
    previous_url: str
    next_url: str


def page_url(request, number):
    return url_with(request, page=number if number > 1 else None)


def paging(request, page):
    paginator = page.paginator
    links = []
    for number in paginator.get_elided_page_range(
        page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    ):
        if number == paginator.ELLIPSIS:
            links.append(PageLink(None))
        else:
            links.append(PageLink(number, page_url(request, number), number == page.number))
    return Paging(
        first=f"{page.start_index():,}",
        last=f"{page.end_index():,}",
        count=f"{paginator.count:,}",
        links=links,
        previous_url=page_url(request, page.number - 1) if page.has_previous() else "",
        next_url=page_url(request, page.number + 1) if page.has_next() else "",
    )


@pass_context
def page_links(context, page):
    """``page_links(page_obj)`` in a template: the page's :class:`Paging`."""
    return paging(context["request"], page)
