"""The portal staff's notifications in the portal's Wagtail admin: the list (all or unread,
newest first, by page) and marking read (POST only, with the CSRF token). On a union's host
the pages do not exist (404): a union's users have their own notifications."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages

from workershome.tenancy import on_portal

from .selectors import portal_notifications_for, portal_unread_count
from .services import portal_notifications_mark_read

PER_PAGE = 50


def _require_portal(request: HttpRequest) -> None:
    if not (on_portal() and request.user.is_authenticated):
        raise Http404


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_portal(request)
    unread_only = request.GET.get("unread") == "1"
    notifications = portal_notifications_for(request.user, unread_only=unread_only)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "portal_notifications/admin/index.html", {
        "page_title": _("Notifications"), "header_icon": "bell", "page": page, "notifications": page.object_list,
        "unread": portal_unread_count(request.user), "unread_only": unread_only,
    })  # fmt: skip


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the posted ``id``s read, or every unread one with ``all``; then back to ``next``
    (a path on this host) or the list."""
    _require_portal(request)
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    if request.POST.get("all") or ids:
        count = portal_notifications_mark_read(
            user=request.user, ids=None if request.POST.get("all") else ids
        )
        messages.success(request, _("Marked %(count)s as read.") % {"count": count})
    else:
        messages.error(request, _("Choose the notifications to mark as read."))
    target = request.POST.get("next") or ""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal_notifications")
    return redirect(target)
