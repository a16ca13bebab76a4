"""Small pieces every union app's admin views share: permission by policy, a service's refusal
shown on the form field it names, a menu item shown by policy, and a POST action on one object."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet

from .errors import ServiceError


def policy_require(policy, request: HttpRequest, action: str) -> None:
    """A 404 (not a 403) for someone the policy refuses: the page does not exist for them."""
    if not policy.user_has_permission(request.user, action):
        raise Http404


def form_error_add(form, error: ServiceError) -> bool:
    """Show a service's refusal on the visible field it names, else above the form.

    Returns whether it landed on a field."""
    field = (
        error.field if error.field in form.fields and not form.fields[error.field].widget.is_hidden else None
    )
    form.add_error(field, str(error.message))
    return field is not None


def policy_menu_item(policy, action: str) -> type[MenuItem]:
    class PolicyMenuItem(MenuItem):
        def is_shown(self, request: HttpRequest) -> bool:
            return policy.user_has_permission(request.user, action)

    return PolicyMenuItem


class RecordViewSet(ViewSet):
    """An admin area of one kind of record: a filtered list, "new", one record's page and,
    where ``edit_view_class`` is set, its edit form.

    Subclasses name the views; the URL names and the header icon reach every view the same way.
    """

    index_view_class: type | None = None
    create_view_class: type | None = None
    detail_view_class: type | None = None
    edit_view_class: type | None = None

    def get_urlpatterns(self):
        names = {"index_url_name": self.get_url_name("index"), "detail_url_name": self.get_url_name("detail")}
        index_kwargs = {
            **names,
            "index_results_url_name": self.get_url_name("index_results"),
            "add_url_name": self.get_url_name("add"),
            "header_icon": self.icon,
        }
        detail_kwargs = (
            {**names, "edit_url_name": self.get_url_name("edit")} if self.edit_view_class else names
        )
        patterns = [
            path("", self.construct_view(self.index_view_class, **index_kwargs), name="index"),
            path(
                "results/",
                self.construct_view(self.index_view_class, results_only=True, **index_kwargs),
                name="index_results",
            ),
            path("new/", self.construct_view(self.create_view_class, **names), name="add"),
            path("<int:pk>/", self.construct_view(self.detail_view_class, **detail_kwargs), name="detail"),
        ]
        if self.edit_view_class:
            patterns.append(
                path("<int:pk>/edit/", self.construct_view(self.edit_view_class, **names), name="edit")
            )
        return patterns


class ObjectActionView(PermissionCheckedMixin, View):
    """POST: one service action on one object the user may see, then back to the object's page
    with the outcome as a message (a service's refusal as an error). Subclasses say which
    objects the user sees, what the action does and what success says."""

    permission_required = "change"
    http_method_names = ["post"]
    detail_url_name = ""

    def objects(self, request: HttpRequest) -> QuerySet:
        raise NotImplementedError

    def act(self, obj, request: HttpRequest) -> None:
        raise NotImplementedError

    def success_message(self, obj) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.objects(request), pk=pk)
        try:
            self.act(obj, request)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, self.success_message(obj))
        return redirect(self.detail_url_name, pk)
