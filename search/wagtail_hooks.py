"""The admin's 记录检索 (record search): the union's own cases and archive items, limited to what
the user's role may see. Only on a union's admin; the portal has no union records."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from workershome.tenancy import on_portal

from .views import StaffSearchView


@hooks.register("register_admin_urls")
def staff_search_urls():
    return [path("record-search/", StaffSearchView.as_view(), name="staff_search")]


class StaffSearchMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return not on_portal()


@hooks.register("register_admin_menu_item")
def staff_search_menu_item():
    return StaffSearchMenuItem(_("Record search"), reverse("staff_search"), icon_name="search", order=206)
