"""The archives on the union's site (phone first): members browse the public items (rules,
notices, activity photos) by category and year; one item with its files; the files themselves,
each through the access check. Someone who may not read an item gets a 404, as if it did not
exist. Thin: selectors only."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from tenants.users.roles import is_member
from workershome.tenancy import current_schema
from workershome.views import file_response

from .models import AccessLevel, ArchiveCategory, ArchiveFile
from .permissions import may_read
from .selectors import item_for, items_for, public_overview, years_on_file


def _member_or_redirect(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
    if not is_member(request.user):
        raise Http404
    return None


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1949 <= number <= 9999 else None


def archive_file_serve(request: HttpRequest, archive_file: ArchiveFile) -> HttpResponse | FileResponse:
    """One file of an item the person may read (checked by the caller), from private media."""
    name = archive_file.file.name or ""
    target = Path(default_storage.path(name))
    if not target.is_file():
        raise Http404
    inline = archive_file.is_image or archive_file.is_video
    response = file_response(
        target, relative=f"{current_schema()}/{name}", as_attachment=not inline, filename=archive_file.name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@method_decorator(never_cache, name="dispatch")
class ArchiveListView(View):
    """Public items, by category and year: a category's list, or the overview of categories."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_member(request.user):
            # The site menu links here: say who may look, instead of a bare sign-in redirect.
            login = f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
            return TemplateResponse(request, "archives/members_only.html", {
                "login_url": login, "signed_in": request.user.is_authenticated,
            })  # fmt: skip
        category = request.GET.get("category", "")
        category = category if category in ArchiveCategory.values else ""
        year = _int(request.GET.get("year"))
        items = items_for(request.user, category=category, year=year, access=AccessLevel.PUBLIC)
        items = items.prefetch_related("files")[:200]
        return TemplateResponse(request, "archives/list.html", {
            "overview": public_overview(year=year), "category": category,
            "category_label": ArchiveCategory(category).label if category else "",
            "year": year, "years": years_on_file(request.user)[:15], "items": items,
        })  # fmt: skip


@method_decorator(never_cache, name="dispatch")
class ArchiveDetailView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        refused = _member_or_redirect(request)
        if refused:
            return refused
        item = item_for(request.user, pk)
        if item is None:
            raise Http404
        return TemplateResponse(
            request, "archives/detail.html", {"item": item, "files": list(item.files.all())}
        )


@method_decorator(never_cache, name="dispatch")
class ArchiveFileView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
        refused = _member_or_redirect(request)
        if refused:
            return refused
        archive_file = (
            ArchiveFile.objects.select_related("item").filter(pk=pk).first() if pk < 2**31 else None
        )
        if archive_file is None or not may_read(request.user, archive_file.item):
            raise Http404
        return archive_file_serve(request, archive_file)
