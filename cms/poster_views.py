"""Views of the wall posters (上墙): the list of posters and each poster's PDF.

Only the union's own staff print its posters: a signed-in user of this union with access to
the Wagtail admin. Anyone else gets 403 (a visitor who is not signed in is sent to sign in).
Pages are looked up in the current union's schema only, so another union's page id is a 404.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from workershome.tenancy import on_portal

from .models import RulePage, ServiceItemPage
from .posters import DEFAULT_SIZE, KIND_LABELS, KINDS, SIZES, PosterError, poster_filename, poster_pdf


def posters_visible_to(user) -> bool:
    """Staff of this union with admin access; never on the federation portal."""
    if on_portal():
        return False
    return bool(user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"))


def staff_only(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if on_portal():
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not posters_visible_to(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _problem(request: HttpRequest, error: PosterError) -> HttpResponse:
    """A refused poster: the reason in plain words, with the right status (400 or 404)."""
    return render(
        request,
        "cms/posters/problem.html",
        {"message": error.message, "code": error.code, "list_url": reverse("cms_posters:list")},
        status=error.status,
    )


def _pdf_response(request: HttpRequest, *, kind: str, page=None) -> HttpResponse:
    size = request.GET.get("size") or DEFAULT_SIZE
    try:
        pdf = poster_pdf(kind=kind, size=size, page=page)
    except PosterError as error:
        return _problem(request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = poster_filename(kind=kind, size=size, page=page)
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class PosterListView(WagtailAdminTemplateMixin, TemplateView):
    """The posters a union can print, each on A3 or A4, in the admin's look."""

    template_name = "cms/posters/list.html"
    page_title = _("Wall posters")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sizes"] = list(SIZES)
        context["kinds"] = [
            {"kind": kind, "label": KIND_LABELS[kind]} for kind in KINDS if kind not in ("rule",)
        ]
        context["rule_label"] = KIND_LABELS["rule"]
        context["procedure_label"] = KIND_LABELS["procedures"]
        context["rules"] = RulePage.objects.live().order_by("path")
        context["services"] = ServiceItemPage.objects.live().order_by("path")
        return context


poster_list = staff_only(PosterListView.as_view())


@require_GET
@staff_only
def poster_of_kind(request: HttpRequest, kind: str) -> HttpResponse:
    """``/posters/<kind>.pdf?size=A3|A4``: the name plate, identity board, services or procedures."""
    return _pdf_response(request, kind=kind)


@require_GET
@staff_only
def poster_of_page(request: HttpRequest, kind: str, page_id: int) -> HttpResponse:
    """``/posters/rule/<id>.pdf`` and ``/posters/procedures/<id>.pdf``: one rule or one service."""
    model: type[Page] | None = {"rule": RulePage, "procedures": ServiceItemPage}.get(kind)
    page = model.objects.live().filter(pk=int(page_id)).first() if model else None
    if page is None:
        return _problem(
            request, PosterError("page_not_found", _("There is no such published page here."), status=404)
        )
    return _pdf_response(request, kind=kind, page=page)
