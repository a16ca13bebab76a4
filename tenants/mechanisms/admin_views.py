"""工作机制 in a union's Wagtail admin: joint meetings and their follow-up items, partner
organisations, the activists team and its service records, staff duties, information reports
(written, then sent up to the federation) and staff appraisal (the chairman's only).

Each record is a Wagtail model viewset whose create and edit go through the record's
``<entity>_save`` service: a refusal lands on the field it names, nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
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
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput

from tenants.membership.selectors import member_by_mobile
from tenants.plans.forms import staff_users
from workershome.admin_views import form_error_add, policy_require
from workershome.errors import ServiceError

from . import services
from .models import (
    Activist,
    ActivistService,
    InfoReport,
    JointMeeting,
    MeetingFollowUp,
    PartnerOrganisation,
    StaffAppraisal,
    StaffDuty,
)
from .permissions import report_policy
from .selectors import activists_with_hours, meetings_with_follow_ups


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class _ServiceSaveMixin:
    """Create and edit through the viewset's ``save_service(instance, by)``."""

    save_service: Any = None
    form: Any
    request: HttpRequest
    produced_error_message: str | None

    def form_valid(self, form):
        self.form = form
        try:
            instance = form.save(commit=False)
            self.object = self.save_service(instance, self.request.user)
        except ServiceError as error:
            form_error_add(form, error)
            self.produced_error_message = str(error.message)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        return self.save_action()  # type: ignore[attr-defined]


class ServiceCreateView(_ServiceSaveMixin, generic.CreateView):
    pass


class ServiceEditView(_ServiceSaveMixin, generic.EditView):
    pass


class RecordViewSet(ModelViewSet):
    """A mechanism record: list, add and edit through its service; never deleted here, never
    copied, not in the reference index."""

    copy_view_enabled = False
    add_to_reference_index = False
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    save_service: Any = None

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(save_service=type(self).save_service, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(save_service=type(self).save_service, **kwargs)


def _saver(function, name: str):
    return staticmethod(lambda instance, by: function(**{name: instance, "by": by}))


# --- Joint meetings -----------------------------------------------------------------------------------


class JointMeetingIndexView(generic.IndexView):
    def get_base_queryset(self):
        return meetings_with_follow_ups()

    @cached_property
    def list_display(self) -> list:
        return [
            DateColumn("held_on", label=_("Held on"), sort_key="held_on"),
            TitleColumn("title", label=_("Title"), url_name=self.edit_url_name),
            Column("follow_up_count", label=_("Follow-up items"), accessor="follow_up_count"),
            Column("follow_up_open", label=_("Still open"), accessor="follow_up_open"),
        ]


class JointMeetingViewSet(RecordViewSet):
    model = JointMeeting
    icon = "group"
    menu_label = gettext_lazy("Joint meetings")
    url_prefix = "mechanisms/joint-meetings"
    name = "joint_meetings"
    index_view_class = JointMeetingIndexView
    form_fields = ["held_on", "title", "attendees", "topics", "decisions"]
    save_service = _saver(services.joint_meeting_save, "meeting")


class FollowUpViewSet(RecordViewSet):
    model = MeetingFollowUp
    icon = "tasks"
    menu_label = gettext_lazy("Meeting follow-ups")
    url_prefix = "mechanisms/follow-ups"
    name = "meeting_follow_ups"
    form_fields = ["meeting", "task", "owner", "due_on", "done_on"]
    list_display = ["task", "meeting", "owner", "due_on", "done_on"]
    list_filter = ["meeting"]
    save_service = _saver(services.follow_up_save, "follow_up")


# --- Partner organisations ------------------------------------------------------------------------------


class PartnerForm(WagtailAdminModelForm):
    services = forms.MultipleChoiceField(
        label=gettext_lazy("What they offer"), choices=PartnerOrganisation.Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "services", "offer", "contact_person", "contact_phone", "agreement_starts_on",
                  "agreement_ends_on"]  # fmt: skip


class PartnerIndexView(generic.IndexView):
    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.edit_url_name),
            Column("services", label=_("What they offer"), accessor="services_display"),
            Column("contact_person", label=_("Contact person")),
            Column("contact_phone", label=_("Contact phone")),
            DateColumn("agreement_ends_on", label=_("Agreement ends on"), sort_key="agreement_ends_on"),
        ]


class PartnerViewSet(RecordViewSet):
    model = PartnerOrganisation
    icon = "site"
    menu_label = gettext_lazy("Partner organisations")
    url_prefix = "mechanisms/partners"
    name = "partner_organisations"
    index_view_class = PartnerIndexView
    form_fields = PartnerForm._meta.fields
    save_service = _saver(services.partner_save, "partner")

    def get_form_class(self, for_update=False):
        return PartnerForm


# --- Activists -------------------------------------------------------------------------------------------


class ActivistForm(WagtailAdminModelForm):
    """The member is named by mobile number (the roster can be long)."""

    member_mobile = forms.CharField(
        label=gettext_lazy("Member's mobile number"),
        max_length=20,
        help_text=gettext_lazy("A member on the roster."),
    )

    class Meta:
        model = Activist
        fields = ["skills", "joined_on", "active"]
        widgets = {"joined_on": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["member_mobile"].initial = self.instance.member.mobile

    def clean_member_mobile(self) -> str:
        mobile = self.cleaned_data["member_mobile"]
        member = member_by_mobile(mobile)
        if member is None:
            raise forms.ValidationError(_("No member on the roster has this mobile number."))
        self.instance.member = member
        return mobile


class ActivistIndexView(generic.IndexView):
    def get_base_queryset(self):
        return activists_with_hours(year=timezone.localdate().year)

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), accessor="member.name", url_name=self.edit_url_name),
            Column("skills", label=_("Skills")),
            Column("year_services", label=_("Services this year"), accessor="year_services"),
            Column("year_hours", label=_("Hours this year"), accessor="year_hours"),
            StatusTagColumn(
                "active", label=_("Status"), accessor=lambda a: _("Active") if a.active else _("Inactive"),
                primary=lambda a: a.active,
            ),
        ]  # fmt: skip


