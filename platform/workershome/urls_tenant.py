"""URL conf of a union's site: its Wagtail site and admin, the API, accounts."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.urls import tenant_patterns

from . import views
from .urls_common import handler404, handler500  # noqa: F401
from .urls_common import urlpatterns as common

urlpatterns = [
    *common,
    path("api/", include(tenant_patterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("posters/", include("cms.poster_urls")),
    path("my/", views.my_home, name="my_home"),
    path("my/notifications/", include("tenants.notifications.urls")),
    path("reception/", include("tenants.reception.urls")),
    path("proposals/", include("tenants.proposals.urls")),
    path("appeals/", include("tenants.appeals.urls")),
    path("my/cases/", include("tenants.appeals.urls_my")),
    path("my/privacy/", include("tenants.privacy.urls")),
    path("activities/", include("tenants.activities.urls_calendar")),
    path("activities/", include("tenants.activities.urls")),
    path("my/activities/", include("tenants.activities.urls_my")),
    path("my/calendar/", include("tenants.activities.urls_calendar_my")),
    path("training/", include("tenants.training.urls")),
    path("my/training/", include("tenants.training.urls_my")),
    path("groups/", include("tenants.groups.urls")),
    path("room-booking/", include("tenants.rooms.urls")),
    path("my/bookings/", include("tenants.rooms.urls_my")),
    path("library/", include("tenants.library.urls")),
    path("my/library/", include("tenants.library.urls_my")),
    path("counselling/", include("tenants.counselling.urls")),
    path("my/counselling/", include("tenants.counselling.urls_my")),
    path("archives/", include("tenants.archives.urls")),
    path("plan/", include("tenants.plans.urls")),
    path("my/mediation/", include("tenants.mediation.urls_my")),
    path("congress/", include("tenants.congress.urls")),
    path("appraisal/", include("tenants.appraisal.urls")),
    path("elections/", include("tenants.elections.urls")),
    path("notices/", include("syndication.urls")),
    path("search/", include("search.urls")),
    path("", include(wagtail_urls)),
]
