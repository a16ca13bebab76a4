"""困难帮扶 in a union's Wagtail admin: the files (masked list), opening a file after recording
consent, one file's page (every view written to the audit log; a refused view too), its CSV
export and evidence downloads, the due list of follow-up visits, and the union's settings.

Thin: reads through ``access``/``selectors``, every change through ``services``. Ids are looked
up in this union's schema only, so another union's file is simply not found.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from tenants.privacy.masking import mask_id_number, mask_name
from tenants.privacy.services import consent_record, sensitive_read_log
from tenants.reception.selectors import member_by_mobile
from workershome.errors import ServiceError

from . import services
from .access import files_visible_to, handles_hardship, is_chairman, may_read
from .exports import file_csv_response
from .forms import (
    AssistanceForm,
    ConsentForm,
    EvidenceForm,
    ExitDecideForm,
    ExitProposeForm,
    FileOpenForm,
    FollowUpForm,
    SettingsForm,
)
from .models import HardshipEvidence, HardshipFile
from .selectors import followups_due, hardship_settings, today


def _staff_or_404(request: HttpRequest) -> None:
    if not handles_hardship(request.user):
        raise Http404


def _file_read(request: HttpRequest, pk: int, *, action: str, purpose: str) -> HardshipFile:
    """The file, with the read written to the audit log; not entitled: 404 and a ``refused`` row."""
    file = HardshipFile.objects.select_related("case", "worker").filter(pk=pk).first() if pk < 2**63 else None
    if file is None:
        raise Http404
    if not may_read(request.user, file):
        sensitive_read_log(user=request.user, obj=file, action="refused", via="admin", purpose=purpose)
        raise Http404
    sensitive_read_log(user=request.user, obj=file, action=action, via="admin", purpose=purpose)
    return file


def _rows(files) -> list[dict]:
    """Masked rows for lists: a name as 王*明, an ID number as 110105********1234, no income."""
    return [
        {
            "file": file,
            "name": mask_name(file.worker.name or file.worker.get_full_name()),
            "id_number": mask_id_number(file.id_number),
        }
        for file in files
    ]


def file_index(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    files = (
        files_visible_to(request.user).select_related("case", "worker").order_by("-opened_at", "-pk")[:200]
    )
    return TemplateResponse(request, "hardship/admin/index.html", {
        "rows": _rows(files), "page_title": _("Hardship files"), "header_icon": "folder-open-inverse",
        "is_chairman": is_chairman(request.user),
    })  # fmt: skip


def due_list(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    return TemplateResponse(request, "hardship/admin/due.html", {
        "rows": _rows(followups_due(user=request.user)), "today": today(),
        "page_title": _("Follow-up visits due"), "header_icon": "date",
    })  # fmt: skip


def _form_page(request, form, *, title: str, status: int = 200, multipart: bool = False) -> HttpResponse:
    return TemplateResponse(request, "hardship/admin/form.html", {
        "form": form, "page_title": title, "header_icon": "folder-open-inverse", "multipart": multipart,
        "cancel_url": reverse("hardship:index"),
    }, status=status)  # fmt: skip


def consent_create(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    title = _("Record a worker's consent")
    form = ConsentForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, title=title)
    if not form.is_valid():
        return _form_page(request, form, title=title, status=400)
    worker = member_by_mobile(form.cleaned_data["mobile"])
    if worker is None:
        form.add_error("mobile", _("No member of this union has this mobile number."))
        return _form_page(request, form, title=title, status=400)
    try:
        consent_record(worker=worker, scope="hardship", purpose=form.cleaned_data["purpose"],
                       method=form.cleaned_data["method"], by=request.user)  # fmt: skip
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _form_page(request, form, title=title, status=400)
    messages.success(request, _("Consent recorded. You can now open the household's file."))
    return redirect(f"{reverse('hardship:add')}?mobile={worker.username}")


def file_create(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    title = _("Open a hardship file")
    form = FileOpenForm(request.POST or None, initial={"mobile": request.GET.get("mobile", "")})
    if request.method != "POST":
        return _form_page(request, form, title=title)
    if not form.is_valid():
        return _form_page(request, form, title=title, status=400)
    data = form.cleaned_data
    worker = member_by_mobile(data["mobile"])
    if worker is None:
        form.add_error("mobile", _("No member of this union has this mobile number."))
        return _form_page(request, form, title=title, status=400)
    members = []
    if data["member_name"]:
        members.append({"name": data["member_name"], "relation": data["member_relation"],
                        "id_number": data["member_id_number"], "health": data["member_health"]})  # fmt: skip
    try:
        file = services.hardship_file_open(
            worker=worker, kind=data["kind"], tier=data["tier"], id_number=data["id_number"],
            monthly_income=data["monthly_income"], household_size=data["household_size"], causes=data["causes"],
            health=data["health"], members=members, by=request.user,
        )  # fmt: skip
    except ServiceError as error:
        field = error.field.replace("members.0.", "member_") if error.field else None
        form.add_error(field if field in form.fields else None, str(error.message))
        return _form_page(request, form, title=title, status=400)
    messages.success(request, _("Hardship file %(reference)s opened.") % {"reference": file.reference})
    return redirect("hardship:detail", file.pk)


ACTIONS = {
    "assistance": AssistanceForm,
    "followup": FollowUpForm,
    "exit_propose": ExitProposeForm,
    "exit_decide": ExitDecideForm,
    "evidence": EvidenceForm,
}


def _act(request: HttpRequest, file: HardshipFile, action: str, data: dict) -> str:
    by = request.user
    if action == "assistance":
        services.assistance_record(file=file, **data, by=by)
        return _("Assistance recorded.")
    if action == "followup":
        services.followup_record(file=file, **data, by=by)
        return _("Follow-up visit recorded.")
    if action == "exit_propose":
        services.hardship_exit_propose(file=file, reason=data["reason"], by=by)
        return _("Exit proposed; the chairman has been asked to review it.")
    if action == "exit_decide":
        services.hardship_exit_decide(file=file, approve=data["approve"], note=data["note"], by=by)
        return _("Decision recorded.")
    services.hardship_evidence_attach(
        file=file, upload=data["upload"], description=data["description"], by=by
    )
    return _("Evidence document filed.")


def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posted = request.POST.get("action") if request.method == "POST" else None
    file = _file_read(request, pk, action="read", purpose="办理帮扶" if posted else "查看帮扶档案")
    forms = {name: form_class(prefix=name) for name, form_class in ACTIONS.items()}
    status = 200
    if posted in ACTIONS:
        form = ACTIONS[posted](request.POST, request.FILES, prefix=posted)
        forms[posted] = form
        if form.is_valid():
            try:
                messages.success(request, _act(request, file, posted, form.cleaned_data))
                return redirect("hardship:detail", file.pk)
            except ServiceError as error:
                name = error.field if error.field in form.fields else None
                form.add_error(name, str(error.message))
        status = 400
        file.refresh_from_db()
    return TemplateResponse(request, "hardship/admin/detail.html", {
        "file": file, "forms": forms, "page_title": file.reference, "header_icon": "folder-open-inverse",
        "members": file.members.all(), "assistance": file.assistance.all(), "visits": file.visits.all(),
        "evidence": file.evidence.all(), "officers": file.officers.all(), "is_chairman": is_chairman(request.user),
        "steps": file.case.procedure.steps.all(),
    }, status=status)  # fmt: skip


def file_export(request: HttpRequest, pk: int) -> HttpResponse:
    return file_csv_response(_file_read(request, pk, action="export", purpose="导出帮扶档案"))


def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    file = _file_read(request, pk, action="export", purpose="下载证明材料")
    evidence = (
        HardshipEvidence.objects.filter(pk=evidence_id, file=file).first() if evidence_id < 2**63 else None
    )
    if evidence is None:
        raise Http404
    response = FileResponse(evidence.document.open("rb"), as_attachment=True, filename=evidence.name)
    response["Cache-Control"] = "no-store"
    return response


def settings_edit(request: HttpRequest) -> HttpResponse:
    if not is_chairman(request.user):
        raise Http404
    title = _("Hardship settings")
    current = hardship_settings()
    initial = {name: getattr(current, name) for name in SettingsForm.base_fields}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, title=title)
    if not form.is_valid():
        return _form_page(request, form, title=title, status=400)
    try:
        services.hardship_settings_save(**form.cleaned_data, by=request.user)
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _form_page(request, form, title=title, status=400)
    messages.success(request, _("Settings saved."))
    return redirect("hardship:index")


class HardshipMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return handles_hardship(request.user)


class HardshipViewSet(ViewSet):
    name = "hardship"
    url_prefix = "hardship"
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Hardship assistance")
    menu_order = 230
    add_to_admin_menu = True
    menu_item_class = HardshipMenuItem

    def get_urlpatterns(self):
        return [
            path("", file_index, name="index"),
            path("files/", file_index, name="files"),
            path("files/new/", file_create, name="add"),
            path("files/<int:pk>/", file_detail, name="detail"),
            path("files/<int:pk>/export/", file_export, name="export"),
            path("files/<int:pk>/evidence/<int:evidence_id>/", evidence_download, name="evidence"),
            path("consents/new/", consent_create, name="consent"),
            path("due/", due_list, name="due"),
            path("settings/", settings_edit, name="settings"),
        ]
