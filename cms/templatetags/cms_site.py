"""Template tags of the union's public site: the chrome around every page and what pages list.

The tags only call ``cms.selectors``; they exist because page models keep no presentation
logic, and because error pages (rendered outside Wagtail) need the same menu and colours.
"""

from __future__ import annotations

from typing import Any

from django import template

from cms import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def site_chrome(context: dict[str, Any]) -> selectors.SiteChrome | None:
    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return None  # no union answers at this host: no site, no menu
    return selectors.site_chrome(request=request, page=context.get("page"))


@register.simple_tag(takes_context=True)
def home_overview(context: dict[str, Any], home) -> selectors.HomeOverview:
    return selectors.home_overview(home=home, request=context.get("request"))


@register.simple_tag
def rooms_of(index):
    return selectors.rooms_of(index=index)


@register.simple_tag
def room_photos(room):
    return selectors.room_photos(room=room)


@register.simple_tag
def staff_of(people):
    return selectors.staff_of(people=people)


@register.simple_tag
def chairman_photo_of(people):
    return selectors.chairman_photo_of(people=people)


@register.simple_tag
def identity_board(people):
    return selectors.identity_board(people=people)


@register.simple_tag
def rules_by_category(index):
    return selectors.rules_by_category(index=index)


@register.simple_tag
def services_of(index):
    return selectors.services_of(index=index)


@register.simple_tag
def duties_covered(services):
    return selectors.duties_covered(services=services)


@register.simple_tag
def brands_of(index):
    return selectors.brands_of(index=index)


@register.simple_tag
def brand_photos(brand):
    return selectors.brand_photos(brand=brand)


@register.simple_tag
def notice_is_current(notice) -> bool:
    return selectors.notice_is_current(notice=notice)


@register.filter
def tel_href(mobile: str) -> str:
    """A ``tel:`` link target for a mainland mobile number."""
    digits = "".join(ch for ch in mobile or "" if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


@register.filter
def mobile_display(mobile: str) -> str:
    """138 0013 8000: the way a mobile number is read out and written on a poster."""
    if mobile and len(mobile) == 11 and mobile.isdigit():
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    return mobile


@register.filter
def room_kind_labels(kinds) -> list[str]:
    from cms.models import RoomKind

    labels = dict(RoomKind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds or ()]


@register.filter
def equipment_labels(kinds) -> list[str]:
    from cms.models import EquipmentKind

    labels = dict(EquipmentKind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds or ()]
