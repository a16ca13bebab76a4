"""预警 in a union's Wagtail admin: the short report form, the list with each warning's delivery
and acknowledgement, and one warning's page. Thin: the report is ``incident_warning_report``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import Resolver404, path, resolve, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import BasePermissionPolicy

from tenants.cases.procedures import machine_for
from workershome.admin_views import policy_menu_item
from workershome.errors import ServiceError

from .choices import RiskLevel
from .forms import IncidentWarningForm
from .models import IncidentWarning
from .selectors import delivery_state, delivery_states, incident_warnings_visible_to, may_handle_warnings
from .services import incident_warning_report


class IncidentWarningPermissionPolicy(BasePermissionPolicy):
    """The union's chairman and officers report and see warnings, on the union's own site only."""

    ACTIONS = frozenset({"view", "add"})

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.ACTIONS and may_handle_warnings(user)

    def users_with_any_permission(self, actions):
        from tenants.users.models import User

        return User.objects.none()  # not needed by these views

    def instances_user_has_any_permission_for(self, user, actions):
        return incident_warnings_visible_to(user)


incident_warning_policy = IncidentWarningPermissionPolicy(IncidentWarning)


def _label(name: str) -> str:
    return str(capfirst(getattr(IncidentWarning._meta.get_field(name), "verbose_name", name)))


def case_admin_url(warning: IncidentWarning) -> str:
    """The case's own admin page (its procedure and timeline), where the case admin has one."""
    url = f"/admin/cases/{warning.case_id}/"
    try:
        resolve(url)
    except Resolver404:
        return ""
    return url


class IncidentWarningIndexView(generic.IndexView):
    """This union's warnings, newest first, with where each stands with the district."""

    model = IncidentWarning
    permission_policy = incident_warning_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Incident warnings")
    header_icon = "warning"
    default_ordering = "-reported_at"
    list_filter = ["risk_level", "category"]
    search_fields = None
    paginate_by = 50
    detail_url_name = ""

    def get_base_queryset(self):
        return incident_warnings_visible_to(self.request.user)

    @cached_property
    def add_item_label(self) -> str:
        return _("Report a warning")

    def get_table(self, object_list):
        rows = list(object_list)
        states = delivery_states(rows)
        for warning in rows:
            warning.delivery = states[warning.pk]
        return super().get_table(rows)

    @cached_property
    def list_display(self) -> list:
        # Phone first: the reference and where the warning stands with the district come first.
        return [
            TitleColumn(
                "reference",
                label=_("Reference"),
                accessor="reference",
                classname="w-whitespace-nowrap",
                get_url=lambda warning: reverse(self.detail_url_name, args=(warning.pk,)),
            ),
            StatusTagColumn(
                "delivery",
                accessor="delivery.label",
                label=_("Federation"),
                primary=lambda warning: warning.delivery.code == "acknowledged",
            ),
            Column("headcount", label=_label("headcount"), sort_key="headcount"),
            StatusTagColumn(
                "risk_level",
                accessor="get_risk_level_display",
                label=_label("risk_level"),
                sort_key="risk_level",
                primary=lambda warning: warning.risk_level == RiskLevel.SEVERE,
            ),
            Column(
                "category", accessor="get_category_display", label=_label("category"), sort_key="category"
            ),
            DateColumn("reported_at", label=_label("reported_at"), sort_key="reported_at"),
        ]


class IncidentWarningReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """发现报告: the short form. Submitting it tells the chairman and the district at once."""

    permission_policy = incident_warning_policy
    permission_required = "add"
    form_class = IncidentWarningForm
    template_name = "incidents/admin/report.html"
    page_title = gettext_lazy("Report a warning")
    header_icon = "warning"
    index_url_name = ""
    detail_url_name = ""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Incident warnings")},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form: IncidentWarningForm) -> HttpResponse:
        try:
            warning = incident_warning_report(by=self.request.user, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Warning %(reference)s has been reported: the chairman and the district federation are being told."
            )
            % {"reference": warning.reference},
        )
        return redirect(self.detail_url_name, warning.pk)

    def form_invalid(self, form: IncidentWarningForm) -> HttpResponse:
        messages.validation_error(
            self.request, _("The warning could not be reported because of errors."), form
        )
        return super().form_invalid(form)


class IncidentWarningDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One warning: what was reported, the case's current step, and the district's answer."""

    permission_policy = incident_warning_policy
    permission_required = "view"
    template_name = "incidents/admin/detail.html"
    header_icon = "warning"
    index_url_name = ""

    @cached_property
    def warning(self) -> IncidentWarning:
        # Only this union's warnings, and only for its chairman and officers: anything else is 404.
        return get_object_or_404(incident_warnings_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self) -> str:
        return _("Warning %(reference)s") % {"reference": self.warning.reference}

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Incident warnings")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        warning = self.warning
        case = warning.case
        try:
            step = machine_for(case.procedure).step(case.step).label
        except KeyError:
            step = case.step
        context.update(
            warning=warning,
            case=case,
            step=step,
            state=delivery_state(warning),
            case_url=case_admin_url(warning),
            index_url=reverse(self.index_url_name),
        )
        return context


class IncidentWarningViewSet(ViewSet):
    """The "预警" area of a union's admin."""

    name = "incidents"
    url_prefix = "incidents"
    icon = "warning"
    menu_label = gettext_lazy("Incident warnings")
    menu_order = 260
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(incident_warning_policy, "view")

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
                    IncidentWarningIndexView,
                    index_results_url_name=self.get_url_name("index_results"),
                    add_url_name=self.get_url_name("report"),
                ),
                name="index",
            ),
            path(
                "results/",
                self.construct_view(
                    IncidentWarningIndexView,
                    results_only=True,
                    index_results_url_name=self.get_url_name("index_results"),
                    add_url_name=self.get_url_name("report"),
                ),
                name="index_results",
            ),
            path("report/", self.construct_view(IncidentWarningReportView), name="report"),
            path("<int:pk>/", self.construct_view(IncidentWarningDetailView), name="detail"),
        ]
