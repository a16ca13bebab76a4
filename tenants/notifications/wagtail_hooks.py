"""The notifications area of the admin, and the staff's work panel on the dashboard."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from workershome.tenancy import on_portal

from . import views
from .selectors import notifications_for


@hooks.register("register_admin_urls")
def notification_admin_urls():
    return [
        path("notifications/", views.admin_index, name="notifications_admin"),
        path("notifications/read/", views.mark_read, name="notifications_admin_read"),
    ]


class NotificationMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return not on_portal()

    def render_component(self, request):
        from wagtail.admin.ui.sidebar import LinkMenuItem

        unread = notifications_for(user=request.user, unread_only=True).count()
        label = f"{self.label}（{unread}）" if unread else self.label
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


@hooks.register("register_admin_menu_item")
def notification_menu_item():
    return NotificationMenuItem(
        _("Notifications"), reverse("notifications_admin"), icon_name="mail", order=205
    )


class WorkPanel(Component):
    """On the dashboard: my open cases, the overdue ones, and unread notifications."""

    name = "my_work"
    order = 40
    template_name = "notifications/admin/work_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from tenants.cases.roles import cases_visible_to

        user = self.request.user
        open_cases = cases_visible_to(user).filter(status="open")
        mine = open_cases.filter(assignee=user)
        from django.utils import timezone

        return {
            "assigned": mine.count(),
            "overdue": open_cases.filter(due_at__lt=timezone.now()).count(),
            "unassigned": open_cases.filter(assignee__isnull=True).count(),
            "notifications": list(notifications_for(user=user, unread_only=True)[:5]),
        }


@hooks.register("construct_homepage_panels")
def add_work_panel(request, panels) -> None:
    from tenants.cases.cases_admin import case_policy

    if not on_portal() and case_policy.user_has_permission(request.user, "view"):
        panels.append(WorkPanel(request))
