"""The sitemap (django.contrib.sitemaps): every public page a search engine should know.

``/sitemap.xml`` is an index of sections, each ``/sitemap-<section>.xml`` paginated by Django
at 5,000 addresses (``?p=2``…; the protocol allows 50,000, whose page takes seconds to
write). Only published events are listed (a draft is "not found" at
its address); organizations, people, topics and the written pages have no drafts. Each
section reads only the columns it writes, in primary-key order."""

from django.contrib import sitemaps
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from tracker import timeline_index
from tracker.models import Event, Organization, Page, Person, Topic
from tracker.views.indexes import country_rows


class IndexPagesSitemap(sitemaps.Sitemap):
    """The timeline and the indexes."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "tracker:timeline",
            "tracker:organizations",
            "tracker:people",
            "tracker:topics",
            "tracker:countries",
            "tracker:sources",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(sitemaps.Sitemap):
    """A section of records that say when each was last changed (``updated_at``)."""

    limit = 5000

    def lastmod(self, record):
        return record.updated_at

    def get_latest_lastmod(self):
        # The index's date for the section, in one aggregate: Django's own reads every item
        # (a second at 100,000 events).
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(RecordSitemap):
    """The written pages (About)."""

    def items(self):
        return Page.objects.order_by("pk").only("slug", "updated_at")


class EventSitemap(RecordSitemap):
    def items(self):
        return Event.objects.published().order_by("pk").only("slug", "updated_at")

    @property
    def paginator(self):
        return PublishedEventPages(self.items(), self.limit)


class PublishedEventPages(Paginator):
    """The events section's pages, found on the timeline's columns (kept current on each
    request): how many published events there are, without counting a million rows; and a
    page as the range of ids it spans, not an OFFSET that reads every row before it (page 150
    of a million events: 620 ms)."""

    @cached_property
    def count(self):
        return timeline_index.published_count()

    def page(self, number):
        number = self.validate_number(number)
        if not self.count:
            return self._get_page(self.object_list.none(), number, self)
        first = (number - 1) * self.per_page
        last = min(first + self.per_page, self.count) - 1
        low, high = timeline_index.published_pks_at([first, last])
        rows = self.object_list.filter(pk__gte=low, pk__lte=high)
        return self._get_page(rows, number, self)


class OrganizationSitemap(RecordSitemap):
    def items(self):
        return Organization.objects.order_by("pk").only("slug", "updated_at")


class PersonSitemap(RecordSitemap):
    def items(self):
        return Person.objects.order_by("pk").only("slug", "updated_at")


class TopicSitemap(sitemaps.Sitemap):
    def items(self):
        return Topic.objects.order_by("pk").only("slug")


class CountrySitemap(sitemaps.Sitemap):
    """The pages of the countries with a published event, an organization or a person."""

    def items(self):
        return [row["slug"] for row in country_rows()]

    def location(self, slug):
        return reverse("tracker:country", args=[slug])


SITEMAPS = {
    "site": IndexPagesSitemap,
    "pages": PageSitemap,
    "events": EventSitemap,
    "organizations": OrganizationSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
    "countries": CountrySitemap,
}
