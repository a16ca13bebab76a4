"""The worker's own page: which sensitive records the union keeps about them, and their consents.

Existence only (kind, opened, by which union role, status): the page never shows content, so
it is not itself a read of sensitive data.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .registry import sensitive_records_of
from .selectors import consents_of
from .services import consent_withdraw


@login_required
def my_records(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "privacy/my_records.html",
        {
            "records": sensitive_records_of(request.user),
            "consents": list(consents_of(request.user)),
            "page_title": _("My sensitive records"),
        },
    )


@login_required
@require_POST
def my_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker withdraws one of their own consents (PIPL: consent can be withdrawn as easily as
    it was given). Someone else's consent, or none, is a 404. Records already kept stay, but no
    new sensitive data is collected under the consent."""
    consent = consents_of(request.user).filter(pk=pk).first()
    if consent is None:
        raise Http404
    if consent.withdrawn_at is None:
        consent_withdraw(consent=consent, by=request.user)
        messages.success(
            request,
            _("Your consent is withdrawn: the union collects no new sensitive data under it. "
              "What it already keeps stays until the union closes the record."),
        )  # fmt: skip
    return redirect("privacy:my_records")
