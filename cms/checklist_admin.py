"""The home's checklist on a union's Wagtail dashboard (what the home still lacks, and where to fix it)."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import page_permission_policy

from workershome.tenancy import on_portal

from .checklist import home_checklist


class ChecklistPanel(Component):
    """The checklist against the five displays and six haves, live, each item with its fix link.

    Shown first on the dashboard: it is what a new union's chairman does next (journey 2). Links
    are offered to those who can edit the site; the others see the state only.
    """

    name = "home_checklist"
    order = 10
    template_name = "cms/admin/checklist_panel.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        checklist = home_checklist()
        can_edit = page_permission_policy.user_has_any_permission(self.request.user, ["add", "change"])
        return {"checklist": checklist, "families": checklist.by_family(), "show_links": can_edit}


def checklist_visible_to(user) -> bool:
    """Union staff with admin access; never on the federation portal, which is no Workers' Home."""
    if on_portal():
        return False
    return bool(user.is_active and user.has_perm("wagtailadmin.access_admin"))


@hooks.register("construct_homepage_panels")
def add_checklist_panel(request, panels) -> None:
    if checklist_visible_to(request.user):
        panels.append(ChecklistPanel(request))
