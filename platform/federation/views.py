"""The union registry in the federation portal's Wagtail admin (基层工会).

City and district administrators list the unions they oversee, create new ones and suspend or
reinstate them. Thin: provisioning and status changes are the registry's services.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import LogContext

from tenants.registry.models import Union
from tenants.registry.selectors import districts_administered_by
from tenants.registry.services import union_provision, union_set_status, union_url
from workershome.errors import ServiceError

from .forms import UnionCreateForm, UnionStatusForm
from .models import District, Street
from .permissions import union_registry_policy


class UnionSiteColumn(Column):
    """A link to the union's own site."""

    cell_template_name = "federation/admin/site_cell.html"

    def get_value(self, instance: Union) -> str:
        return union_url(instance)

    def get_cell_context_data(self, instance: Union, parent_context) -> dict[str, Any]:
        context = super().get_cell_context_data(instance, parent_context)
        context["host"] = urlsplit(context["raw_value"]).netloc
        return context


class UnionIndexView(generic.IndexView):
    """The unions the signed-in administrator oversees."""

    model = Union
    permission_policy = union_registry_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Unions")
    header_icon = "group"
    default_ordering = "name"
    list_filter = ["status", "district"]
    search_fields = ["name", "short_name", "slug", "employer", "credit_code"]
    search_backend_name = None
    paginate_by = 50
    suspend_url_name = ""
    reinstate_url_name = ""

    def get_base_queryset(self):
        return union_registry_policy.instances_user_has_permission_for(self.request.user, "view")

    @cached_property
    def add_item_label(self) -> str:
        return _("New union")

    @cached_property
    def list_display(self) -> list:
        return [
            "name",  # the title column, with the row's actions
            Column("district", label=capfirst(District._meta.verbose_name), sort_key="district__code"),
            Column(
                "street",
                accessor="street.name",
                label=capfirst(Street._meta.verbose_name),
                sort_key="street__code",
            ),
            StatusTagColumn(
                "status",
                accessor="get_status_display",
                label=capfirst(Union._meta.get_field("status").verbose_name),
                sort_key="status",
                primary=lambda union: union.status == Union.Status.ACTIVE,
            ),
            "member_count",
            UnionSiteColumn("site", label=_("Site")),
        ]

    def get_list_more_buttons(self, instance: Union) -> list[ListingMenuItem]:
        buttons = [
            ListingMenuItem(_("Visit site"), union_url(instance), icon_name="link-external", priority=10)
        ]
        if instance.status == Union.Status.ACTIVE:
            url = reverse(self.suspend_url_name, args=(instance.slug,))
            buttons.append(ListingMenuItem(_("Suspend"), url, icon_name="lock", priority=20))
        else:
            url = reverse(self.reinstate_url_name, args=(instance.slug,))
            buttons.append(ListingMenuItem(_("Reinstate"), url, icon_name="lock-open", priority=20))
        return buttons


class _RegistryFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_policy = union_registry_policy
    header_icon = "group"
    index_url_name = ""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Unions")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class UnionCreateView(_RegistryFormView):
    """New union (新建基层工会): provisions the union's site and its first officer at once."""

    permission_required = "add"
    form_class = UnionCreateForm
    template_name = "federation/admin/union_create.html"
    page_title = gettext_lazy("New union")
    add_url_name = ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # District administrators create unions in their own districts only.
        kwargs["allowed_districts"] = districts_administered_by(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse(self.add_url_name)
        context["submit_button_label"] = _("Create union")
        context["submit_button_active_label"] = _("Creating…")
        return context

    def form_valid(self, form: UnionCreateForm) -> HttpResponse:
        try:
            # The admin logs Wagtail actions as the signed-in portal user; seeding the new union's
            # site publishes a page in the union's schema, where that user id means nothing (or
            # someone else). Provision outside that log context.
            with LogContext():
                result = union_provision(**form.provision_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        union = result.union
        if result.created:
            text = _("%(name)s has been created; its site is open and its first officer has been notified.")
        else:
            text = _("%(name)s was already registered; anything missing has been completed.")
        messages.success(
            self.request,
            text % {"name": union.name},
            buttons=[messages.button(union_url(union), _("Visit site"), new_window=True)],
        )
        return redirect(self.index_url_name)

    def form_invalid(self, form: UnionCreateForm) -> HttpResponse:
        messages.validation_error(self.request, _("The union could not be created because of errors."), form)
        return super().form_invalid(form)


class UnionStatusView(_RegistryFormView):
    """Suspend a union (its site answers with a notice, its data stays) or reinstate it."""

    permission_required = "change"
    form_class = UnionStatusForm
    template_name = "federation/admin/union_status.html"
    target_status = Union.Status.SUSPENDED

    @cached_property
    def suspending(self) -> bool:
        return self.target_status == Union.Status.SUSPENDED

    @cached_property
    def union(self) -> Union:
        # Only unions the administrator oversees: another district's union is not found.
        unions = union_registry_policy.instances_user_has_permission_for(self.request.user, "change")
        return get_object_or_404(unions, slug=self.kwargs["slug"])

    def get_page_title(self) -> str:
        return _("Suspend union") if self.suspending else _("Reinstate union")

    def get_page_subtitle(self) -> str:
        return self.union.name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "suspending": self.suspending}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(union=self.union, suspending=self.suspending, index_url=reverse(self.index_url_name))
        return context

    def form_valid(self, form: UnionStatusForm) -> HttpResponse:
        try:
            union = union_set_status(
                union=self.union, status=self.target_status, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        if self.suspending:
            text = _("%(name)s is suspended: its site now shows a notice, and all its records are kept.")
        else:
            text = _("%(name)s is reinstated: its site is open again.")
        messages.success(self.request, text % {"name": union.name})
        return redirect(self.index_url_name)


class UnionRegistryMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        # The policy answers "no" on a union's site before looking at any role.
        return union_registry_policy.user_has_permission(request.user, "view")


class UnionRegistryViewSet(ViewSet):
    """The "Unions" area of the federation portal's admin."""

    name = "federation_unions"
    url_prefix = "unions"
    icon = "group"
    menu_label = gettext_lazy("Unions")
    menu_order = 250
    add_to_admin_menu = True
    menu_item_class = UnionRegistryMenuItem

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            add_url_name=self.get_url_name("add"),
            suspend_url_name=self.get_url_name("suspend"),
            reinstate_url_name=self.get_url_name("reinstate"),
            header_icon=self.icon,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path("", self.construct_view(UnionIndexView), name="index"),
            path("results/", self.construct_view(UnionIndexView, results_only=True), name="index_results"),
            path("new/", self.construct_view(UnionCreateView), name="add"),
            path(
                "<slug:slug>/suspend/",
                self.construct_view(UnionStatusView, target_status=Union.Status.SUSPENDED),
                name="suspend",
            ),
            path(
                "<slug:slug>/reinstate/",
                self.construct_view(UnionStatusView, target_status=Union.Status.ACTIVE),
                name="reinstate",
            ),
        ]
