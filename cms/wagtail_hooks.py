"""Wagtail admin wiring of the Workers' Home website (each feature registers its own hooks)."""

from . import (
    checklist_admin,  # noqa: F401
    poster_admin,  # noqa: F401
)
