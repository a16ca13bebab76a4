"""Request routing by host: which union (schema) a request belongs to."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware

from workershome.tenancy import current_tenant


class UnionMiddleware(TenantMainMiddleware):
    """Select the union's schema by host; unknown hosts and closed unions get a clear page.

    An unknown host answers with the platform's 404 page (never a stack trace, never the
    portal), and a suspended or archived union answers every request, API included, with a
    notice while all its data stays in place.
    """

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return _notice(
            request,
            status=404,
            template="errors/unknown_host.html",
            code="unknown_host",
            context={"hostname": hostname},
        )

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response = super().process_request(request)
        if response is not None:
            return response
        union = current_tenant()
        if union.status != union.Status.ACTIVE:
            return _notice(
                request,
                status=503 if union.status == union.Status.SUSPENDED else 410,
                template="errors/union_closed.html",
                code=f"union_{union.status}",
                context={"union": union},
            )
        return None


def _notice(request: HttpRequest, *, status: int, template: str, code: str, context: dict) -> HttpResponse:
    from api.exceptions import error_payload, error_response_for_api

    if request.path.startswith("/api/"):
        return error_response_for_api(error_payload(code), status=status)
    response = TemplateResponse(request, template, context, status=status)
    response.render()
    return response


class ChineseFirstLocaleMiddleware:
    """Chinese unless the person chose another language with the language switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English page to a worker whose phone happens to be set to English; the platform is
    Chinese first, so only an explicit choice (the language cookie) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
