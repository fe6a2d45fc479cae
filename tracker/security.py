"""The security headers every response carries (see README, "Security and reliability").

Django's SecurityMiddleware sends what it has settings for (HSTS, X-Content-Type-Options,
Referrer-Policy, Cross-Origin-Opener-Policy), XFrameOptionsMiddleware sends X-Frame-Options,
and django-csp the Content-Security-Policy. This module adds the rest:

- ``ContentSecurityPolicyMiddleware``: django-csp's middleware, with what a third-party page
  needs added under its path only (``CONTENT_SECURITY_POLICY_PATH_ADDITIONS``: Swagger UI's
  data: icons). No page uses a nonce: the public pages are cached whole and shared by every
  reader, so a per-request nonce would not fit them, and no page needs one (no inline script
  or style anywhere, the admin's included).
- ``HeadersMiddleware``: Permissions-Policy and Cross-Origin-Resource-Policy, which Django has
  no setting for; and X-Frame-Options on what XFrameOptionsMiddleware never sees (the static
  files WhiteNoise answers before it, once they are collected).
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        additions = path_additions(request.path_info)
        if additions:
            parts.update = {**additions, **(parts.update or {})}
        return parts


def path_additions(path):
    """The sources added to the policy for ``path`` (the longest matching prefix's)."""
    prefixes = getattr(settings, "CONTENT_SECURITY_POLICY_PATH_ADDITIONS", {})
    matching = [prefix for prefix in prefixes if path.startswith(prefix)]
    return prefixes[max(matching, key=len)] if matching else None


class HeadersMiddleware:
    """Set Permissions-Policy, Cross-Origin-Resource-Policy and X-Frame-Options where a view
    has not."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )
        self.resource_policy = settings.CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.resource_policy)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
