"""URL conf of a union's site: its Wagtail site and admin, the API, accounts."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.urls import tenant_patterns

from .urls_common import handler404, handler500  # noqa: F401
from .urls_common import urlpatterns as common

urlpatterns = [
    *common,
    path("api/", include(tenant_patterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("posters/", include("cms.poster_urls")),
    path("my/notifications/", include("tenants.notifications.urls")),
    path("reception/", include("tenants.reception.urls")),
    path("proposals/", include("tenants.proposals.urls")),
    path("appeals/", include("tenants.appeals.urls")),
    path("my/cases/", include("tenants.appeals.urls_my")),
    path("", include(wagtail_urls)),
]
