"""Small project-level views: media of the current union, error pages."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cms.media import media_path_is_public
from workershome.tenancy import current_schema


def union_media(request: HttpRequest, schema: str, path: str) -> HttpResponse:
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
    return file_response(target, relative=f"{schema}/{path}")


def file_response(target: Path, *, relative: str, **kwargs) -> HttpResponse:
    """A file this request may have: handed to nginx where it sits in front
    (``MEDIA_X_ACCEL_PREFIX``, an ``internal`` location), else streamed by Django.

    ``relative`` is the file's path under MEDIA_ROOT; ``kwargs`` go to ``FileResponse``
    (``as_attachment``, ``filename``)."""
    prefix = getattr(settings, "MEDIA_X_ACCEL_PREFIX", "")
    if prefix:
        # FileResponse works out the content type and disposition; nginx sends the bytes.
        headers = FileResponse(io.BytesIO(), **{"filename": target.name, **kwargs}).headers
        response = HttpResponse()
        for name in ("Content-Type", "Content-Disposition"):
            if name in headers:
                response[name] = headers[name]
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
        return response
    return FileResponse(target.open("rb"), **kwargs)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
