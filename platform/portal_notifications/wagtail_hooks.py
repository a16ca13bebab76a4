"""The portal's notifications in its Wagtail admin: the pages, the bell in the menu with the
unread count, the bell icon, and the unread ones on the dashboard. Shown on the portal only."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from workershome.tenancy import on_portal

from . import views
from .selectors import portal_notifications_for, portal_unread_count


@hooks.register("register_admin_urls")
def portal_notification_admin_urls():
    return [
        path("portal-notifications/", views.index, name="portal_notifications"),
        path("portal-notifications/read/", views.mark_read, name="portal_notifications_read"),
    ]


@hooks.register("register_icons")
def portal_notification_icons(icons: list[str]) -> list[str]:
    return [*icons, "portal_notifications/icons/bell.svg"]


class BellMenuItem(MenuItem):
    """通知 with the unread count, for the portal's signed-in staff."""

    def is_shown(self, request) -> bool:
        return on_portal()

    def render_component(self, request):
        from wagtail.admin.ui.sidebar import LinkMenuItem

        unread = portal_unread_count(request.user)
        label = f"{self.label}（{unread}）" if unread else str(self.label)
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname,
            attrs={**self.attrs, "data-unread": str(unread)},
        )  # fmt: skip


@hooks.register("register_admin_menu_item")
def portal_notification_menu_item():
    return BellMenuItem(
        _("Notifications"), reverse("portal_notifications"), name="portal-notifications", icon_name="bell",
        order=1,
    )  # fmt: skip


class UnreadPanel(Component):
    """On the portal's dashboard: the unread notifications, newest first."""

    name = "portal_notifications"
    order = 10
    template_name = "portal_notifications/admin/panel.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context=None):
        return {
            "unread": portal_unread_count(self.request.user),
            "notifications": list(portal_notifications_for(self.request.user, unread_only=True)[:5]),
        }


@hooks.register("construct_homepage_panels")
def add_unread_panel(request, panels) -> None:
    if on_portal() and portal_unread_count(request.user):
        panels.append(UnreadPanel(request))
