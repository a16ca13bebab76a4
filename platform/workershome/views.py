"""Small project-level views: health check, media of the current union, error pages."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from cms.media import media_path_is_public
from workershome.tenancy import current_schema


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "schema": current_schema()})


def union_media(request: HttpRequest, schema: str, path: str) -> FileResponse:
    """Serve a public media file of the union this host belongs to, and only of that union.

    Files live under ``MEDIA_ROOT/<schema>/``; a URL naming another union's prefix is a 404
    here, so one union's files never serve from another's host. A production web server in
    front must keep the same rule; private documents go through permission-checked views.
    """
    if schema != current_schema() or not media_path_is_public(path):
        raise Http404
    root = (Path(settings.MEDIA_ROOT) / schema).resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404
    return FileResponse(target.open("rb"))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
