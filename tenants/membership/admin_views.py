"""会员管理 in a union's Wagtail admin: the roster (list, add, change, status), the Excel import
with its row-by-row report, the export and the template, and transfers in and out.

Thin: every change goes through ``services``; ids are looked up in this union's schema only, so
another union's record is simply not found (404).
"""

from __future__ import annotations

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
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import DeclineForm, MemberForm, RosterUploadForm, StatusForm, TransferRequestForm
from .models import Member, MemberTransfer
from .permissions import member_policy, transfer_policy
from .roster import roster_export_xlsx, roster_template_xlsx
from .selectors import members_list, transfers_incoming, transfers_outgoing
from .services import (
    member_create,
    member_status_set,
    member_transfer_accept,
    member_transfer_cancel,
    member_transfer_decline,
    member_transfer_request,
    member_update,
    roster_import,
    transfer_targets,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


# --- The roster --------------------------------------------------------------------------------


class RosterIndexView(generic.IndexView):
    model = Member
    permission_policy = member_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Roster")
    header_icon = "group"
    default_ordering = ["department", "name"]
    list_filter = ["status", "gender"]
    search_fields = ["name", "mobile", "department", "card_number"]
    search_backend_name = None
    paginate_by = 50
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.detail_url_name, sort_key="name"),
            Column("mobile", label=_("Mobile number")),
            Column("gender", label=_("Gender"), accessor="get_gender_display"),
            Column("department", label=_("Department or workshop"), sort_key="department"),
            DateColumn("joined_on", label=_("Joined on"), sort_key="joined_on"),
            Column("card_number", label=_("Member card number")),
            StatusTagColumn(
                "status",
                accessor="get_status_display",
                label=_("Status"),
                sort_key="status",
                primary=lambda m: m.status == Member.Status.ACTIVE,
            ),
        ]

    def get_base_queryset(self):
        return members_list()

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if member_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(_("Import from Excel"), url=reverse("roster_import:index"), icon_name="upload")
            )
        buttons.append(
            HeaderButton(_("Export to Excel"), url=reverse("roster_import:export"), icon_name="download")
        )
        return buttons


class MemberFormView(View):
    """Add (no pk) or change a member; the change page also sets the status and asks for a transfer."""

    template_name = "membership/admin/member_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, member, status=200, transfer_form=None) -> HttpResponse:
        can_change = member_policy.user_has_permission(request.user, "change")
        return TemplateResponse(request, self.template_name, {
            "form": form, "member": member, "header_icon": "user",
            "page_title": member.name if member else _("Add a member"),
            "cancel_url": reverse(self.index_url_name),
            "status_form": StatusForm(initial={"status": member.status}) if member else None,
            "transfer_form": transfer_form or (TransferRequestForm(targets=transfer_targets()) if member else None),
            "can_change": can_change,
            "can_transfer": transfer_policy.user_has_permission(request.user, "add"),
            "transfers": member.transfers.select_related("peer_union")[:10] if member else [],
            "positions": member.positions.select_related("term__committee") if member else [],
        }, status=status)  # fmt: skip

    @staticmethod
    def _initial(member: Member | None) -> dict:
        if member is None:
            return {}
        fields = (
            "name",
            "mobile",
            "gender",
            "department",
            "joined_on",
            "card_number",
            "badge_number",
            "note",
        )
        return {**{name: getattr(member, name) for name in fields}, "photo": member.photo_id}

    def _member(self, pk: int | None) -> Member | None:
        return get_object_or_404(Member, pk=pk) if pk else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(member_policy, request, "view" if pk else "add")
        member = self._member(pk)
        return self._render(request, MemberForm(initial=self._initial(member)), member)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(member_policy, request, "change" if pk else "add")
        member = self._member(pk)
        action = request.POST.get("action", "save")
        if member is not None and action == "status":
            status_form = StatusForm(request.POST)
            if status_form.is_valid():
                try:
                    member_status_set(
                        member=member, status=status_form.cleaned_data["status"], by=request.user
                    )
                except ServiceError as error:
                    messages.error(request, str(error.message))
                else:
                    messages.success(request, _("Status saved."))
            return redirect(self.detail_url_name, member.pk)
        if member is not None and action == "transfer":
            policy_require(transfer_policy, request, "add")
            transfer_form = TransferRequestForm(request.POST, targets=transfer_targets())
            if transfer_form.is_valid():
                try:
                    member_transfer_request(member=member, by=request.user, **transfer_form.cleaned_data)
                except ServiceError as error:
                    form_error_add(transfer_form, error)
                else:
                    messages.success(
                        request, _("Transfer requested; the receiving union will accept or decline it.")
                    )
                    return redirect(self.detail_url_name, member.pk)
            member_form = MemberForm(initial=self._initial(member))
            return self._render(request, member_form, member, status=400, transfer_form=transfer_form)
        form = MemberForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, member, status=400)
        data = dict(form.cleaned_data)
        data["photo"] = data.get("photo") or False
        try:
            if member is None:
                data["photo"] = data["photo"] or None
                member = member_create(by=request.user, **data)
            else:
                member = member_update(member=member, by=request.user, **data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, member, status=400)
        messages.success(request, _("Member saved."))
        return redirect(self.detail_url_name, member.pk)


