"""Errors that services raise for input they refuse: a machine-readable code and a message.

Views show the message; the API's exception handler turns it into a 400/409 response with the
code and the message in Chinese and English. Nothing is changed when one is raised.
"""

from __future__ import annotations

from django.utils.functional import Promise


class ServiceError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str | Promise, *, field: str | None = None, status: int | None = None
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class Conflict(ServiceError):
    status = 409
