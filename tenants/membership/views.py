"""Membership requests in a union's Wagtail admin: the list an officer works through, and the
approve / reject actions. Thin: the decision itself is ``membership_request_decide``."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import BaseColumn, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet

from tenants.users.models import User
from workershome.admin_views import policy_menu_item
from workershome.errors import ServiceError

from .models import MembershipRequest
from .permissions import membership_request_policy
from .selectors import membership_requests_for_review
from .services import membership_request_decide


class DecisionColumn(BaseColumn):
    """Approve and Reject buttons (small POST forms) on a request that is still pending."""

    cell_template_name = "membership/admin/decision_cell.html"

    def __init__(self, name: str, *, approve_url_name: str, reject_url_name: str, **kwargs):
        super().__init__(name, **kwargs)
        self.approve_url_name = approve_url_name
        self.reject_url_name = reject_url_name

    def get_cell_context_data(self, instance: MembershipRequest, parent_context) -> dict:
        context = super().get_cell_context_data(instance, parent_context)
        if instance.status == MembershipRequest.Status.PENDING:
            context["approve_url"] = reverse(self.approve_url_name, args=(instance.pk,))
            context["reject_url"] = reverse(self.reject_url_name, args=(instance.pk,))
            # Cell templates are rendered without the request's context processors.
            context["csrf_token"] = get_token(parent_context["request"])
        return context


class MembershipRequestIndexView(generic.IndexView):
    """The union's membership requests, those still waiting for a decision first."""

    model = MembershipRequest
    permission_policy = membership_request_policy
    permission_required = "change"
    any_permission_required = None
    page_title = gettext_lazy("Membership requests")
    header_icon = "group"
    default_ordering = ["pending_last", "-created_at"]
    list_filter = ["status"]
    search_fields = ["name", "mobile", "department"]
    search_backend_name = None
    paginate_by = 50
    approve_url_name: str = ""
    reject_url_name: str = ""

    def get_base_queryset(self):
        return membership_requests_for_review()

    @cached_property
    def list_display(self) -> list:
        # Field names take their labels (and sorting) from the model.
        return [
            "name",
            "mobile",
            "department",
            DateColumn("created_at", label=_field_label("created_at"), sort_key="created_at"),
            StatusTagColumn(
                "status",
                accessor="get_status_display",
                label=_field_label("status"),
                sort_key="status",
                primary=lambda item: item.status == MembershipRequest.Status.PENDING,
            ),
            DecisionColumn(
                "decision",
                label=_("Decision"),
                approve_url_name=self.approve_url_name,
                reject_url_name=self.reject_url_name,
            ),
        ]


def _field_label(name: str) -> str:
    return str(capfirst(getattr(MembershipRequest._meta.get_field(name), "verbose_name", name)))


class MembershipRequestDecideView(PermissionCheckedMixin, View):
    """POST: approve (the worker becomes a member) or reject one request of this union."""

    model = MembershipRequest
    permission_policy = membership_request_policy
    permission_required = "change"
    http_method_names = ["post"]
    approve = True
    index_url_name = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        # Ids are looked up in this union's schema only: another union's id is simply not found.
        membership_request = get_object_or_404(MembershipRequest, pk=pk)
        try:
            decided = membership_request_decide(
                request=membership_request, approve=self.approve, by=cast(User, request.user)
            )
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            if self.approve:
                text = _("%(name)s has joined the union as a member.")
            else:
                text = _("The request of %(name)s has been rejected.")
            messages.success(request, text % {"name": decided.name})
        return redirect(self.index_url_name)


class MembershipRequestViewSet(ViewSet):
    """The "Membership requests" area of a union's admin."""

    name = "membership_requests"
    url_prefix = "membership-requests"
    icon = "group"
    menu_label = gettext_lazy("Membership requests")
    menu_order = 250
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(membership_request_policy, "change")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            approve_url_name=self.get_url_name("approve"),
            reject_url_name=self.get_url_name("reject"),
            header_icon=self.icon,
            **kwargs,
        )

    @property
    def index_view(self):
        return self.construct_view(MembershipRequestIndexView)

    @property
    def index_results_view(self):
        return self.construct_view(MembershipRequestIndexView, results_only=True)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "<int:pk>/approve/",
                self.construct_view(MembershipRequestDecideView, approve=True),
                name="approve",
            ),
            path(
                "<int:pk>/reject/",
                self.construct_view(MembershipRequestDecideView, approve=False),
                name="reject",
            ),
        ]
