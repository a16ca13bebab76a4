"""The content security policy, with the one exception the platform needs.

Wagtail's admin renders inline scripts (date pickers, inline panels) and drf-spectacular's API
docs page starts Swagger UI inline; on those paths only, inline scripts are allowed. Everything
the sites themselves serve runs with ``script-src 'self'``: their scripts are static files.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

INLINE_SCRIPT_PREFIXES = ("/admin/", "/api/docs/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(INLINE_SCRIPT_PREFIXES):
            parts.update = {**(parts.update or {}), "script-src": [UNSAFE_INLINE]}
        return parts
