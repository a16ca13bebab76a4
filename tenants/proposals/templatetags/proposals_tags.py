"""Template filters of the campaign's pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value, places: int = 2) -> str:
    """An amount of yuan with thousands separators: 86,500.50 (or 3,000 with ``places`` 0)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.{int(places)}f}"
