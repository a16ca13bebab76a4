"""预警信息: the warnings inbox in the federation portal's Wagtail admin.

District administrators see the warnings of the unions in their districts, city administrators
all of them; either acknowledges one (签收), which stops the re-sending. Thin: acknowledging is
``inbox_warning_acknowledge``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import BasePermissionPolicy

from tenants.incidents.choices import RiskLevel
from workershome.admin_views import ObjectActionView, policy_menu_item

from .inbox import inbox_warning_acknowledge, inbox_warnings_visible_to, may_view_inbox
from .models import InboxWarning


class InboxWarningPermissionPolicy(BasePermissionPolicy):
    """City and district administrators, on the portal; each sees the warnings they oversee."""

    ACTIONS = frozenset({"view", "change"})

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.ACTIONS and may_view_inbox(user)

    def users_with_any_permission(self, actions):
        from tenants.users.models import User

        return User.objects.none()  # not needed by these views

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[InboxWarning]:
        return inbox_warnings_visible_to(user)


inbox_warning_policy = InboxWarningPermissionPolicy(InboxWarning)

STATE_LABELS = {
    "acknowledged": gettext_lazy("Acknowledged"),
    "escalated": gettext_lazy("Escalated to the city"),
    "waiting": gettext_lazy("Awaiting acknowledgement"),
}


def inbox_state(warning: InboxWarning) -> str:
    if warning.acknowledged_at:
        return "acknowledged"
    return "escalated" if warning.escalated_at else "waiting"


def _label(name: str) -> str:
    return str(capfirst(getattr(InboxWarning._meta.get_field(name), "verbose_name", name)))


class InboxWarningIndexView(generic.IndexView):
    """The inbox: warnings still awaiting acknowledgement first, newest first."""

    model = InboxWarning
    permission_policy = inbox_warning_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Warnings inbox")
    header_icon = "warning"
    default_ordering = ["acknowledged_last", "-received_at"]
    list_filter = ["risk_level", "category", "district"]
    search_fields = None
    paginate_by = 50
    detail_url_name = ""

    def get_base_queryset(self):
        return inbox_warnings_visible_to(self.request.user).annotate(
            acknowledged_last=Case(
                When(acknowledged_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn(
                "reference",
                label=_label("reference"),
                get_url=lambda warning: reverse(self.detail_url_name, args=(warning.pk,)),
            ),
            Column("union", accessor="union.name", label=_label("union"), sort_key="union__name"),
            Column("district", label=_label("district"), sort_key="district__code"),
            Column(
                "category", accessor="get_category_display", label=_label("category"), sort_key="category"
            ),
            Column("headcount", label=_label("headcount"), sort_key="headcount"),
            StatusTagColumn(
                "risk_level",
                accessor="get_risk_level_display",
                label=_label("risk_level"),
                sort_key="risk_level",
                primary=lambda warning: warning.risk_level == RiskLevel.SEVERE,
            ),
            DateColumn("received_at", label=_label("received_at"), sort_key="received_at"),
            StatusTagColumn(
                "state",
                accessor=lambda warning: STATE_LABELS[inbox_state(warning)],
                label=_("State"),
                primary=lambda warning: warning.acknowledged_at is None,
            ),
        ]


class InboxWarningDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One warning: what the union reported, every notice sent, and the acknowledge button."""

    permission_policy = inbox_warning_policy
    permission_required = "view"
    template_name = "federation/admin/inbox_warning.html"
    header_icon = "warning"
    index_url_name = ""
    acknowledge_url_name = ""

    @cached_property
    def warning(self) -> InboxWarning:
        # Another district's warning is simply not found.
        return get_object_or_404(inbox_warnings_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self) -> str:
        return _("Warning %(reference)s") % {"reference": self.warning.reference}

    def get_page_subtitle(self) -> str:
        return self.warning.union.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Warnings inbox")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        warning = self.warning
        context.update(
            warning=warning,
            state=inbox_state(warning),
            state_label=STATE_LABELS[inbox_state(warning)],
            notices=list(warning.notices.all()),
            acknowledge_url=reverse(self.acknowledge_url_name, args=(warning.pk,)),
            index_url=reverse(self.index_url_name),
        )
        return context


class InboxWarningAcknowledgeView(ObjectActionView):
    """POST: 签收 one warning, recording who and when."""

    permission_policy = inbox_warning_policy

    def objects(self, request: HttpRequest) -> QuerySet:
        return inbox_warnings_visible_to(request.user)

    def act(self, obj, request: HttpRequest) -> None:
        inbox_warning_acknowledge(warning=obj, by=request.user)

    def success_message(self, obj) -> str:
        return _("Warning %(reference)s acknowledged; the union has been told.") % {
            "reference": obj.reference
        }


class InboxWarningViewSet(ViewSet):
    """The "预警信息" area of the federation portal's admin."""

    name = "federation_warnings"
    url_prefix = "warnings"
    icon = "warning"
    menu_label = gettext_lazy("Warnings inbox")
    menu_order = 240
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(inbox_warning_policy, "view")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            detail_url_name=self.get_url_name("detail"),
            header_icon=self.icon,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path(
                "",
                self.construct_view(
                    InboxWarningIndexView, index_results_url_name=self.get_url_name("index_results")
                ),
                name="index",
            ),
            path(
                "results/",
                self.construct_view(
                    InboxWarningIndexView,
                    results_only=True,
                    index_results_url_name=self.get_url_name("index_results"),
                ),
                name="index_results",
            ),
            path(
                "<int:pk>/",
                self.construct_view(
                    InboxWarningDetailView, acknowledge_url_name=self.get_url_name("acknowledge")
                ),
                name="detail",
            ),
            path(
                "<int:pk>/acknowledge/",
                self.construct_view(InboxWarningAcknowledgeView),
                name="acknowledge",
            ),
        ]
