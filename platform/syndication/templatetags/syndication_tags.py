"""``{% federation_notices_latest as latest %}``: the three newest notices for the home page card."""

from django import template

from ..selectors import notices_for_current_union

register = template.Library()


@register.simple_tag
def federation_notices_latest(count: int = 3) -> list:
    return list(notices_for_current_union()[:count])
