"""Interest groups on the union's site (phone first): the list, a group's page (join or leave,
its meetings, and for members its posts; for leaders the join requests), and a post's photo,
served to the group's members only. Thin: selectors and services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from workershome.errors import ServiceError

from .forms import DecideForm, JoinForm, PostForm
from .models import GroupJoinRequest, GroupPost, InterestGroup
from .selectors import (
    can_lead,
    can_read_posts,
    group_members,
    group_posts,
    groups_listed,
    join_requests_pending,
    meetings_coming,
    membership_of,
)
from .services import (
    group_join_decide,
    group_join_request,
    group_join_withdraw,
    group_leave,
    group_post_create,
    group_post_delete,
)


def _login_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"


@method_decorator(never_cache, name="dispatch")
class GroupListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        groups = list(groups_listed(user=user))
        return TemplateResponse(request, "groups/index.html", {
            "groups": groups, "mine": [g for g in groups if getattr(g, "is_member", False)],
        })  # fmt: skip


@method_decorator(never_cache, name="dispatch")
class GroupDetailView(View):
    """GET: the group. POST ``action``: join, withdraw, leave, post, delete_post, decide."""

    def _group(self, pk: int) -> InterestGroup:
        return get_object_or_404(InterestGroup.objects.select_related("photo"), pk=pk, active=True)

    def _render(self, request, group, *, join_form=None, post_form=None, status=200) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        membership = membership_of(group=group, user=user)
        leads = user is not None and can_lead(group=group, user=user)
        members = list(group_members(group=group))
        pending = None
        if user is not None and membership is None:
            pending = GroupJoinRequest.objects.filter(
                group=group, user=user, status=GroupJoinRequest.Status.PENDING
            ).first()
        show_posts = membership is not None
        return TemplateResponse(request, "groups/detail.html", {
            "group": group, "membership": membership, "leads": leads, "pending": pending,
            "leaders": [m for m in members if m.is_leader], "member_count": len(members),
            "members": members if membership is not None or leads else [],
            "meetings": list(group.meetings.select_related("room")),
            "coming": meetings_coming(group=group, days=28)[:6],
            "posts": list(group_posts(group=group)[:30]) if show_posts else [],
            "show_posts": show_posts,
            "requests": list(join_requests_pending(group=group)) if leads else [],
            "join_form": join_form or JoinForm(), "post_form": post_form or PostForm(),
            "decide_form": DecideForm(), "login_url": _login_url(group.get_absolute_url()),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._group(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = self._group(pk)
        if not request.user.is_authenticated:
            return redirect(_login_url(group.get_absolute_url()))
        action = request.POST.get("action", "")
        handler = getattr(self, f"_{action}", None) if action in self.ACTIONS else None
        if handler is None:
            raise Http404
        try:
            result = handler(request, group)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(group.get_absolute_url())
        return result or redirect(group.get_absolute_url())

    ACTIONS = frozenset({"join", "withdraw", "leave", "post", "delete_post", "decide"})

    def _join(self, request, group):
        form = JoinForm(request.POST)
        if not form.is_valid():
            return self._render(request, group, join_form=form, status=400)
        group_join_request(group=group, user=request.user, message=form.cleaned_data["message"])
        messages.success(request, _("Your request is sent; the group's leaders will answer it."))

    def _withdraw(self, request, group):
        join = get_object_or_404(
            GroupJoinRequest, group=group, user=request.user, pk=request.POST.get("request") or 0
        )
        group_join_withdraw(request=join, by=request.user)
        messages.success(request, _("Your request is withdrawn."))

    def _leave(self, request, group):
        group_leave(group=group, user=request.user)
        messages.success(request, _("You have left the group."))

    def _post(self, request, group):
        if membership_of(group=group, user=request.user) is None:
            raise Http404
        form = PostForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, group, post_form=form, status=400)
        try:
            group_post_create(
                group=group,
                author=request.user,
                body=form.cleaned_data["body"],
                image=form.cleaned_data["image"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return self._render(request, group, post_form=form, status=400)
        messages.success(request, _("Posted."))

    def _delete_post(self, request, group):
        post = get_object_or_404(GroupPost, group=group, pk=request.POST.get("post") or 0)
        group_post_delete(post=post, by=request.user)
        messages.success(request, _("The post is removed."))

    def _decide(self, request, group):
        if not can_lead(group=group, user=request.user):
            raise Http404
        join = get_object_or_404(GroupJoinRequest, group=group, pk=request.POST.get("request") or 0)
        form = DecideForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        approve = request.POST.get("decision") == "approve"
        group_join_decide(request=join, by=request.user, approve=approve, reason=reason)
        messages.success(
            request, _("Approved: welcome aboard.") if approve else _("Declined; the worker is told.")
        )


class PostImageView(View):
    """A post's photo, for the group's members (and officers); anyone else gets a 404."""

    def get(self, request: HttpRequest, pk: int, post_pk: int) -> FileResponse:
        group = get_object_or_404(InterestGroup, pk=pk)
        post = get_object_or_404(GroupPost, group=group, pk=post_pk)
        if not post.image or not can_read_posts(group=group, user=request.user):
            raise Http404
        try:
            handle = post.image.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(handle)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response
