"""Validation of identifiers the registry stores: credit codes and union addresses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code, computed from the first 17 (GB 32100 §4.3)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18 or not _CREDIT_CODE_SHAPE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z."
            ),
            code="credit_code_format",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong; please check for typos."),
            code="credit_code_checksum",
        )


# Subdomains that belong to the platform itself and can never name a union.
RESERVED_SLUGS = frozenset(
    {
        "www", "admin", "api", "static", "media", "mail", "smtp", "ftp", "portal", "federation",
        "public", "assets", "cdn", "docs", "help", "status", "login", "auth", "account", "accounts",
        "app", "search", "test", "dev", "staging", "beta", "union-template", "template",
    }
)  # fmt: skip
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


def validate_union_slug(value: str) -> None:
    if not _SLUG.match(value or "") or "--" in value:
        raise ValidationError(
            _(
                "The address must be 3 to 40 characters of lowercase letters, digits and single "
                "hyphens, starting with a letter."
            ),
            code="slug_format",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved by the platform; please choose another address."),
            code="slug_reserved",
            params={"slug": value},
        )
