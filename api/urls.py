"""API URLs under /api/ on every host; the union registry only on the federation portal.

Each host documents its own API: the schema view is told which URL conf it describes, since
drf-spectacular would otherwise read ROOT_URLCONF (a union's) on the portal too.
"""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .views import MeView, UnionViewSet

Patterns = list[URLPattern | URLResolver]


def _api(urlconf: str, extra: Patterns) -> tuple[Patterns, str]:
    return (
        [
            path("v1/me/", MeView.as_view(), name="me"),
            *extra,
            path("schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="schema"),
            path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
        ],
        "api",
    )


portal_router = DefaultRouter()
portal_router.register("unions", UnionViewSet, basename="union")

tenant_patterns = _api("workershome.urls_tenant", [])
portal_patterns = _api("workershome.urls_public", [path("v1/", include(portal_router.urls))])
