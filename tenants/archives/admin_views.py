"""档案管理 in a union's Wagtail admin: the items (filtered by category, year, kind and access,
selected for a ZIP), filing an item with its files, one item (edit, add or remove a file,
remove the item), the due list of retention reviews, the yearly catalogue in Excel, held
activities whose summaries can be archived, and the person's ZIP downloads.

Thin: every change goes through ``services``; ids are looked up in this union's schema only,
and an item the person may not read is a 404.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet

from tenants.activities.models import Activity
from workershome.admin_views import form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError
from workershome.tenancy import current_schema
from workershome.views import file_response

from . import services
from .exports import catalogue_workbook
from .forms import BundleForm, CatalogueForm, FileAddForm, ItemCreateForm, ItemDetailsForm
from .models import AccessLevel, ArchiveBundle, ArchiveCategory, ArchiveItem, ArchiveKind
from .permissions import archive_policy, is_chairman, items_readable_by
from .selectors import bundles_of, item_for, items_due_for_review, items_for, year_coverage, years_on_file

HEADER_ICON = "folder-open-inverse"


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return TemplateResponse(
        request, f"archives/admin/{template}", {"header_icon": HEADER_ICON, **context}, status=status
    )


def _item_or_404(request: HttpRequest, pk) -> ArchiveItem:
    item = item_for(request.user, pk)
    if item is None:
        raise Http404
    return item


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1949 <= year <= 9999 else None


class ItemIndexView(View):
    """The items, filtered; tick some (or choose a category and year) to download them as a ZIP."""

    def _render(self, request, bundle_form=None, status=200) -> HttpResponse:
        params = request.GET
        category = params.get("category", "") if params.get("category", "") in ArchiveCategory.values else ""
        kind = params.get("kind", "") if params.get("kind", "") in ArchiveKind.values else ""
        access = params.get("access", "") if params.get("access", "") in AccessLevel.values else ""
        year = _year(params.get("year"))
        items = items_for(
            request.user, category=category, year=year, kind=kind, access=access, query=params.get("q", "")
        )
        return _render(request, "index.html", {
            "page_title": _("Archives"), "items": items[:500], "total": items.count(),
            "categories": ArchiveCategory.choices, "kinds": ArchiveKind.choices, "levels": AccessLevel.choices,
            "years": years_on_file(request.user), "filters": {"category": category, "kind": kind, "access": access,
            "year": year, "q": params.get("q", "")},
            "bundle_form": bundle_form or BundleForm(initial={"year": year or timezone.localdate().year,
                                                               "category": category}),
            "can_add": archive_policy.user_has_permission(request.user, "add"),
            "due": items_due_for_review().filter(pk__in=items_readable_by(request.user).values("pk")).count(),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(archive_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        """Ask for a ZIP of the ticked items, or of a category and year."""
        policy_require(archive_policy, request, "view")
        ids = request.POST.getlist("item")
        form = BundleForm(request.POST)
        try:
            if ids:
                bundle = services.archive_bundle_request(by=request.user, item_ids=ids)
            elif form.is_valid():
                bundle = services.archive_bundle_request(
                    by=request.user, category=form.cleaned_data["category"], year=form.cleaned_data["year"]
                )
            else:
                return self._render(request, form, status=400)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        bundle.refresh_from_db()
        if bundle.status == ArchiveBundle.Status.READY:
            messages.success(request, _("Your download is ready."))
        else:
            messages.success(
                request, _("Your download is being prepared: you will be notified when it is ready.")
            )
        return redirect("archives_admin:downloads")


class ItemCreateView(View):
    def _render(self, request, form, status=200) -> HttpResponse:
        return _render(request, "form.html", {
            "page_title": _("File an item"), "form": form, "multipart": True, "submit": _("File it"),
            "cancel_url": reverse("archives_admin:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(archive_policy, request, "add")
        initial: dict[str, object] = {"date": timezone.localdate()}
        if request.GET.get("category") in ArchiveCategory.values:
            initial["category"] = request.GET["category"]
        return self._render(request, ItemCreateForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(archive_policy, request, "add")
        form = ItemCreateForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            item = services.archive_item_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Filed as %(number)s.") % {"number": item.number})
        return redirect("archives_admin:detail", item.pk)


class ItemDetailView(View):
    """One item: its details and files; add or remove a file; remove the item (chairman)."""

    def _render(self, request, item, file_form=None, status=200) -> HttpResponse:
        return _render(request, "detail.html", {
            "page_title": f"{item.number} {item.title}", "item": item, "files": list(item.files.all()),
            "file_form": file_form or FileAddForm(),
            "can_change": archive_policy.user_has_permission(request.user, "change"),
            "can_delete": is_chairman(request.user) and archive_policy.user_has_permission(request.user, "delete"),
            "index_url": reverse("archives_admin:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(archive_policy, request, "view")
        return self._render(request, _item_or_404(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(archive_policy, request, "change")
        item = _item_or_404(request, pk)
        action = request.POST.get("action")
        form = FileAddForm(request.POST, request.FILES)
        try:
            if action == "delete":
                services.archive_item_delete(item=item, by=request.user)
                messages.success(request, _("Item %(number)s removed; its number is not given again.") % {
                    "number": item.number})  # fmt: skip
                return redirect("archives_admin:index")
            if action == "remove_file":
                archive_file = item.files.filter(pk=_id(request.POST.get("file"))).first()
                if archive_file is None:
                    raise Http404
                services.archive_file_remove(archive_file=archive_file, by=request.user)
                messages.success(request, _("File removed."))
                return redirect("archives_admin:detail", item.pk)
            if not form.is_valid():
                return self._render(request, item, form, status=400)
            services.archive_file_add(item=item, upload=form.cleaned_data["upload"], by=request.user)
        except ServiceError as error:
            if error.status == 404:
                raise Http404 from error
            form_error_add(form, error)
            return self._render(request, item, form, status=400)
        messages.success(request, _("File added."))
        return redirect("archives_admin:detail", item.pk)


def _id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


class ItemEditView(View):
    def _render(self, request, item, form, status=200) -> HttpResponse:
        return _render(request, "form.html", {
            "page_title": _("Edit %(number)s") % {"number": item.number}, "form": form, "submit": _("Save"),
            "cancel_url": reverse("archives_admin:detail", args=[item.pk]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(archive_policy, request, "change")
        item = _item_or_404(request, pk)
        initial = {
            f: getattr(item, f) for f in ("title", "kind", "date", "retention", "access", "description")
        }
        return self._render(request, item, ItemDetailsForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(archive_policy, request, "change")
        item = _item_or_404(request, pk)
        form = ItemDetailsForm(request.POST)
        if not form.is_valid():
            return self._render(request, item, form, status=400)
        try:
            services.archive_item_update(item=item, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, item, form, status=400)
        messages.success(request, _("Item saved."))
        return redirect("archives_admin:detail", item.pk)


def file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse | FileResponse:
    from .views import archive_file_serve

    policy_require(archive_policy, request, "view")
    item = _item_or_404(request, pk)
    archive_file = item.files.filter(pk=_id(file_id)).first()
    if archive_file is None:
        raise Http404
    return archive_file_serve(request, archive_file)


def due_list(request: HttpRequest) -> HttpResponse:
    """Items whose retention period has ended (or ends within 90 days): review them (鉴定)."""
    policy_require(archive_policy, request, "view")
    readable = items_readable_by(request.user).values("pk")
    items = items_due_for_review(within_days=90).filter(pk__in=readable)
    return _render(request, "due.html", {
        "page_title": _("Due for retention review"), "items": items, "today": timezone.localdate(),
    })  # fmt: skip


def catalogue(request: HttpRequest) -> HttpResponse:
    """The yearly catalogue (年度归档目录): coverage by category, and the Excel export."""
    policy_require(archive_policy, request, "view")
    form = CatalogueForm(request.GET or None, initial={"year": timezone.localdate().year})
    if request.GET.get("export") and form.is_valid():
        year = form.cleaned_data["year"]
        items = items_for(request.user, year=year)
        title = _("%(union)s archive catalogue %(year)s") % {"union": services.fonds_prefix(), "year": year}
        response = HttpResponse(
            catalogue_workbook(items=items, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="archive-catalogue-{year}.xlsx"'
        return response
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else timezone.localdate().year
    return _render(request, "catalogue.html", {
        "page_title": _("Yearly catalogue"), "form": form, "year": year, "coverage": year_coverage(year=year),
    })  # fmt: skip


class ActivityArchiveView(View):
    """Held activities with a summary, not archived yet: archive each in one click."""

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(archive_policy, request, "add")
        archived = ArchiveItem.objects.filter(activity__isnull=False).values("activity_id")
        activities = (
            Activity.objects.filter(held_at__isnull=False).exclude(summary="").exclude(pk__in=archived)
            .order_by("-starts_at")[:100]
        )  # fmt: skip
        return _render(request, "activities.html", {
            "page_title": _("Archive activity summaries"), "activities": activities,
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(archive_policy, request, "add")
        activity = Activity.objects.filter(pk=_id(request.POST.get("activity"))).first()
        if activity is None:
            raise Http404
        try:
            item = services.activity_summary_archive(activity=activity, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect("archives_admin:activities")
        messages.success(request, _("Filed as %(number)s.") % {"number": item.number})
        return redirect("archives_admin:detail", item.pk)


def downloads(request: HttpRequest) -> HttpResponse:
    policy_require(archive_policy, request, "view")
    return _render(request, "downloads.html", {
        "page_title": _("My archive downloads"), "bundles": bundles_of(request.user)[:50],
    })  # fmt: skip


def download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A ready ZIP, to the person who asked for it only."""
    policy_require(archive_policy, request, "view")
    bundle = bundles_of(request.user).filter(pk=_id(pk), status=ArchiveBundle.Status.READY).first()
    if bundle is None or not bundle.file:
        raise Http404
    target = Path(default_storage.path(bundle.file.name or ""))
    if not target.is_file():
        raise Http404
    filename = f"archives-{bundle.created_at:%Y%m%d}-{bundle.pk}.zip"
    response = file_response(
        target, relative=f"{current_schema()}/{bundle.file.name}", as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


class ArchiveViewSet(ViewSet):
    """The "档案管理" menu of a union's admin."""

    name = "archives_admin"
    url_prefix = "archives"
    icon = HEADER_ICON
    menu_label = gettext_lazy("Archives")
    menu_order = 260
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(archive_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", ItemIndexView.as_view(), name="index"),
            path("new/", ItemCreateView.as_view(), name="add"),
            path("<int:pk>/", ItemDetailView.as_view(), name="detail"),
            path("<int:pk>/edit/", ItemEditView.as_view(), name="edit"),
            path("<int:pk>/files/<int:file_id>/", file_download, name="file"),
            path("due/", due_list, name="due"),
            path("catalogue/", catalogue, name="catalogue"),
            path("activities/", ActivityArchiveView.as_view(), name="activities"),
            path("downloads/", downloads, name="downloads"),
            path("downloads/<int:pk>/", download, name="download"),
        ]
