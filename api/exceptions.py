"""One exception handler for the whole API: a machine-readable code and a message in Chinese
and in English, never a 500 for input the caller got wrong."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workershome.errors import ServiceError

MESSAGES = {
    "unknown_host": _("No union answers at this address."),
    "union_suspended": _("This union's Workers' Home is suspended; its data is kept."),
    "union_archived": _("This union's Workers' Home has been archived."),
    "invalid": _("The request has errors; see the fields."),
    "parse_error": _("The request body could not be read."),
    "not_authenticated": _("Please sign in."),
    "authentication_failed": _("Signing in failed."),
    "permission_denied": _("You do not have permission to do this."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "unsupported_media_type": _("Unsupported content type."),
    "throttled": _("Too many requests; please try again later."),
    "not_acceptable": _("Cannot answer in the requested format."),
}


def _both(message: Any) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = str(message)
    with translation.override("en"):
        en = str(message)
    return zh, en


def error_payload(code: str, message: Any = None, fields: dict | None = None) -> dict:
    zh, en = _both(message if message is not None else MESSAGES.get(code, code))
    payload: dict[str, Any] = {"code": code, "message": zh, "message_en": en}
    if fields:
        payload["fields"] = fields
    return payload


def error_response_for_api(payload: dict, *, status: int) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _fields(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _fields(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_fields(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ServiceError):
        fields = {exc.field: [_both(exc.message)[0]]} if exc.field else None
        return Response(error_payload(exc.code, exc.message, fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_payload("invalid", fields=_fields(exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        message = MESSAGES.get(str(code), exc.detail)
        response.data = error_payload(str(code), message)
    if response.status_code == status.HTTP_500_INTERNAL_SERVER_ERROR:  # pragma: no cover
        response.data = error_payload("server_error", _("Server error."))
    return response
