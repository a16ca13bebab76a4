"""The worker's pages (/my/mediation/): ask the union a legal question on the phone, see the
answers, the status of their own mediation cases, and download their mediation agreement.

Thin: services and selectors do the work. A worker sees only their own records; the agreement
download is written to the audit log like every other read of it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tenants.privacy.services import sensitive_read_log
from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .admin_views import agreement_response
from .forms import AskForm
from .models import MediationCase
from .selectors import cases_of_worker, consultations_of_worker, limit_state
from .services import CONSENT_PURPOSE, consultation_ask


@login_required
def my_mediation(request: HttpRequest) -> HttpResponse:
    cases = [{"m": item, "limit": limit_state(item)} for item in cases_of_worker(worker=request.user)]
    return render(request, "mediation/my.html", {
        "consultations": consultations_of_worker(worker=request.user), "cases": cases,
        "member": is_member(request.user),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    if not is_member(request.user):
        raise Http404
    form = AskForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consultation = consultation_ask(
                    worker=request.user, claim_kind=form.cleaned_data["claim_kind"],
                    question=form.cleaned_data["question"], consent_given=form.cleaned_data["consent"],
                )  # fmt: skip
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Your question %(reference)s has been sent. A mediator will answer it here.")
                    % {"reference": consultation.reference},
                )
                return redirect("my_mediation:list")
        status = 400
    return render(request, "mediation/ask.html", {"form": form, "purpose": CONSENT_PURPOSE}, status=status)


@login_required
def my_agreement(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The applicant's own agreement; anyone else's is a 404 (and audited as refused)."""
    mediation = MediationCase.objects.select_related("case").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if mediation is None or not mediation.agreement_pdf:
        raise Http404
    if mediation.worker_id != request.user.pk:
        sensitive_read_log(
            user=request.user, obj=mediation, action="refused", via="site", purpose="下载调解协议书"
        )
        raise Http404
    sensitive_read_log(
        user=request.user, obj=mediation, action="export", via="site", purpose="本人下载调解协议书"
    )
    return agreement_response(mediation)
