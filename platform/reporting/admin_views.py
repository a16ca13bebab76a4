"""信息报送: the reports unions sent up, in the federation portal's Wagtail admin.

District administrators see the reports of the unions in their districts, city administrators
all of them; opening one shows it in full, and "mark read" (已阅) records who read it. Another
district's report is simply not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import BasePermissionPolicy

from workershome.admin_views import ObjectActionView, policy_menu_item

from .models import ReceivedReport
from .selectors import may_view_reports, received_reports_visible_to
from .services import received_report_mark_read


class ReceivedReportPermissionPolicy(BasePermissionPolicy):
    """City and district administrators, on the portal; each sees the reports they oversee."""

    ACTIONS = frozenset({"view", "change"})

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.ACTIONS and may_view_reports(user)

    def users_with_any_permission(self, actions):
        from tenants.users.models import User

        return User.objects.none()  # not needed by these views

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[ReceivedReport]:
        return received_reports_visible_to(user)


received_report_policy = ReceivedReportPermissionPolicy(ReceivedReport)


class ReceivedReportIndexView(generic.IndexView):
    """Unread reports first, newest first."""

    model = ReceivedReport
    permission_policy = received_report_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Information reports")
    header_icon = "upload"
    default_ordering = ["-received_at"]
    list_filter = ["district"]
    search_fields = None
    paginate_by = 50
    detail_url_name = ""

    def get_base_queryset(self):
        return received_reports_visible_to(self.request.user)

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Title"),
                        get_url=lambda report: reverse(self.detail_url_name, args=(report.pk,))),
            Column("union", accessor="union.name", label=_("Union"), sort_key="union__name"),
            Column("district", label=_("District"), sort_key="district__code"),
            Column("category", accessor=lambda r: r.category_label or r.category, label=_("Category")),
            DateColumn("received_at", label=_("Received"), sort_key="received_at"),
            StatusTagColumn("read", accessor=lambda r: _("Read") if r.read_at else _("Unread"), label=_("State"),
                            primary=lambda r: r.read_at is None),
        ]  # fmt: skip


class ReceivedReportDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = received_report_policy
    permission_required = "view"
    template_name = "reporting/admin/report.html"
    header_icon = "upload"
    index_url_name = ""
    read_url_name = ""

    @cached_property
    def report(self) -> ReceivedReport:
        return get_object_or_404(received_reports_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self) -> str:
        return self.report.title

    def get_page_subtitle(self) -> str:
        return self.report.union.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Information reports")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            report=self.report,
            read_url=reverse(self.read_url_name, args=(self.report.pk,)),
            index_url=reverse(self.index_url_name),
        )
        return context


class ReceivedReportReadView(ObjectActionView):
    """POST: 已阅, recording who read the report and when."""

    permission_policy = received_report_policy

    def objects(self, request: HttpRequest) -> QuerySet:
        return received_reports_visible_to(request.user)

    def act(self, obj, request: HttpRequest) -> None:
        received_report_mark_read(report=obj, by=request.user)

    def success_message(self, obj) -> str:
        return _("Marked read.")


class ReceivedReportViewSet(ViewSet):
    """The "信息报送" area of the federation portal's admin."""

    name = "federation_reports"
    url_prefix = "reports"
    icon = "upload"
    menu_label = gettext_lazy("Information reports")
    menu_order = 245
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(received_report_policy, "view")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            detail_url_name=self.get_url_name("detail"),
            header_icon=self.icon,
            **kwargs,
        )

    def get_urlpatterns(self):
        index_results = self.get_url_name("index_results")
        return [
            path("", self.construct_view(ReceivedReportIndexView, index_results_url_name=index_results),
                 name="index"),
            path("results/", self.construct_view(ReceivedReportIndexView, results_only=True,
                                                 index_results_url_name=index_results), name="index_results"),
            path("<int:pk>/", self.construct_view(ReceivedReportDetailView, read_url_name=self.get_url_name("read")),
                 name="detail"),
            path("<int:pk>/read/", self.construct_view(ReceivedReportReadView), name="read"),
        ]  # fmt: skip
