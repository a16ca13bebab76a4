"""Structured logs: one JSON object per line, the union on each, no personal data.

- ``UnionFilter`` adds ``union`` (the schema of the request or task being served).
- ``PersonalDataFilter`` masks what looks like a mobile number, a resident ID number or an
  email address in the message and its arguments: a safety net under the rule that code never
  logs personal data.
- ``RequestLogMiddleware`` writes the access log: method, the URL *pattern* (never the path,
  which can carry a token or a follow-up code, nor the query string), status and duration. It
  writes no client address and no user: anonymous appeals must stay anonymous in the logs too
  (docs/operations.md: the proxy in front keeps no addresses for those paths either).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

_PATTERNS = (
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[mobile]"),
    (re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"), "[id-number]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
)


def scrub(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class UnionFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.union = getattr(connection, "schema_name", None) or "-"
        return True


access_log = logging.getLogger("workershome.access")


class RequestLogMiddleware:
    """The access log line of every request, after the union is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else ("wagtail-page" if match else "-")
        access_log.info(
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
