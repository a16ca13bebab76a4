"""转介 in a union's Wagtail admin.

转出的转介 (``referrals_out``): staff who handle a kind of case refer one to the union's street
service station, its district's or the city's service centre, or a sister union (choosing
what to share, with the worker's consent), see the receiver and where it stands, re-send a
declined one, and record the worker's rating once it is closed.

收到的转介 (``referrals_received``): the chairman and officers see what sister unions referred
to this union — only the rows the sender shared, read from the public record — and accept,
start, close or decline it with a note.

Thin: writes go through ``services``; anyone else (and anything outside this union) gets 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from stations.models import ReferralStatus
from stations.selectors import (
    receives_in_union,
    referral_history,
    referrals_received_in_union,
    sister_unions_for,
)
from stations.services import referral_advance
from tenants.cases.models import Case
from tenants.mediation.models import MediationCase
from tenants.privacy.services import sensitive_read_log
from tenants.registry.models import Union
from workershome.admin_views import form_error_add
from workershome.errors import ServiceError
from workershome.tenancy import current_schema

from . import services
from .forms import HandleForm, RateForm, SendForm
from .models import OutgoingReferral


def _require(request: HttpRequest) -> None:
    if not services.refers_cases(request.user):
        raise Http404


def _visible(request: HttpRequest):
    """The union's referrals of the cases this user may see."""
    from tenants.cases.roles import cases_visible_to

    return OutgoingReferral.objects.select_related("case", "previous").filter(
        case__in=cases_visible_to(request.user)
    )


def referral_index(request: HttpRequest) -> HttpResponse:
    _require(request)
    return TemplateResponse(request, "referrals_out/admin/index.html", {
        "page_title": _("Referrals sent"), "header_icon": "tasks", "referrals": _visible(request)[:200],
        "cases": services.referable_cases(request.user)[:100],
    })  # fmt: skip


def _send_form(request: HttpRequest, case: Case) -> SendForm:
    from django.utils import timezone

    union = Union.objects.get(schema_name=current_schema())
    withdrawn = services.referral_consent_withdrawn(services.referral_worker(case))
    return SendForm(
        request.POST or None, case_kind=case.kind, sister_unions=sister_unions_for(union),
        consent_withdrawn_on=timezone.localtime(withdrawn.withdrawn_at).date() if withdrawn else None,
    )  # fmt: skip


def _send(request: HttpRequest, case: Case, *, previous: OutgoingReferral | None = None) -> HttpResponse:
    form = _send_form(request, case)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            values = dict(
                receiver_kind=data["receiver_kind"], sister_union=data["sister_union"], shared=data["shared"],
                difficulty=data["difficulty"], consent_given=data["consent_given"],
                consent_renewed=data.get("consent_renewed", False), note=data["note"], by=request.user,
            )  # fmt: skip
            try:
                if previous is None:
                    referral = services.referral_send(case=case, **values)
                else:
                    referral = services.referral_resend(referral=previous, **values)
            except ServiceError as error:
                if error.status == 404:
                    raise Http404 from error
                form_error_add(form, error)
            else:
                messages.success(request, _("Sent to %(receiver)s.") % {"receiver": referral.receiver_name})
                return redirect("referrals_out:detail", referral.pk)
    return TemplateResponse(request, "referrals_out/admin/send.html", {
        "page_title": _("Send the referral again") if previous else _("Refer a case"), "header_icon": "tasks",
        "form": form, "case": case, "previous": previous,
    }, status=status)  # fmt: skip


def referral_send_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    _require(request)
    case = get_object_or_404(services.referable_cases(request.user), pk=case_pk)
    return _send(request, case)


def referral_send(request: HttpRequest, mediation_pk: int) -> HttpResponse:
    """The mediation case page's "转介" button: the same form for the mediation's case."""
    _require(request)
    mediation = get_object_or_404(MediationCase.objects.select_related("case"), pk=mediation_pk)
    if not services.may_refer(request.user, mediation.case):
        raise Http404
    return _send(request, mediation.case)


