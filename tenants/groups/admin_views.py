"""Interest groups (兴趣小组) in a union's Wagtail admin, for officers: the groups with their
member counts; a group's page with its leaders, members, join requests (approve or decline),
regular meetings and posts (remove); the group and meeting forms.

Thin: reads from ``selectors``, every change through ``services``; ids are looked up in this
union's schema only, so another union's record is simply not found.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic

from tenants.users.models import User
from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import GroupForm, MeetingForm
from .models import GroupJoinRequest, GroupMeeting, GroupMembership, GroupPost, InterestGroup
from .permissions import group_policy
from .selectors import group_members, group_posts, join_requests_pending
from .services import (
    group_join_decide,
    group_meeting_delete,
    group_meeting_save,
    group_member_remove,
    group_post_delete,
    group_save,
)


class GroupIndexView(generic.IndexView):
    model = InterestGroup
    permission_policy = group_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Interest groups")
    header_icon = "group"
    default_ordering = "name"
    search_fields = ["name", "description"]
    search_backend_name = None
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.detail_url_name),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("member_count", label=_("Members")),
            Column("pending_count", label=_("Requests waiting")),
            BooleanColumn("open_to_join", label=_("Open to new members")),
            BooleanColumn("active", label=_("Active")),
        ]

    def get_base_queryset(self):
        from django.db.models import Q

        return InterestGroup.objects.annotate(
            member_count=Count("memberships", distinct=True),
            pending_count=Count("join_requests", filter=Q(join_requests__status="pending"), distinct=True),
        )


class GroupFormView(View):
    """Create (no pk) or change a group and name its leaders."""

    template_name = "groups/admin/form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, group, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "page_title": _("Change the group") if group.pk else _("New interest group"),
            "header_icon": "group",
            "cancel_url": reverse(self.detail_url_name, args=[group.pk]) if group.pk else reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(group_policy, request, "change" if pk else "add")
        group = get_object_or_404(InterestGroup, pk=pk) if pk else InterestGroup()
        initial = {}
        if pk:
            initial["leaders"] = list(
                group.memberships.filter(role=GroupMembership.Role.LEADER).values_list("user_id", flat=True)
            )
        return self._render(request, GroupForm(instance=group, initial=initial), group)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(group_policy, request, "change" if pk else "add")
        group = get_object_or_404(InterestGroup, pk=pk) if pk else InterestGroup()
        form = GroupForm(request.POST, instance=group)
        if not form.is_valid():
            return self._render(request, form, group, status=400)
        try:
            group = group_save(
                group=form.save(commit=False), by=request.user, leaders=list(form.cleaned_data["leaders"])
            )
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, group, status=400)
        messages.success(request, _("Group saved."))
        return redirect(self.detail_url_name, group.pk)


class GroupDetailView(View):
    """A group: leaders and members (remove), join requests (approve, decline), meetings (add,
    change, remove), recent posts (remove)."""

    template_name = "groups/admin/detail.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(group_policy, request, "view")
        group = get_object_or_404(InterestGroup, pk=pk)
        return TemplateResponse(request, self.template_name, {
            "group": group, "page_title": group.name, "header_icon": "group",
            "members": group_members(group=group), "requests": join_requests_pending(group=group),
            "meetings": group.meetings.select_related("room"), "posts": group_posts(group=group)[:20],
            "can_change": group_policy.user_has_permission(request.user, "change"),
            "edit_url": reverse(self.edit_url_name, args=[group.pk]), "index_url": reverse(self.index_url_name),
            "meeting_add_url": reverse("groups_admin:meeting_add", args=[group.pk]),
        })  # fmt: skip

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(group_policy, request, "change")
        group = get_object_or_404(InterestGroup, pk=pk)
        action = request.POST.get("action")
        try:
            if action in ("approve", "decline"):
                join = get_object_or_404(GroupJoinRequest, group=group, pk=request.POST.get("request") or 0)
                group_join_decide(
                    request=join,
                    by=request.user,
                    approve=action == "approve",
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The worker is told."))
            elif action == "remove_member":
                user = get_object_or_404(User, pk=request.POST.get("user") or 0)
                group_member_remove(group=group, user=user, by=request.user)
                messages.success(request, _("Removed from the group."))
            elif action == "delete_meeting":
                meeting = get_object_or_404(GroupMeeting, group=group, pk=request.POST.get("meeting") or 0)
                group_meeting_delete(meeting=meeting, by=request.user)
                messages.success(request, _("Meeting removed."))
            elif action == "delete_post":
                post = get_object_or_404(GroupPost, group=group, pk=request.POST.get("post") or 0)
                group_post_delete(post=post, by=request.user)
                messages.success(request, _("The post is removed."))
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect(self.detail_url_name, group.pk)


class MeetingFormView(View):
    """Add (no meeting pk) or change a group's regular meeting."""

    template_name = "groups/admin/form.html"

    def _render(self, request, form, group, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "page_title": _("Regular meeting of %(group)s") % {"group": group.name},
            "header_icon": "date", "cancel_url": reverse("groups_admin:detail", args=[group.pk]),
        }, status=status)  # fmt: skip

    def _meeting(self, group, meeting_pk):
        if meeting_pk:
            return get_object_or_404(GroupMeeting, group=group, pk=meeting_pk)
        return GroupMeeting(group=group)

    def get(self, request: HttpRequest, pk: int, meeting_pk: int | None = None) -> HttpResponse:
        policy_require(group_policy, request, "change")
        group = get_object_or_404(InterestGroup, pk=pk)
        meeting = self._meeting(group, meeting_pk)
        initial = {} if meeting_pk else {"starts_on": timezone.localdate()}
        return self._render(request, MeetingForm(instance=meeting, initial=initial), group)

    def post(self, request: HttpRequest, pk: int, meeting_pk: int | None = None) -> HttpResponse:
        policy_require(group_policy, request, "change")
        group = get_object_or_404(InterestGroup, pk=pk)
        meeting = self._meeting(group, meeting_pk)
        form = MeetingForm(request.POST, instance=meeting)
        if not form.is_valid():
            return self._render(request, form, group, status=400)
        try:
            group_meeting_save(meeting=form.save(commit=False), by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, group, status=400)
        messages.success(request, _("Meeting saved."))
        return redirect("groups_admin:detail", group.pk)


class GroupViewSet(RecordViewSet):
    name = "groups_admin"
    url_prefix = "interest-groups"
    icon = "group"
    menu_label = gettext_lazy("Interest groups")
    menu_order = 250
    menu_item_class = policy_menu_item(group_policy, "view")
    add_to_admin_menu = True

    index_view_class = GroupIndexView
    create_view_class = GroupFormView
    detail_view_class = GroupDetailView
    edit_view_class = GroupFormView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/meetings/new/", MeetingFormView.as_view(), name="meeting_add"),
            path("<int:pk>/meetings/<int:meeting_pk>/", MeetingFormView.as_view(), name="meeting_edit"),
        ]
