"""Worker contact in a union's Wagtail admin: frontline visits and symposiums with their issues
("open a case" on each), and the inbound channels of the hotline and SMS platforms (the secret
shown once).

Thin: reads from ``selectors``, every change through ``services``; ids are looked up in this
union's schema only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import ActivityForm, CaseFromIssueForm, ChannelCreateForm, ChannelEditForm, IssueForm
from .models import ContactActivity, InboundChannel, RaisedIssue
from .permissions import activity_policy, channel_policy
from .selectors import activities_list, channels_list, member_by_mobile, messages_of
from .services import (
    contact_activity_record,
    contact_activity_update,
    contact_issue_add,
    contact_issue_case_open,
    inbound_channel_create,
    inbound_channel_rotate,
    inbound_channel_update,
)

# --- Frontline visits and symposiums ------------------------------------------------------------


class ActivityIndexView(generic.IndexView):
    model = ContactActivity
    permission_policy = activity_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Frontline visits and symposiums")
    header_icon = "group"
    default_ordering = "-held_on"
    list_filter = ["kind"]
    search_fields = ["title", "place", "minutes"]
    search_backend_name = None
    paginate_by = 50
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Subject"), url_name=self.detail_url_name),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            DateColumn("held_on", label=_("Date"), sort_key="held_on"),
            Column("place", label=_("Place")),
            Column("people", label=_("People"), accessor=lambda a: a.attendee_count + a.other_attendees),
            Column("issue_count", label=_("Issues raised")),
        ]

    def get_base_queryset(self):
        return activities_list()


class ActivityFormView(View):
    """Record (no pk) or change a frontline visit or symposium."""

    template_name = "contact/admin/activity_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, activity, status=200) -> HttpResponse:
        title = _("Change the record") if activity else _("Record a frontline visit or symposium")
        return TemplateResponse(request, self.template_name, {
            "form": form, "page_title": title, "header_icon": "group",
            "cancel_url": reverse(self.detail_url_name, args=[activity.pk]) if activity else reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(activity_policy, request, "change" if pk else "add")
        if pk is None:
            form = ActivityForm(
                with_issues=True, initial={"held_on": timezone.localdate(), "kind": "frontline_visit"}
            )
            return self._render(request, form, None)
        activity = get_object_or_404(ContactActivity, pk=pk)
        form = ActivityForm(initial={
            "kind": activity.kind, "title": activity.title, "held_on": activity.held_on, "place": activity.place,
            "attendees": list(activity.attendances.values_list("member_id", flat=True)),
            "other_attendees": activity.other_attendees, "minutes": activity.minutes,
        })  # fmt: skip
        return self._render(request, form, activity)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(activity_policy, request, "change" if pk else "add")
        activity = get_object_or_404(ContactActivity, pk=pk) if pk else None
        form = ActivityForm(request.POST, with_issues=activity is None)
        if not form.is_valid():
            return self._render(request, form, activity, status=400)
        data = dict(form.cleaned_data)
        try:
            if activity is None:
                lines = [line.strip() for line in data.pop("issues", "").splitlines() if line.strip()]
                activity = contact_activity_record(
                    by=request.user, issues=[{"summary": line} for line in lines], **data
                )
            else:
                contact_activity_update(activity=activity, by=request.user, **data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, activity if pk else None, status=400)
        messages.success(request, _("Saved."))
        return redirect(self.detail_url_name, activity.pk)


class ActivityDetailView(View):
    """An activity: who took part, the minutes, the issues raised and the case each became;
    add an issue, or open a case from one in one step."""

    template_name = "contact/admin/activity_detail.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""

    def _render(self, request, activity, issue_form=None, case_error=None, status=200) -> HttpResponse:
        issues = activity.issues.select_related("raised_by", "case").order_by("sort_order", "pk")
        return TemplateResponse(request, self.template_name, {
            "activity": activity, "page_title": activity.title, "header_icon": "group",
            "attendees": activity.attendances.select_related("member").order_by("member__name"),
            "issues": [(issue, CaseFromIssueForm(initial={"issue": issue.pk})) for issue in issues],
            "issue_form": issue_form or IssueForm(), "case_error": case_error,
            "can_change": activity_policy.user_has_permission(request.user, "change"),
            "index_url": reverse(self.index_url_name),
            "edit_url": reverse(self.edit_url_name, args=[activity.pk]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(activity_policy, request, "view")
        return self._render(request, get_object_or_404(ContactActivity.objects.select_related("host"), pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(activity_policy, request, "change")
        activity = get_object_or_404(ContactActivity.objects.select_related("host"), pk=pk)
        if request.POST.get("action") == "case":
            form = CaseFromIssueForm(request.POST)
            if not form.is_valid():
                return self._render(request, activity, case_error=_("Choose a priority."), status=400)
            data = dict(form.cleaned_data)
            issue = get_object_or_404(RaisedIssue, activity=activity, pk=data.pop("issue"))
            try:
                case = contact_issue_case_open(issue=issue, by=request.user, **data)
            except ServiceError as error:
                return self._render(request, activity, case_error=str(error.message), status=error.status)
            messages.success(
                request, _("Case %(reference)s opened from this issue.") % {"reference": case.reference}
            )
            return redirect(self.detail_url_name, activity.pk)
        issue_form = IssueForm(request.POST)
        if not issue_form.is_valid():
            return self._render(request, activity, issue_form=issue_form, status=400)
        data = dict(issue_form.cleaned_data)
        mobile = data.pop("raised_by_mobile")
        member = member_by_mobile(mobile) if mobile else None
        if mobile and member is None:
            issue_form.add_error("raised_by_mobile", _("No member of this union has this mobile number."))
            return self._render(request, activity, issue_form=issue_form, status=400)
        try:
            contact_issue_add(activity=activity, by=request.user, raised_by=member, **data)
        except ServiceError as error:
            form_error_add(issue_form, error)
            return self._render(request, activity, issue_form=issue_form, status=400)
        messages.success(request, _("Issue added."))
        return redirect(self.detail_url_name, activity.pk)


class ActivityViewSet(RecordViewSet):
    name = "contact_activities"
    url_prefix = "contact/activities"
    icon = "group"
    menu_label = gettext_lazy("Frontline visits and symposiums")
    menu_item_class = policy_menu_item(activity_policy, "view")

    index_view_class = ActivityIndexView
    create_view_class = ActivityFormView
    detail_view_class = ActivityDetailView
    edit_view_class = ActivityFormView


# --- Inbound channels ---------------------------------------------------------------------------


class ChannelIndexView(generic.IndexView):
    model = InboundChannel
    permission_policy = channel_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Hotline and SMS channels")
    header_icon = "mail"
    default_ordering = "name"
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=capfirst(_("name")), url_name=self.detail_url_name),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("key_id", label=_("Key id")),
            BooleanColumn("active", label=capfirst(_("active"))),
            Column("message_count", label=_("Messages")),
            DateColumn("last_used_at", label=_("Last message")),
        ]

    def get_base_queryset(self):
        return channels_list()


def _secret_page(request, channel: InboundChannel, secret: str, detail_url: str) -> HttpResponse:
    """The one page that shows a secret: rendered in the answer to the POST, never stored in a
    message or the session, and not cached."""
    response = TemplateResponse(request, "contact/admin/channel_secret.html", {
        "channel": channel, "secret": secret, "page_title": channel.name, "header_icon": "key",
        "detail_url": detail_url, "endpoint": request.build_absolute_uri("/api/v1/inbound/messages/"),
    })  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


class ChannelCreateView(View):
    template_name = "contact/admin/channel_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "page_title": _("New inbound channel"), "header_icon": "mail",
            "cancel_url": reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(channel_policy, request, "add")
        return self._render(request, ChannelCreateForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(channel_policy, request, "add")
        form = ChannelCreateForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            channel, secret = inbound_channel_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        return _secret_page(request, channel, secret, reverse(self.detail_url_name, args=[channel.pk]))


class ChannelDetailView(View):
    """A channel: its key id, state and latest messages; rename, switch off or on, or give it a
    new secret (shown once)."""

    template_name = "contact/admin/channel_detail.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, channel, form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "channel": channel, "page_title": channel.name, "header_icon": "mail",
            "form": form or ChannelEditForm(initial={"name": channel.name, "active": channel.active}),
            "messages_received": messages_of(channel)[:20], "index_url": reverse(self.index_url_name),
            "can_change": channel_policy.user_has_permission(request.user, "change"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(channel_policy, request, "view")
        return self._render(request, get_object_or_404(InboundChannel, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(channel_policy, request, "change")
        channel = get_object_or_404(InboundChannel, pk=pk)
        if request.POST.get("action") == "rotate":
            secret = inbound_channel_rotate(channel=channel, by=request.user)
            return _secret_page(request, channel, secret, reverse(self.detail_url_name, args=[channel.pk]))
        form = ChannelEditForm(request.POST)
        if not form.is_valid():
            return self._render(request, channel, form, status=400)
        try:
            inbound_channel_update(channel=channel, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, channel, form, status=400)
        messages.success(request, _("Saved."))
        return redirect(self.detail_url_name, channel.pk)


class ChannelViewSet(RecordViewSet):
    name = "contact_channels"
    url_prefix = "contact/inbound"
    icon = "mail"
    menu_label = gettext_lazy("Hotline and SMS channels")
    menu_item_class = policy_menu_item(channel_policy, "view")

    index_view_class = ChannelIndexView
    create_view_class = ChannelCreateView
    detail_view_class = ChannelDetailView


class ContactViewSetGroup(ViewSetGroup):
    """The "Worker contact" menu of a union's admin."""

    items = (ActivityViewSet, ChannelViewSet)
    menu_label = gettext_lazy("Worker contact")
    menu_icon = "group"
    menu_order = 240
