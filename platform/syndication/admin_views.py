"""通知公告、政策文件 in the federation portal's Wagtail admin: list, publish, read, withdraw.

City administrators publish to every union or to any districts; district administrators only
to their own district, and see the notices addressed to it (and those sent to all). Union users
never reach these views: the policy answers "no" off the portal and to anyone without a role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
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

from workershome.admin_views import ObjectActionView, policy_menu_item
from workershome.errors import ServiceError

from .forms import NoticePublishForm
from .models import FederationNotice
from .permissions import may_publish, may_withdraw
from .selectors import notices_visible_to
from .services import notice_publish, notice_withdraw


class NoticePermissionPolicy(BasePermissionPolicy):
    """City and district administrators, on the portal only."""

    ACTIONS = frozenset({"view", "add", "change"})

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.ACTIONS and may_publish(user)

    def users_with_any_permission(self, actions):
        from tenants.users.models import User

        return User.objects.none()  # not needed by these views

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[FederationNotice]:
        return notices_visible_to(user)


notice_policy = NoticePermissionPolicy(FederationNotice)


def _audience(notice: FederationNotice) -> str:
    if notice.to_all:
        return _("Every union")
    return "、".join(district.name for district in notice.districts.all())


class NoticeIndexView(generic.IndexView):
    model = FederationNotice
    permission_policy = notice_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Notices to unions")
    header_icon = "info-circle"
    default_ordering = ["-published_at"]
    list_filter = ["kind"]
    search_fields = None
    paginate_by = 50
    detail_url_name = ""
    publish_url_name = ""

    def get_base_queryset(self):
        return notices_visible_to(self.request.user)

    @cached_property
    def header_buttons(self) -> list:
        from wagtail.admin.widgets import HeaderButton

        return [HeaderButton(_("Publish a notice"), url=reverse(self.publish_url_name), icon_name="plus")]

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Title"),
                        get_url=lambda notice: reverse(self.detail_url_name, args=(notice.pk,))),
            Column("kind", accessor="get_kind_display", label=_("Kind")),
            Column("audience", accessor=_audience, label=_("To")),
            DateColumn("published_at", label=_("Published"), sort_key="published_at"),
            StatusTagColumn("state", accessor=lambda n: _("Withdrawn") if n.withdrawn_at else _("Published"),
                            label=_("State"), primary=lambda n: n.withdrawn_at is None),
        ]  # fmt: skip


class NoticePublishView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_policy = notice_policy
    permission_required = "add"
    template_name = "syndication/admin/publish.html"
    page_title = gettext_lazy("Publish a notice")
    header_icon = "info-circle"
    index_url_name = ""
    detail_url_name = ""

    def get_form(self, form_class=None) -> NoticePublishForm:
        return NoticePublishForm(**self.get_form_kwargs(), user=self.request.user)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Notices to unions")},
            {"url": "", "label": _("Publish a notice")},
        ]

    def form_valid(self, form: NoticePublishForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            notice = notice_publish(
                title=data["title"], body=data["body"], kind=data["kind"], to_all=data.get("to_all", False),
                districts=data["districts"], attachment=data.get("attachment"), by=self.request.user,
            )  # fmt: skip
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            messages.error(self.request, str(error.message))
            return self.render_to_response(self.get_context_data(form=form), status=error.status)
        messages.success(self.request, _("The notice is published."))
        return redirect(self.detail_url_name, notice.pk)


class NoticeDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = notice_policy
    permission_required = "view"
    template_name = "syndication/admin/notice.html"
    header_icon = "info-circle"
    index_url_name = ""
    withdraw_url_name = ""

    @cached_property
    def notice(self) -> FederationNotice:
        return get_object_or_404(notices_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self) -> str:
        return self.notice.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Notices to unions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        notice = self.notice
        context.update(
            notice=notice, audience=_audience(notice), read_count=notice.receipts.count(),
            may_withdraw=notice.withdrawn_at is None and may_withdraw(self.request.user, notice),
            withdraw_url=reverse(self.withdraw_url_name, args=(notice.pk,)),
            index_url=reverse(self.index_url_name),
        )  # fmt: skip
        return context


class NoticeWithdrawView(ObjectActionView):
    permission_policy = notice_policy

    def objects(self, request: HttpRequest) -> QuerySet:
        return notices_visible_to(request.user)

    def act(self, obj, request: HttpRequest) -> None:
        notice_withdraw(notice=obj, by=request.user)

    def success_message(self, obj) -> str:
        return _("The notice is withdrawn.")


class NoticeViewSet(ViewSet):
    """The "通知公告" area of the federation portal's admin."""

    name = "federation_notices"
    url_prefix = "federation-notices"
    icon = "info-circle"
    menu_label = gettext_lazy("Notices to unions")
    menu_order = 246
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(notice_policy, "view")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            detail_url_name=self.get_url_name("detail"),
            header_icon=self.icon,
            **kwargs,
        )

    def get_urlpatterns(self):
        index_results = self.get_url_name("index_results")
        publish = self.get_url_name("publish")
        return [
            path("", self.construct_view(NoticeIndexView, index_results_url_name=index_results,
                                         publish_url_name=publish), name="index"),
            path("results/", self.construct_view(NoticeIndexView, results_only=True, publish_url_name=publish,
                                                 index_results_url_name=index_results), name="index_results"),
            path("publish/", self.construct_view(NoticePublishView), name="publish"),
            path("<int:pk>/", self.construct_view(NoticeDetailView, withdraw_url_name=self.get_url_name("withdraw")),
                 name="detail"),
            path("<int:pk>/withdraw/", self.construct_view(NoticeWithdrawView), name="withdraw"),
        ]  # fmt: skip
