"""Wagtail admin wiring of the federation portal's service stations (服务站)."""

from wagtail import hooks

from .views import StationViewSet


@hooks.register("register_admin_viewset")
def register_station_viewset() -> StationViewSet:
    return StationViewSet()
