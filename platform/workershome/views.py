"""Small project-level views: media of the current union, error pages."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cms.media import media_path_is_public
from workershome.tenancy import current_schema


def union_media(request: HttpRequest, schema: str, path: str) -> HttpResponse | FileResponse:
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


def file_response(target: Path, *, relative: str, **kwargs) -> HttpResponse | FileResponse:
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


@dataclass(frozen=True)
class MyLink:
    title: str | Promise
    url: str
    note: str | Promise


def _my_links(user) -> list[MyLink]:
    from tenants.users.roles import is_member

    links = [
        MyLink(
            _("My cases"), "/my/cases/", _("Appeals, proposals and requests for help, and where they stand")
        ),
        MyLink(_("Notifications"), "/my/notifications/", _("What the union has told you")),
        MyLink(_("My activities"), "/my/activities/", _("What you signed up for, and the waiting list")),
        MyLink(_("My calendar"), "/my/calendar/", _("Your activities in your phone's calendar")),
    ]
    if is_member(user):
        links += [
            MyLink(_("My training"), "/my/training/", _("Courses, hours and certificates")),
            MyLink(_("My bookings"), "/my/bookings/", _("Rooms you booked")),
            MyLink(_("My library"), "/my/library/", _("Books on loan and reservations")),
            MyLink(_("Elections"), "/elections/", _("Vote by secret ballot and check your receipt")),
            MyLink(
                _("Workers' congress"),
                "/congress/",
                _("Motions, resolutions and what the employer discloses"),
            ),
            MyLink(
                _("Democratic appraisal"), "/appraisal/", _("Rate the union's leaders and work, anonymously")
            ),
            MyLink(_("My counselling appointments"), "/my/counselling/", _("Talks booked with a counsellor")),
            MyLink(
                _("Legal advice and mediation"),
                "/my/mediation/",
                _("Ask a legal question; your mediation cases"),
            ),
            MyLink(
                _("My sensitive records"),
                "/my/privacy/",
                _("Which sensitive records about you exist, and your consents"),
            ),
        ]
    return links


@login_required
def my_home(request: HttpRequest) -> HttpResponse:
    """我的: a signed-in worker's way in to everything they have with this union."""
    return render(request, "my/home.html", {"items": _my_links(request.user)})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
