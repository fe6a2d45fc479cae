from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from tracker import views
from tracker.caching import cached_public_page
from tracker.exports import views as exports
from tracker.querystrings import redirect_to_clean_query
from tracker.ratelimit import rate_limited
from tracker.sitemaps import SITEMAPS
from tracker.views import citations as citation_views
from tracker.views import indexes, site_files
from tracker.views.pages import PageView

app_name = "tracker"

urlpatterns = [
    # A form's empty fields and default values are left out of the address (a redirect).
    path(
        "",
        redirect_to_clean_query(cached_public_page(views.TimelineView.as_view())),
        name="timeline",
    ),
    # The timeline's view as files. The CSV streams, so it is never held in the page cache.
    path(
        "events.csv",
        exports.revalidated(rate_limited(exports.events_csv)),
        name="events_csv",
    ),
    path(
        "events.ics",
        exports.revalidated(cached_public_page(exports.events_ics)),
        name="events_ics",
    ),
    path(
        "events.atom",
        exports.revalidated(cached_public_page(exports.events_atom)),
        name="events_atom",
    ),
    # Before "events/<slug>/": a slug cannot hold a dot, so the two never meet anyway.
    path(
        "events/<slug:slug>.ics",
        exports.revalidated(cached_public_page(exports.event_ics)),
        name="event_ics",
    ),
    path("events/<slug:slug>/", cached_public_page(views.EventDetailView.as_view()), name="event"),
    path(
        "events/<slug:slug>/cite.ris",
        cached_public_page(citation_views.event_ris),
        name="event_ris",
    ),
    path(
        "organizations/",
        cached_public_page(views.OrganizationListView.as_view()),
        name="organizations",
    ),
    path(
        "organizations/<slug:slug>/",
        cached_public_page(views.OrganizationDetailView.as_view()),
        name="organization",
    ),
    path("people/", cached_public_page(views.PersonListView.as_view()), name="people"),
    path(
        "people/<slug:slug>/", cached_public_page(views.PersonDetailView.as_view()), name="person"
    ),
    path("topics/<slug:slug>/", cached_public_page(views.TopicDetailView.as_view()), name="topic"),
    path("topics/", cached_public_page(indexes.TopicListView.as_view()), name="topics"),
    path("countries/", cached_public_page(indexes.CountryListView.as_view()), name="countries"),
    path(
        "countries/<str:code>/",
        cached_public_page(indexes.CountryDetailView.as_view()),
        name="country",
    ),
    path("sources/", cached_public_page(indexes.SourceListView.as_view()), name="sources"),
    path(
        "sitemap.xml",
        cached_public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "tracker:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", site_files.security_txt, name="security_txt"),
    # Last: an editor's written page at /<slug>/ (/about/); the site's own addresses above
    # win, and a page cannot take one of their keys (Page.clean).
    path("<slug:slug>/", cached_public_page(PageView.as_view()), name="page"),
]
