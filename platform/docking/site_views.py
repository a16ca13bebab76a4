"""共享资源目录 on the federation portal (``/resources/``): the published resources of every union
and station, phone first, by district and kind. Anyone may browse; booking is for a union's
chairman and officers (in their union's admin) or a station's staff."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from federation.models import District
from workershome.tenancy import on_portal

from .forms import CatalogueFilterForm
from .models import ResourceKind
from .selectors import resources_catalogue

PAGE_SIZE = 20


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    if not on_portal():
        raise Http404
    form = CatalogueFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # the valid filters; unknown values are ignored
    resources = resources_catalogue(kind=data.get("kind") or "", district=data.get("district"),
                                    text=data.get("q") or "")  # fmt: skip
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "docking/site/catalogue.html", {
        "page": page, "districts": District.objects.all(), "kinds": ResourceKind.choices,
        "district": data.get("district"), "kind": data.get("kind") or "", "q": data.get("q") or "",
        "query": query.urlencode(),
    })  # fmt: skip


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    if not on_portal():
        raise Http404
    resource = resources_catalogue().filter(pk=pk).first()
    if resource is None or not resource.photo:
        raise Http404
    try:
        response = FileResponse(resource.photo.open("rb"))
    except FileNotFoundError as error:
        raise Http404 from error
    response["Cache-Control"] = "public, max-age=300"
    return response
