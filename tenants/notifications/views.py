"""The signed-in person's notifications: in the staff admin and on the union's site."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from workershome.tenancy import on_portal

from .selectors import notifications_for
from .services import notification_mark_read


def _page(request: HttpRequest, template: str) -> HttpResponse:
    notifications = list(notifications_for(user=request.user)[:100]) if not on_portal() else []
    return TemplateResponse(
        request,
        template,
        {
            "notifications": notifications,
            "unread": sum(1 for item in notifications if item.read_at is None),
            "page_title": _("Notifications"),
            "header_icon": "mail",
        },
    )


def admin_index(request: HttpRequest) -> HttpResponse:
    return _page(request, "notifications/admin/index.html")


@login_required
def site_index(request: HttpRequest) -> HttpResponse:
    return _page(request, "notifications/site_index.html")


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark all (or the posted ``id``s) read, then go back where the person came from."""
    if not request.user.is_authenticated:
        return redirect("login")
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()] or None
    if not on_portal():
        notification_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if target.startswith("/admin/"):
        messages.success(request, _("Marked as read."))
    return redirect(target)