def referral_resend(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    previous = get_object_or_404(_visible(request), pk=pk, status=ReferralStatus.DECLINED)
    return _send(request, previous.case, previous=previous)


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    referral = get_object_or_404(_visible(request), pk=pk)
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.referral_rate(referral=referral, rating=form.cleaned_data["rating"], by=request.user)
            except ServiceError as error:
                form_error_add(form, error)
            else:
                messages.success(request, _("Rating recorded."))
                return redirect("referrals_out:detail", referral.pk)
    resent_as = OutgoingReferral.objects.filter(previous=referral).first()
    return TemplateResponse(request, "referrals_out/admin/detail.html", {
        "page_title": referral.reference, "header_icon": "tasks", "r": referral, "form": form,
        "history": referral.history, "resent_as": resent_as,
        "may_resend": referral.status == ReferralStatus.DECLINED and resent_as is None,
    }, status=status)  # fmt: skip


class ReferralsOutMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return services.refers_cases(request.user)


class ReferralsOutViewSet(ViewSet):
    name = "referrals_out"
    url_prefix = "referrals-out"
    icon = "tasks"
    menu_label = gettext_lazy("Referrals sent")
    menu_order = 262
    add_to_admin_menu = True
    menu_item_class = ReferralsOutMenuItem

    def get_urlpatterns(self):
        return [
            path("", referral_index, name="index"),
            path("send/<int:mediation_pk>/", referral_send, name="send"),
            path("send/case/<int:case_pk>/", referral_send_case, name="send_case"),
            path("<int:pk>/", referral_detail, name="detail"),
            path("<int:pk>/resend/", referral_resend, name="resend"),
        ]


# 收到的转介: what sister unions referred to this union.


def _require_receiver(request: HttpRequest) -> None:
    if not receives_in_union(request.user):
        raise Http404


def received_index(request: HttpRequest) -> HttpResponse:
    _require_receiver(request)
    status = request.GET.get("status", "open")
    referrals = referrals_received_in_union(request.user)
    if status == "open":
        referrals = referrals.filter(status__in=["sent", "accepted", "in_progress"])
    elif status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    return TemplateResponse(request, "referrals_out/admin/received_index.html", {
        "page_title": _("Referrals received"), "header_icon": "tasks", "referrals": referrals[:200],
        "status": status, "statuses": [("open", _("Open")), *ReferralStatus.choices],
    })  # fmt: skip


def received_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_receiver(request)
    referral = get_object_or_404(referrals_received_in_union(request.user), pk=pk)
    if request.method == "GET":  # what the sender shared may be personal: each read is audited
        sensitive_read_log(user=request.user, obj=referral, action="read", via="admin", purpose="收到的转介")
    form = HandleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                referral_advance(
                    referral=referral, action=form.cleaned_data["action"], note=form.cleaned_data["note"],
                    by=request.user,
                )  # fmt: skip
            except ServiceError as error:
                if error.status == 404:
                    raise Http404 from error
                form_error_add(form, error)
            else:
                messages.success(request, _("Referral updated; the sending union has been told."))
                return redirect("referrals_received:detail", referral.pk)
    return TemplateResponse(request, "referrals_out/admin/received_detail.html", {
        "page_title": referral.reference, "header_icon": "tasks", "referral": referral, "form": form,
        "history": referral_history(referral), "may_handle": referral.is_open,
    }, status=status)  # fmt: skip


class ReferralsReceivedMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return receives_in_union(request.user)


class ReferralsReceivedViewSet(ViewSet):
    name = "referrals_received"
    url_prefix = "referrals-received"
    icon = "tasks"
    menu_label = gettext_lazy("Referrals received")
    menu_order = 263
    add_to_admin_menu = True
    menu_item_class = ReferralsReceivedMenuItem

    def get_urlpatterns(self):
        return [
            path("", received_index, name="index"),
            path("<int:pk>/", received_detail, name="detail"),
        ]
