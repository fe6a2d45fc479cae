"""The sitemap (django.contrib.sitemaps): every public page a search engine should know.

``/sitemap.xml`` is an index of sections, each ``/sitemap-<section>.xml`` paginated by Django
at 50,000 addresses (``?p=2``…). Only published events are listed (a draft is "not found" at
its address); organizations, people, topics and the written pages have no drafts. Each
section reads only the columns it writes, in primary-key order."""

from django.contrib import sitemaps
from django.urls import reverse

from tracker.models import Event, Organization, Page, Person, Topic


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


class PageSitemap(sitemaps.Sitemap):
    """The written pages (About)."""

    def items(self):
        return Page.objects.order_by("pk").only("slug", "updated_at")

    def lastmod(self, page):
        return page.updated_at


class EventSitemap(sitemaps.Sitemap):
    def items(self):
        return Event.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, event):
        return event.updated_at


class OrganizationSitemap(sitemaps.Sitemap):
    def items(self):
        return Organization.objects.order_by("pk").only("slug", "updated_at")

    def lastmod(self, organization):
        return organization.updated_at


class PersonSitemap(sitemaps.Sitemap):
    def items(self):
        return Person.objects.order_by("pk").only("slug", "updated_at")

    def lastmod(self, person):
        return person.updated_at


class TopicSitemap(sitemaps.Sitemap):
    def items(self):
        return Topic.objects.order_by("pk").only("slug")


SITEMAPS = {
    "site": IndexPagesSitemap,
    "pages": PageSitemap,
    "events": EventSitemap,
    "organizations": OrganizationSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
}
