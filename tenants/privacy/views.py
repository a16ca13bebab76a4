"""The worker's own page: which sensitive records the union keeps about them, and their consents.

Existence only (kind, opened, by which union role, status): the page never shows content, so
it is not itself a read of sensitive data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .registry import sensitive_records_of
from .selectors import consents_of


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
