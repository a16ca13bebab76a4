"""Helpers the apps' ``search.py`` use to turn a row into the plain text of a search document.

Documents are indexed by a Celery task or a management command, where no request has chosen a
language: choice labels are rendered in the site's default language (Chinese), the language
workers search in, whatever language happens to be active.
"""

from __future__ import annotations

from html import unescape as unescape_entities

from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags


def label(value: object) -> str:
    """A (lazy) label in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def rich_text_plain(value: str) -> str:
    """The words of a rich-text field, without markup."""
    return " ".join(unescape_entities(strip_tags(value or "").replace("\xa0", " ")).split())


def join_text(*parts: str) -> str:
    """The non-empty parts, one after another."""
    return " ".join(part for part in parts if part)
