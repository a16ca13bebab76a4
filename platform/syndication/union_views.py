"""The union's side: /notices/ lists the federation's notices addressed to this union, one
notice's page, its PDF attachment, and "mark read" for the chairman and officers.

Everything reads the public table through the union's search path, filtered to the union's
district (or notices sent to every union); a notice addressed elsewhere, or withdrawn, is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.ui.components import Component

from workershome.tenancy import current_tenant, on_portal

from .selectors import notices_for_current_union, notices_unread_for_union
from .services import notice_mark_read

MARK_READ_ROLES = frozenset({"chairman", "officer"})


def may_mark_read(user) -> bool:
    """The union's chairman and officers (or a superuser) on the union's own site."""
    if on_portal() or not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=MARK_READ_ROLES).exists()


def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notices_for_current_union(), 20).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "syndication/site/list.html", {"page": page, "notices": page.object_list}
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notices_for_current_union(), pk=pk)
    return TemplateResponse(request, "syndication/site/detail.html", {"notice": notice})


def notice_attachment(request: HttpRequest, pk: int) -> FileResponse:
    notice = get_object_or_404(notices_for_current_union(), pk=pk)
    if not notice.attachment:
        raise Http404
    try:
        handle = notice.attachment.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle, content_type="application/pdf", filename=notice.attachment_name or "notice.pdf"
    )


@require_POST
@login_required
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_mark_read(request.user):
        raise Http404
    notice = get_object_or_404(notices_for_current_union(), pk=pk)
    notice_mark_read(notice=notice, union=current_tenant(), by=request.user)
    messages.success(request, _("Marked read."))
    return redirect("wagtailadmin_home")


class UnreadNoticesPanel(Component):
    """On a union's admin dashboard: the federation's notices nobody here has marked read yet."""

    name = "federation_notices_unread"
    order = 45
    template_name = "syndication/admin/unread_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        unread = notices_unread_for_union(current_tenant())
        return {"unread": list(unread[:10]), "unread_count": unread.count()}
