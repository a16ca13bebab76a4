"""The dashboard's table cells, rendered by a tag: a page holds hundreds of them, and an
``{% include %}`` per cell cost more than every query of the page together."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from federation.dashboard import SUPPRESSED

register = template.Library()


@register.simple_tag
def dashboard_cell(value: Any, kind: str) -> SafeString:
    """One number of a table: "—" for none, "<5" for a suppressed small group, a rate with its
    percent sign, money with two decimals."""
    if value is None:
        shown: Any = "—"
    elif value == SUPPRESSED:
        return format_html(
            '<td class="dashboard-num"><span class="dashboard-suppressed" title="{}">&lt;5</span></td>',
            gettext("Fewer than five: hidden to protect privacy"),
        )
    elif kind == "rate":
        shown = f"{value}%"
    elif kind == "money":
        shown = floatformat(value, 2)
    else:
        shown = value
    return format_html('<td class="dashboard-num">{}</td>', shown)
