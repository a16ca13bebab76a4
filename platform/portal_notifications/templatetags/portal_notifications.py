"""``{% portal_bell %}``: the bell with the unread count in the portal's site header, for a
signed-in portal user (nothing on a union's host, nothing for anonymous visitors, whose pages
are cached)."""

from __future__ import annotations

from django import template

from workershome.tenancy import on_portal

from ..selectors import portal_unread_count

register = template.Library()


@register.inclusion_tag("portal_notifications/bell.html", takes_context=True)
def portal_bell(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = bool(on_portal() and user is not None and user.is_authenticated)
    return {"shown": shown, "unread": portal_unread_count(user) if shown else 0}
