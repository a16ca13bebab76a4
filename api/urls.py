"""API URLs under /api/v1/ on every host; the registry only on the federation portal."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .views import MeView, UnionViewSet

common: list[URLPattern | URLResolver] = [
    path("v1/me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

portal_router = DefaultRouter()
portal_router.register("unions", UnionViewSet, basename="union")

tenant_patterns: tuple[list[URLPattern | URLResolver], str] = (common, "api")
portal_patterns: tuple[list[URLPattern | URLResolver], str] = (
    [*common, path("v1/", include(portal_router.urls))],
    "api",
)
