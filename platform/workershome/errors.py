"""Errors that services raise for input they refuse: a machine-readable code and a message.

Views show the message; the API's exception handler turns it into a 400/409 response with the
code and the message in Chinese and English. Nothing is changed when one is raised.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy


def _interpolate(message: Any, params: dict) -> str:
    return str(message) % params


_interpolate_lazy = lazy(_interpolate, str)


class ServiceError(Exception):
    """``message`` stays lazy (give a ``gettext_lazy`` string and its ``params``), so it is
    rendered in whatever language shows it: the page's, or both in an API error."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        params: dict | None = None,
        field: str | None = None,
        status: int | None = None,
    ):
        self.message = _interpolate_lazy(message, params) if params else message
        super().__init__(str(self.message))
        self.code = code
        self.field = field
        if status is not None:
            self.status = status


class Conflict(ServiceError):
    status = 409
