"""The plain-text files a site keeps at well-known addresses: ``/robots.txt`` and
``/.well-known/security.txt`` (RFC 9116)."""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

PLAIN_TEXT = "text/plain; charset=utf-8"

# Crawlers may read every public page, filtered views included. They are kept out of the
# admin, the API (data for programs, not pages to index) and the whole-timeline CSV, which
# streams every event and costs seconds to make. The sitemap is named by its full address
# (the protocol requires one), on the host asked for.
ROBOTS = """\
User-agent: *
Allow: /
Disallow: /admin/
Disallow: /api/
Disallow: /events.csv

Sitemap: {sitemap}
"""


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("tracker:sitemap"))
    response = HttpResponse(ROBOTS.format(sitemap=sitemap), content_type=PLAIN_TEXT)
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_safe
def security_txt(request):
    """Who to tell of a vulnerability. The contact is the ``SECURITY_CONTACT`` setting, or
    security@ the host asked for; the file expires a year from the moment it is read, so it
    is never stale, and says where its canonical copy is."""
    contact = settings.SECURITY_CONTACT or f"mailto:security@{request.get_host().split(':')[0]}"
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=365)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri(reverse('tracker:security_txt'))}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type=PLAIN_TEXT)
    patch_cache_control(response, public=True, max_age=86400)
    return response
