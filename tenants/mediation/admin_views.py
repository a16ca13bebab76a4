"""调解争议 in a union's Wagtail admin: mediation cases (masked list with the limit's state),
registering an application, one case's page (every view written to the audit log; a refused
view too, answered 404) with its actions, the agreement PDF, and the legal consultations.

Thin: reads through ``access``/``selectors``, every change through ``services``. Ids are looked
up in this union's schema only, so another union's case is simply not found.
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from tenants.privacy.masking import mask_name
from tenants.privacy.services import sensitive_read_log
from tenants.reception.selectors import member_by_mobile
from workershome.errors import ServiceError
from workershome.tenancy import current_schema
from workershome.views import file_response

from . import services
from .access import answers_consultations, handles_mediation, may_read
from .forms import (
    AnswerForm,
    ApplyForm,
    ConsultationLogForm,
    ExtendForm,
    FailForm,
    SessionForm,
    SettleForm,
    WithdrawForm,
)
from .models import Consultation, MediationCase, agreement_filename
from .selectors import cases_for, consultations_for, limit_state


def _id_ok(pk: int) -> bool:
    return 0 < pk < 2**63


def mediation_read(request: HttpRequest, pk: int, *, action: str, purpose: str, via: str) -> MediationCase:
    """The case, with the read written to the audit log; not entitled: 404 and a ``refused`` row."""
    mediation = (
        MediationCase.objects.select_related("case", "worker", "mediator").filter(pk=pk).first()
        if _id_ok(pk) else None
    )  # fmt: skip
    if mediation is None:
        raise Http404
    if not may_read(request.user, mediation):
        sensitive_read_log(user=request.user, obj=mediation, action="refused", via=via, purpose=purpose)
        raise Http404
    sensitive_read_log(user=request.user, obj=mediation, action=action, via=via, purpose=purpose)
    return mediation


def consultation_read(request: HttpRequest, pk: int, *, purpose: str, via: str) -> Consultation:
    consultation = Consultation.objects.select_related("worker").filter(pk=pk).first() if _id_ok(pk) else None
    if consultation is None:
        raise Http404
    if not answers_consultations(request.user):
        sensitive_read_log(user=request.user, obj=consultation, action="refused", via=via, purpose=purpose)
        raise Http404
    sensitive_read_log(user=request.user, obj=consultation, action="read", via=via, purpose=purpose)
    return consultation


def agreement_response(mediation: MediationCase) -> HttpResponse | FileResponse:
    """The agreement PDF (a private file) through ``file_response``; the caller logs the export."""
    if not mediation.agreement_pdf:
        raise Http404
    target = Path(mediation.agreement_pdf.path)
    if not target.is_file():
        raise Http404
    response = file_response(
        target, relative=f"{current_schema()}/{mediation.agreement_pdf.name}",
        as_attachment=True, filename=agreement_filename(mediation), content_type="application/pdf",
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


def _form_page(request, form, *, title: str, cancel: str, status: int = 200) -> HttpResponse:
    return TemplateResponse(request, "mediation/admin/form.html", {
        "form": form, "page_title": title, "header_icon": "clipboard-list", "cancel_url": cancel,
    }, status=status)  # fmt: skip


def _form_error(form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# --- cases ----------------------------------------------------------------------------------------


def case_index(request: HttpRequest) -> HttpResponse:
    if not handles_mediation(request.user):
        raise Http404
    state = request.GET.get("state", "")
    rows = [
        {
            "m": item,
            "name": mask_name(item.worker.name or item.worker.get_full_name()),
            "limit": limit_state(item),
        }
        for item in cases_for(request.user, state=state if state in ("open", "overdue") else "")[:200]
    ]
    return TemplateResponse(request, "mediation/admin/index.html", {
        "rows": rows, "state": state, "page_title": _("Mediation cases"), "header_icon": "clipboard-list",
    })  # fmt: skip


def case_create(request: HttpRequest) -> HttpResponse:
    if not handles_mediation(request.user):
        raise Http404
    title, cancel = _("Register an application for mediation"), reverse("mediation:index")
    form = ApplyForm(request.POST or None, initial={
        "mobile": request.GET.get("mobile", ""), "consultation": request.GET.get("consultation") or None,
    })  # fmt: skip
    if request.method != "POST":
        return _form_page(request, form, title=title, cancel=cancel)
    if not form.is_valid():
        return _form_page(request, form, title=title, cancel=cancel, status=400)
    data = form.cleaned_data
    worker = member_by_mobile(data["mobile"])
    if worker is None:
        form.add_error("mobile", _("No member of this union has this mobile number."))
        return _form_page(request, form, title=title, cancel=cancel, status=400)
    consultation = None
    if data["consultation"]:
        consultation = (
            Consultation.objects.filter(pk=data["consultation"]).first()
            if _id_ok(data["consultation"])
            else None
        )
        if consultation is None:
            form.add_error("consultation", _("No such consultation."))
            return _form_page(request, form, title=title, cancel=cancel, status=400)
    try:
        mediation = services.mediation_apply(
            worker=worker, respondent_kind=data["respondent_kind"], respondent_name=data["respondent_name"],
            claim_kind=data["claim_kind"], claim=data["claim"], amount_claimed=data["amount_claimed"] or 0,
            consultation=consultation, consent_given=data["consent_given"], by=request.user,
        )  # fmt: skip
    except ServiceError as error:
        _form_error(form, error)
        return _form_page(request, form, title=title, cancel=cancel, status=400)
    messages.success(request, _("Application %(reference)s registered.") % {"reference": mediation.reference})
    return redirect("mediation:detail", mediation.pk)


ACTIONS = {
    "session": SessionForm, "extend": ExtendForm, "settle": SettleForm, "fail": FailForm, "withdraw": WithdrawForm,
}  # fmt: skip


def _act(request: HttpRequest, mediation: MediationCase, action: str, data: dict) -> str:
    by = request.user
    if action == "accept":
        services.mediation_accept(mediation=mediation, by=by)
        return _("Application accepted: the mediation must end within 15 days.")
    if action == "session":
        services.session_record(mediation=mediation, **data, by=by)
        return _("Session recorded.")
    if action == "extend":
        services.mediation_extend(mediation=mediation, **data, by=by)
        return _("Extension recorded.")
    if action == "settle":
        services.mediation_settle(mediation=mediation, **data, by=by)
        return _("Agreement recorded and printed.")
    if action == "fail":
        services.mediation_fail(mediation=mediation, **data, by=by)
        return _("Failure and referral recorded.")
    services.mediation_withdraw(mediation=mediation, note=data["note"], by=by)
    return _("Withdrawal recorded.")


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posted = request.POST.get("action") if request.method == "POST" else None
    mediation = mediation_read(request, pk, action="read", purpose="办理调解" if posted else "查看调解案件",
                               via="admin")  # fmt: skip
    forms = {name: form_class(prefix=name) for name, form_class in ACTIONS.items()}
    status = 200
    if posted == "accept" or posted in ACTIONS:
        form = ACTIONS[posted](request.POST, prefix=posted) if posted in ACTIONS else None
        if form is not None:
            forms[posted] = form
        if form is None or form.is_valid():
            try:
                messages.success(request, _act(request, mediation, posted, form.cleaned_data if form else {}))
                return redirect("mediation:detail", mediation.pk)
            except ServiceError as error:
                if form is None:
                    messages.error(request, str(error.message))
                else:
                    _form_error(form, error)
        status = 400
        mediation.refresh_from_db()
    return TemplateResponse(request, "mediation/admin/detail.html", {
        "m": mediation, "forms": forms, "page_title": mediation.reference, "header_icon": "clipboard-list",
        "sessions": mediation.sessions.all(), "extensions": mediation.extensions.all(), "limit": limit_state(mediation),
    }, status=status)  # fmt: skip


def agreement_download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    return agreement_response(
        mediation_read(request, pk, action="export", purpose="下载调解协议书", via="admin")
    )


# --- consultations --------------------------------------------------------------------------------


def consultation_index(request: HttpRequest) -> HttpResponse:
    if not answers_consultations(request.user):
        raise Http404
    waiting = request.GET.get("waiting") == "1"
    rows = [
        {"c": item, "name": mask_name(item.worker.name or item.worker.get_full_name())}
        for item in consultations_for(request.user, waiting_only=waiting)[:200]
    ]
    return TemplateResponse(request, "mediation/admin/consultations.html", {
        "rows": rows, "waiting": waiting, "page_title": _("Legal consultations"), "header_icon": "help",
        "handles_cases": handles_mediation(request.user),
    })  # fmt: skip


def consultation_create(request: HttpRequest) -> HttpResponse:
    if not answers_consultations(request.user):
        raise Http404
    title, cancel = _("Log a consultation"), reverse("mediation:consultations")
    form = ConsultationLogForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, title=title, cancel=cancel)
    if not form.is_valid():
        return _form_page(request, form, title=title, cancel=cancel, status=400)
    data = form.cleaned_data
    worker = member_by_mobile(data.pop("mobile"))
    if worker is None:
        form.add_error("mobile", _("No member of this union has this mobile number."))
        return _form_page(request, form, title=title, cancel=cancel, status=400)
    try:
        consultation = services.consultation_log(worker=worker, **data, by=request.user)
    except ServiceError as error:
        _form_error(form, error)
        return _form_page(request, form, title=title, cancel=cancel, status=400)
    messages.success(request, _("Consultation %(reference)s logged.") % {"reference": consultation.reference})
    return redirect("mediation:consultation", consultation.pk)


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = consultation_read(request, pk, purpose="查看法律咨询", via="admin")
    form = AnswerForm(
        request.POST or None, initial={"answer": consultation.answer, "law_cited": consultation.law_cited}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.consultation_answer(consultation=consultation, **form.cleaned_data, by=request.user)
            except ServiceError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Answer saved; the worker has been told."))
                return redirect("mediation:consultation", consultation.pk)
        status = 400
    return TemplateResponse(request, "mediation/admin/consultation.html", {
        "c": consultation, "form": form, "page_title": consultation.reference, "header_icon": "help",
        "handles_cases": handles_mediation(request.user),
    }, status=status)  # fmt: skip


class MediationMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return answers_consultations(request.user)


class MediationViewSet(ViewSet):
    name = "mediation"
    url_prefix = "mediation"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Dispute mediation")
    menu_order = 231
    add_to_admin_menu = True
    menu_item_class = MediationMenuItem

    def get_urlpatterns(self):
        return [
            path("", case_index_or_consultations, name="index"),
            path("cases/new/", case_create, name="add"),
            path("cases/<int:pk>/", case_detail, name="detail"),
            path("cases/<int:pk>/agreement/", agreement_download, name="agreement"),
            path("consultations/", consultation_index, name="consultations"),
            path("consultations/new/", consultation_create, name="consultation_add"),
            path("consultations/<int:pk>/", consultation_detail, name="consultation"),
        ]


def case_index_or_consultations(request: HttpRequest) -> HttpResponse:
    """The menu item's page: the cases for mediators and the chairman, consultations for officers."""
    if handles_mediation(request.user):
        return case_index(request)
    if answers_consultations(request.user):
        return redirect("mediation:consultations")
    raise Http404
