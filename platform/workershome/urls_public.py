"""URL conf of the federation portal (public schema); it never routes into union apps."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.urls import portal_patterns

from .urls_common import handler404, handler500  # noqa: F401
from .urls_common import urlpatterns as common

urlpatterns = [
    *common,
    path("api/", include(portal_patterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("calendar/", include("federation.calendar_urls")),
    path("resources/", include("docking.urls")),
    path("search/", include("search.urls")),
    path("", include(wagtail_urls)),
]
