"""The union's own view of its assessment, in the union's Wagtail admin: its scorecard in the
latest round and what to fix. It reads only the scorecard of the union whose site this is
(``connection.tenant``), whatever the URL; the federation's other tables are not shown."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from federation.assessment import rating_label
from workershome.tenancy import current_tenant, on_portal

from .selectors import scorecard_lines, scorecard_of_union, scorecard_to_fix


def may_view_own_scorecard(user) -> bool:
    """A union's admin staff, on the union's site."""
    return bool(
        not on_portal()
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm("wagtailadmin.access_admin")
    )


class OwnScorecardMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_view_own_scorecard(request.user)


class OwnScorecardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessment/own_scorecard.html"
    header_icon = "tasks"

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not may_view_own_scorecard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Our assessment")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scorecard = scorecard_of_union(union=current_tenant())
        context.update(
            scorecard=scorecard,
            rating=rating_label(scorecard.rating) if scorecard else "",
            groups=scorecard_lines(scorecard) if scorecard else [],
            to_fix=scorecard_to_fix(scorecard) if scorecard else [],
            may_review=False,
        )
        return context


class OwnScorecardViewSet(ViewSet):
    """ "我们的考核" in a union's admin."""

    name = "own_assessment"
    url_prefix = "our-assessment"
    icon = "tasks"
    menu_label = gettext_lazy("Our assessment")
    menu_order = 880
    add_to_admin_menu = True
    menu_item_class = OwnScorecardMenuItem

    def get_urlpatterns(self):
        return [path("", OwnScorecardView.as_view(), name="index")]