class ActivistViewSet(RecordViewSet):
    model = Activist
    icon = "user"
    menu_label = gettext_lazy("Activists")
    url_prefix = "mechanisms/activists"
    name = "activists"
    index_view_class = ActivistIndexView
    form_fields = ["skills", "joined_on", "active"]
    save_service = _saver(services.activist_save, "activist")

    def get_form_class(self, for_update=False):
        return ActivistForm


class ActivistServiceViewSet(RecordViewSet):
    model = ActivistService
    icon = "time"
    menu_label = gettext_lazy("Activists' service records")
    url_prefix = "mechanisms/activist-services"
    name = "activist_services"
    form_fields = ["activist", "served_on", "description", "hours"]
    list_display = ["served_on", "activist", "description", "hours"]
    list_filter = ["activist"]
    save_service = _saver(services.activist_service_save, "service")


# --- Staff duties and appraisal ---------------------------------------------------------------------------


class StaffForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users()
        self.fields["user"].label_from_instance = _user_label


class StaffDutyForm(StaffForm):
    class Meta:
        model = StaffDuty
        fields = ["user", "post", "duties", "order"]


class StaffAppraisalForm(StaffForm):
    class Meta:
        model = StaffAppraisal
        fields = ["period", "user", "rating", "notes"]


class StaffDutyViewSet(RecordViewSet):
    model = StaffDuty
    icon = "clipboard-list"
    menu_label = gettext_lazy("Staff duties")
    url_prefix = "mechanisms/staff-duties"
    name = "staff_duties"
    form_fields = StaffDutyForm._meta.fields
    list_display = ["post", "user", "duties"]
    save_service = _saver(services.staff_duty_save, "duty")

    def get_form_class(self, for_update=False):
        return StaffDutyForm


class StaffAppraisalViewSet(RecordViewSet):
    """考核: only the chairman's role holds these permissions, so only the chairman sees the menu
    and the records."""

    model = StaffAppraisal
    icon = "pick"
    menu_label = gettext_lazy("Staff appraisal")
    url_prefix = "mechanisms/staff-appraisals"
    name = "staff_appraisals"
    form_fields = StaffAppraisalForm._meta.fields
    list_display = ["period", "user", "rating"]
    save_service = _saver(services.staff_appraisal_save, "appraisal")

    def get_form_class(self, for_update=False):
        return StaffAppraisalForm


# --- Information reports -------------------------------------------------------------------------------


class InfoReportIndexView(generic.IndexView):
    send_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            DateColumn("written_on", label=_("Date"), sort_key="written_on"),
            TitleColumn("title", label=_("Title"), url_name=self.edit_url_name),
            Column("category", label=_("Category"), accessor="get_category_display"),
            StatusTagColumn(
                "status", label=_("Status"), accessor="get_status_display",
                primary=lambda report: report.status == InfoReport.Status.SENT,
            ),
            TitleColumn(
                "send", label=_("Send"),
                accessor=lambda report: _("Send to the federation") if report.status == "draft" else (
                    _("Received by the federation") if report.delivered_at else _("On its way")),
                get_url=lambda report: reverse(self.send_url_name, args=(report.pk,)) if report.status == "draft"
                else None,
            ),
        ]  # fmt: skip


class InfoReportSendView(View):
    """GET: the report as it will be sent, and the send button; POST: send it."""

    template_name = "mechanisms/admin/report_send.html"
    index_url_name = ""

    def _report(self, pk: int) -> InfoReport:
        return get_object_or_404(InfoReport, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(report_policy, request, "change")
        report = self._report(pk)
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Send to the federation"), "header_icon": "upload", "report": report,
            "index_url": reverse(self.index_url_name),
        })  # fmt: skip

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(report_policy, request, "change")
        report = self._report(pk)
        try:
            services.info_report_send(report=report, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Report sent to the federation."))
        return redirect(self.index_url_name)


class InfoReportViewSet(RecordViewSet):
    model = InfoReport
    icon = "upload"
    menu_label = gettext_lazy("Information reports")
    url_prefix = "mechanisms/reports"
    name = "info_reports"
    index_view_class = InfoReportIndexView
    form_fields = ["title", "category", "written_on", "content"]
    save_service = _saver(services.info_report_save, "report")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(send_url_name=self.get_url_name("send"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/send/",
                self.construct_view(InfoReportSendView, index_url_name=self.get_url_name("index")),
                name="send",
            ),
        ]


class MechanismsViewSetGroup(ViewSetGroup):
    """The "工作机制" menu of a union's admin."""

    items = (
        JointMeetingViewSet,
        FollowUpViewSet,
        PartnerViewSet,
        ActivistViewSet,
        ActivistServiceViewSet,
        StaffDutyViewSet,
        InfoReportViewSet,
        StaffAppraisalViewSet,
    )
    menu_label = gettext_lazy("Working mechanisms")
    menu_icon = "cogs"
    menu_order = 247
