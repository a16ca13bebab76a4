"""Masked forms of personal data for lists and anything shown in passing (PIPL: minimum necessary).

A list shows enough to tell records apart, never the whole value: an ID number keeps its region
(6 digits) and last 4, a name its first and last character, an amount is shown only to the
roles that handle the money. Full values are read one record at a time, by someone entitled,
and each such read is written to the audit log (``services.sensitive_read_log``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

HIDDEN = "***"


def mask_id_number(value: str | None) -> str:
    """110105199001011234 → 110105********1234 (a short value: all but the last 2 hidden)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * max(len(value) - 2, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str:
    """王小明 → 王*明, 王明 → 王*, 欧阳小明 → 欧**明; a one-character name → *."""
    value = (value or "").strip()
    if len(value) <= 1:
        return "*" if value else ""
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_mobile(value: str | None) -> str:
    """13800138000 → 138****8000."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_amount(value: Decimal | int | float | None, *, roles: Iterable[str], allowed: Iterable[str]) -> str:
    """The amount (two decimals) for someone holding one of ``allowed`` roles, else ``***``."""
    if value is None:
        return ""
    if set(roles) & set(allowed):
        return f"{Decimal(value):.2f}"
    return HIDDEN
