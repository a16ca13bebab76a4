"""The wall posters (上墙) in a union's Wagtail admin: a menu item leading to the poster list."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .poster_views import posters_visible_to


def poster_list_url() -> str | None:
    """The poster list's URL, or ``None`` while the URL conf does not include the posters."""
    try:
        return reverse("cms_posters:list")
    except NoReverseMatch:
        return None


class PosterMenuItem(MenuItem):
    """ "Wall posters" (上墙材料), for the union's staff. Menu items are made once per process and
    shared by every schema (the portal has no posters), so the URL is looked up at each render."""

    def is_shown(self, request) -> bool:
        return poster_list_url() is not None and posters_visible_to(request.user)

    def render_component(self, request):
        self.url = poster_list_url() or ""
        return super().render_component(request)


@hooks.register("register_admin_menu_item")
def register_poster_menu_item() -> MenuItem:
    return PosterMenuItem(_("Wall posters"), "", name="wall-posters", icon_name="doc-full", order=900)
