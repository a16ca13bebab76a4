"""The dashboard's table rows and cells, rendered by tags: a page holds hundreds of cells, and
an ``{% include %}`` per cell cost more than every query of the page together; a template loop
over the cells still cost more than the page's largest query."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from federation.dashboard import SUPPRESSED

register = template.Library()


def _suppressed_cell() -> str:
    return format_html(
        '<td class="dashboard-num"><span class="dashboard-suppressed" title="{}">&lt;5</span></td>',
        gettext("Fewer than five: hidden to protect privacy"),
    )


def _cell(value: Any, kind: str, suppressed: str) -> str:
    """One number of a table: "—" for none, "<5" for a suppressed small group, a rate with its
    percent sign, money with two decimals."""
    if value is None:
        return '<td class="dashboard-num">—</td>'
    if value == SUPPRESSED:
        return suppressed
    if kind == "rate":
        shown = f"{value}%"
    elif kind == "money":
        shown = floatformat(value, 2)
    else:
        shown = str(value)
    if not isinstance(value, int | Decimal):  # numbers need no escaping; anything else does
        shown = html.escape(shown)
    return f'<td class="dashboard-num">{shown}</td>'


@register.simple_tag
def dashboard_rows(rows: Any) -> SafeString:
    """The rows of a table, or its total row (``Row`` objects after ``table_suppress``): the
    label, linked to its drill-down when it has one, and the shown cells."""
    suppressed = _suppressed_cell()
    out = []
    for row in rows if isinstance(rows, list | tuple) else [rows]:
        label = html.escape(str(row.label))
        if row.url:
            label = f'<a href="{html.escape(row.url)}">{label}</a>'
        cells = "".join(_cell(value, kind, suppressed) for value, kind in row.shown)
        out.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return mark_safe("".join(out))