class RosterViewSet(RecordViewSet):
    name = "roster"
    url_prefix = "members/roster"
    icon = "group"
    menu_label = gettext_lazy("Roster")
    menu_item_class = policy_menu_item(member_policy, "view")
    index_view_class = RosterIndexView
    create_view_class = MemberFormView
    detail_view_class = MemberFormView


# --- Import and export -----------------------------------------------------------------------------


class RosterImportView(View):
    """Upload an Excel roster; the page then shows what was saved and each refused row's reason."""

    template_name = "membership/admin/roster_import.html"

    def _render(self, request, form, report=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "report": report, "page_title": _("Import the roster from Excel"), "header_icon": "upload",
            "template_url": reverse("roster_import:template"), "roster_url": reverse("roster:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(member_policy, request, "add")
        return self._render(request, RosterUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(member_policy, request, "add")
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            report = roster_import(upload=form.cleaned_data["file"], by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        return self._render(request, RosterUploadForm(), report=report)


class RosterTemplateView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(member_policy, request, "add")
        return xlsx_response(roster_template_xlsx(), "会员名册导入模板.xlsx")


class RosterExportView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(member_policy, request, "view")
        members = members_list().order_by("department", "name", "pk").iterator(chunk_size=2000)
        return xlsx_response(roster_export_xlsx(members), f"会员名册-{timezone.localdate():%Y%m%d}.xlsx")


class RosterImportViewSet(ViewSet):
    name = "roster_import"
    url_prefix = "members/import"
    icon = "upload"
    menu_label = gettext_lazy("Import from Excel")
    menu_item_class = policy_menu_item(member_policy, "add")

    def get_urlpatterns(self):
        return [
            path("", RosterImportView.as_view(), name="index"),
            path("template/", RosterTemplateView.as_view(), name="template"),
            path("export/", RosterExportView.as_view(), name="export"),
        ]


# --- Transfers ---------------------------------------------------------------------------------


class TransferListView(View):
    """Transfers in (accept or decline those waiting) and out (withdraw those waiting)."""

    template_name = "membership/admin/transfers.html"

    def get(self, request: HttpRequest, decline_form=None, declining=None, status=200) -> HttpResponse:
        policy_require(transfer_policy, request, "view")
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Member transfers"), "header_icon": "resubmit",
            "incoming": transfers_incoming()[:100], "outgoing": transfers_outgoing()[:100],
            "can_decide": transfer_policy.user_has_permission(request.user, "change"),
            "decline_form": decline_form or DeclineForm(), "declining": declining,
        }, status=status)  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(transfer_policy, request, "change")
        # Only this union's own rows are found: incoming ones addressed to it, outgoing ones it sent.
        transfer = get_object_or_404(MemberTransfer, pk=request.POST.get("transfer") or 0)
        action = request.POST.get("action")
        try:
            if action == "accept":
                member_transfer_accept(transfer=transfer, by=request.user)
                messages.success(
                    request, _("Transfer accepted: %(name)s is now a member here.") % {"name": transfer.name}
                )
            elif action == "decline":
                form = DeclineForm(request.POST)
                form.is_valid()
                member_transfer_decline(
                    transfer=transfer, by=request.user, reason=form.cleaned_data.get("reason", "")
                )
                messages.success(request, _("Transfer declined; the sending union is told."))
            elif action == "cancel":
                member_transfer_cancel(transfer=transfer, by=request.user)
                messages.success(request, _("Transfer request withdrawn."))
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect("member_transfers:index")


class TransferViewSet(ViewSet):
    name = "member_transfers"
    url_prefix = "members/transfers"
    icon = "resubmit"
    menu_label = gettext_lazy("Member transfers")
    menu_item_class = policy_menu_item(transfer_policy, "view")

    def get_urlpatterns(self):
        return [path("", TransferListView.as_view(), name="index")]


class MembersViewSetGroup(ViewSetGroup):
    """The "会员管理" menu of a union's admin."""

    items = (RosterViewSet, RosterImportViewSet, TransferViewSet)
    menu_label = gettext_lazy("Members")
    menu_icon = "group"
    menu_order = 240
