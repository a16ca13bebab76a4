"""The worker's pages: file an appeal (named or anonymous), follow it with a tracking code, and
the signed-in worker's own cases. Thin: services and selectors do the work.

The pages an anonymous sender uses are ``@sealed``: they never read the account or the
session, set no cookie, take no CSRF token (nothing to protect: they act for nobody) and are
never cached by the browser or a proxy.
"""

from __future__ import annotations

import logging
import threading
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tenants.cases.kinds import KINDS, CaseKind
from tenants.cases.procedures import machine_for, procedure_published
from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .forms import AppealForm, NamedAppealForm, RatingForm, TrackingCodeForm, error_to_form
from .privacy import FILING_LIMIT, WRONG_CODE_LIMIT, limit_count, limit_reached
from .selectors import attachments_for_requester, cases_of_requester, requester_view
from .services import appeal_by_code, appeal_file, appeal_rate_as_requester, appeal_rate_by_code

_sealed = threading.local()


class _QuietWhileSealed(logging.Filter):
    """Drops the template engine's debug records while a sealed view runs: a failed variable
    lookup is logged with the whole template context, which holds the tracking code."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_sealed, "active", False)


logging.getLogger("django.template").addFilter(_QuietWhileSealed())


class SealedSession:
    """Stands in for ``request.session`` in a sealed view: any use is a bug and fails loudly.

    Django's session middleware reads ``accessed``/``modified`` after the view; the
    ``AttributeError`` raised here makes it leave the response alone, so no session is loaded,
    saved, created or deleted, and no cookie is set.
    """

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"a sealed view never uses the session (tried {name!r})")

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("a sealed view never uses the session")

    __setitem__ = __delitem__ = __contains__ = __getitem__


def sealed(view):
    """For the views of anonymous senders (see the module's docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.user = AnonymousUser()  # replaces the lazy user: the session is never loaded
        request.session = SealedSession()  # type: ignore[assignment]
        _sealed.active = True
        try:
            response = view(request, *args, **kwargs)
        finally:
            _sealed.active = False
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return csrf_exempt(never_cache(wrapper))


def _sealed_render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    # The base template shows messages and the signed-in user; both would read the session.
    context = {"page": None, **context, "messages": (), "user": request.user, "sealed": True}
    return render(request, template, context, status=status)


def _procedure_facts() -> dict:
    """The appeal procedure as published (亮程序), for the form page; never adopts on a read."""
    procedure = procedure_published(CaseKind.APPEAL)
    spec = KINDS[CaseKind.APPEAL]
    if procedure is None:
        return {"time_limit_days": spec.time_limit_days, "steps": [step.label for step in spec.steps]}
    return {
        "time_limit_days": procedure.time_limit_days,
        "steps": [step.label for step in machine_for(procedure).steps],
    }


def _filing_values(form) -> dict:
    data = form.cleaned_data
    return dict(
        category=data["category"], title=data["title"], description=data["description"],
        upload=data.get("attachment") or None,
    )  # fmt: skip


def appeals_home(request: HttpRequest) -> HttpResponse:
    return redirect("appeals:new")


@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    """The named appeal form: a signed-in worker files as themselves, anyone else gives a name
    and a mobile number."""
    # A visitor (a worker of another union signed in for an activity) files as a named non-member.
    member = request.user if is_member(request.user) else None
    form_class = AppealForm if member else NamedAppealForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if member is None and limit_reached(FILING_LIMIT, request):
            form.add_error(None, _("Too many appeals from this network just now. Please try again later."))
        else:
            try:
                case, _code = appeal_file(
                    **_filing_values(form), requester=member,
                    requester_name=form.cleaned_data.get("name", ""),
                    requester_mobile=form.cleaned_data.get("mobile", ""),
                )  # fmt: skip
            except ServiceError as error:
                error_to_form(form, error)
            else:
                if member is not None:
                    messages.success(request, _("Your appeal has been received."))
                    return redirect("my_cases:detail", pk=case.pk)
                limit_count(FILING_LIMIT, request)
                response = render(request, "appeals/filed.html", {"case": case, "code": None})
                add_never_cache_headers(response)
                return response
    return render(
        request, "appeals/new.html", {"form": form, "mode": "named", "member": member, **_procedure_facts()}
    )


@sealed
@require_http_methods(["GET", "POST"])
def appeal_anonymous(request: HttpRequest) -> HttpResponse:
    """The anonymous appeal form and its result: the one-time tracking code, shown once."""
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if limit_reached(FILING_LIMIT, request):
            form.add_error(None, _("Too many appeals from this network just now. Please try again later."))
        else:
            try:
                case, code = appeal_file(**_filing_values(form), anonymous=True)
            except ServiceError as error:
                error_to_form(form, error)
            else:
                limit_count(FILING_LIMIT, request)
                return _sealed_render(request, "appeals/filed.html", {"case": case, "code": code})
    return _sealed_render(
        request, "appeals/new.html", {"form": form, "mode": "anonymous", "member": None, **_procedure_facts()}
    )


def _code_refused(request: HttpRequest, form, error: ServiceError | None) -> int:
    """Show why a code was refused; count a wrong one. Returns the response status."""
    if error is None:
        form.add_error("code", _("Too many wrong codes. Please wait ten minutes and try again."))
        return 429
    limit_count(WRONG_CODE_LIMIT, request)
    error_to_form(form, error)
    return 200


def _no_case() -> dict:
    """Every name the follow page uses, so that no lookup fails (see ``_QuietWhileSealed``)."""
    return {"view": None, "code": "", "rated": False, "rating_form": RatingForm()}


@sealed
@require_http_methods(["GET", "POST"])
def appeal_follow(request: HttpRequest) -> HttpResponse:
    """Enter the tracking code, see the case. The code travels only in POST bodies, never in a
    URL (which would land in histories and access logs)."""
    form = TrackingCodeForm(request.POST or None)
    status, context = 200, _no_case()
    if request.method == "POST" and form.is_valid():
        if limit_reached(WRONG_CODE_LIMIT, request):
            status = _code_refused(request, form, None)
        else:
            try:
                case = appeal_by_code(code=form.cleaned_data["code"])
            except ServiceError as error:
                status = _code_refused(request, form, error)
            else:
                context |= {"view": requester_view(case=case), "code": form.cleaned_data["code"]}
    return _sealed_render(request, "appeals/follow.html", {"form": form, **context}, status=status)


@sealed
@require_POST
def appeal_follow_rate(request: HttpRequest) -> HttpResponse:
    """Rate a closed case with its tracking code, then show the case again."""
    form = TrackingCodeForm(request.POST)
    rating_form = RatingForm(request.POST)
    status, context = 200, _no_case()
    if not form.is_valid():
        pass
    elif limit_reached(WRONG_CODE_LIMIT, request):
        status = _code_refused(request, form, None)
    else:
        code = form.cleaned_data["code"]
        try:
            case = appeal_by_code(code=code)
        except ServiceError as error:
            status = _code_refused(request, form, error)
        else:
            rated = False
            if rating_form.is_valid():
                try:
                    case = appeal_rate_by_code(
                        code=code, rating=rating_form.cleaned_data["rating"],
                        comment=rating_form.cleaned_data["comment"],
                    )  # fmt: skip
                    rated = True
                except ServiceError as error:
                    error_to_form(rating_form, error)
            context |= {"view": requester_view(case=case), "code": code, "rated": rated,
                        "rating_form": rating_form if not rated else RatingForm()}  # fmt: skip
    return _sealed_render(request, "appeals/follow.html", {"form": form, **context}, status=status)


# --- The signed-in worker's own cases ------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = [requester_view(case=case) for case in cases_of_requester(user=request.user)[:100]]
    return render(request, "appeals/my_cases.html", {"views": cases})


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the worker's own cases; anyone else's is a 404, whatever the viewer's role."""
    case = get_object_or_404(cases_of_requester(user=request.user), pk=pk)
    rating_form = RatingForm(request.POST or None)
    if request.method == "POST" and rating_form.is_valid():
        try:
            appeal_rate_as_requester(
                case=case, user=request.user, rating=rating_form.cleaned_data["rating"],
                comment=rating_form.cleaned_data["comment"],
            )  # fmt: skip
        except ServiceError as error:
            error_to_form(rating_form, error)
        else:
            messages.success(request, _("Thank you for rating the outcome."))
            return redirect("my_cases:detail", pk=case.pk)
    context = {
        "view": requester_view(case=case),
        "attachments": attachments_for_requester(case=case, user=request.user),
        "rating_form": rating_form,
    }
    return render(request, "appeals/my_case.html", context)


@login_required
def my_case_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    case = get_object_or_404(cases_of_requester(user=request.user), pk=pk)
    attachment = get_object_or_404(attachments_for_requester(case=case, user=request.user), pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
