"""The workers' library (职工书屋) in a union's Wagtail admin: the lending desk (lend, take back,
renew by barcode and the member's mobile), the catalogue with its copies, import from Excel,
reservations, the overdue list and the lending rules.

Thin: reads from ``selectors``, every change through ``services``; ids are looked up in this
union's schema only, so another union's record is simply not found.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .excel import catalogue_import, catalogue_template
from .forms import BarcodeForm, BookForm, CopyForm, CopyStatusForm, ImportForm, LendForm, RulesForm
from .models import Book, BookCopy, LibrarySettings, Loan, Reservation
from .permissions import book_policy, loan_policy, reservation_policy, settings_policy
from .selectors import (
    books_with_availability,
    copy_by_barcode,
    loan_open_of_copy,
    loans_list,
    loans_overdue,
    member_by_mobile,
    reservations_active,
)
from .services import (
    book_save,
    book_share,
    copy_add,
    copy_status_set,
    library_settings_save,
    loan_create,
    loan_renew,
    loan_return,
    reservation_cancel,
)

COPY_STATUS_CHOICES = [
    (status, status.label)
    for status in (BookCopy.Status.AVAILABLE, BookCopy.Status.LOST, BookCopy.Status.WITHDRAWN)
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- The lending desk -----------------------------------------------------------------------------


class DeskView(View):
    """Lend (barcode + member's mobile), take back and renew (barcode); today's movements below."""

    template_name = "library/admin/desk.html"
    url_name = ""

    def _render(self, request, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        today = timezone.localdate()
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Lending desk"), "header_icon": "openquote",
            "lend_form": forms.get("lend") or LendForm(), "return_form": forms.get("return") or BarcodeForm(
                prefix="return"),
            "renew_form": forms.get("renew") or BarcodeForm(prefix="renew"),
            "lent_today": loans_list().filter(lent_at__gte=start).order_by("-lent_at")[:20],
            "returned_today": loans_list().filter(returned_at__gte=start).order_by("-returned_at")[:20],
            "rules": LibrarySettings.current(),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(loan_policy, request, "add")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(loan_policy, request, "add")
        action = request.POST.get("action")
        if action == "lend":
            return self._lend(request)
        key = "return" if action == "return" else "renew"
        form = BarcodeForm(request.POST, prefix=key)
        if not form.is_valid():
            return self._render(request, {key: form}, status=400)
        copy = copy_by_barcode(form.cleaned_data["barcode"])
        loan = loan_open_of_copy(copy) if copy else None
        if copy is None:
            form.add_error("barcode", _("No copy has this barcode."))
        elif loan is None:
            form.add_error("barcode", _("This copy is not on loan."))
        if copy is None or loan is None or not form.is_valid():
            return self._render(request, {key: form}, status=400)
        try:
            if key == "return":
                loan_return(loan=loan, by=request.user)
            else:
                loan = loan_renew(loan=loan, by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, {key: form}, status=400)
        if key == "return":
            copy.refresh_from_db()
            if copy.status == BookCopy.Status.HELD:
                messages.warning(
                    request,
                    _(
                        "《%(title)s》 is returned. Put it on the hold shelf: it is reserved, and the member has been told."
                    )
                    % {"title": copy.book.title},
                )
            else:
                messages.success(request, _("《%(title)s》 is returned.") % {"title": copy.book.title})
        else:
            messages.success(request, _("Renewed: now due %(due)s.") % {"due": f"{loan.due_on:%Y-%m-%d}"})
        return redirect(self.url_name)

    def _lend(self, request: HttpRequest) -> HttpResponse:
        form = LendForm(request.POST)
        if not form.is_valid():
            return self._render(request, {"lend": form}, status=400)
        copy = copy_by_barcode(form.cleaned_data["barcode"])
        member = member_by_mobile(form.cleaned_data["member_mobile"])
        if copy is None:
            form.add_error("barcode", _("No copy has this barcode."))
        if member is None:
            form.add_error("member_mobile", _("No member of this union has this mobile number."))
        if copy is None or member is None:
            return self._render(request, {"lend": form}, status=400)
        try:
            loan = loan_create(copy=copy, member=member, by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, {"lend": form}, status=400)
        messages.success(
            request,
            _("《%(title)s》 lent to %(name)s, due %(due)s.")
            % {"title": copy.book.title, "name": member.get_full_name(), "due": f"{loan.due_on:%Y-%m-%d}"},
        )
        return redirect(self.url_name)


class DeskViewSet(ViewSet):
    name = "library_desk"
    url_prefix = "library/desk"
    icon = "openquote"
    menu_label = gettext_lazy("Lending desk")
    menu_item_class = policy_menu_item(loan_policy, "add")

    def get_urlpatterns(self):
        return [path("", self.construct_view(DeskView, url_name=self.get_url_name("index")), name="index")]


# --- The catalogue --------------------------------------------------------------------------------


class BookIndexView(generic.IndexView):
    model = Book
    permission_policy = book_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Catalogue")
    header_icon = "doc-full"
    default_ordering = "title"
    search_fields = ["title", "authors", "isbn", "publisher"]
    search_backend_name = None
    paginate_by = 50
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.detail_url_name),
            Column("authors", label=_("Authors")),
            Column("isbn", label="ISBN"),
            Column("category", label=_("Class")),
            Column("copies", label=_("Copies (on the shelf)"),
                   accessor=lambda b: f"{b.copies_total}（{b.copies_available}）"),
            BooleanColumn("shared", label=_("Shared")),
        ]  # fmt: skip

    def get_base_queryset(self):
        return books_with_availability()


class BookFormView(View):
    """Add a title (no pk) or change it."""

    template_name = "library/admin/book_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, book, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "book": book, "header_icon": "doc-full",
            "page_title": _("Change the book") if book.pk else _("Add a book"),
            "cancel_url": reverse(self.detail_url_name, args=[book.pk]) if book.pk else reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(book_policy, request, "change" if pk else "add")
        book = get_object_or_404(Book, pk=pk) if pk else Book()
        return self._render(request, BookForm(instance=book), book)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(book_policy, request, "change" if pk else "add")
        book = get_object_or_404(Book, pk=pk) if pk else Book()
        form = BookForm(request.POST, request.FILES, instance=book)
        if not form.is_valid():
            return self._render(request, form, book, status=400)
        try:
            book = book_save(
                book=form.save(commit=False), by=request.user, cover=form.cleaned_data["cover_upload"]
            )
        except ServiceError as error:
            if error.field == "cover":
                form.add_error("cover_upload", str(error.message))
            else:
                form_error_add(form, error)
            return self._render(request, form, book, status=400)
        messages.success(request, _("Book saved."))
        return redirect(self.detail_url_name, book.pk)


class BookDetailView(View):
    """A title: its copies (add one, mark lost or withdrawn), sharing, loans and reservations."""

    template_name = "library/admin/book_detail.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""

    def _render(self, request, book, copy_form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "book": book, "page_title": f"《{book.title}》", "header_icon": "doc-full",
            "copies": book.copies.all(), "copy_form": copy_form or CopyForm(),
            "status_choices": COPY_STATUS_CHOICES,
            "loans": loans_list().filter(copy__book=book)[:20],
            "reservations": reservations_active().filter(book=book),
            "can_change": book_policy.user_has_permission(request.user, "change"),
            "index_url": reverse(self.index_url_name), "edit_url": reverse(self.edit_url_name, args=[book.pk]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(book_policy, request, "view")
        return self._render(request, get_object_or_404(Book, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(book_policy, request, "change")
        book = get_object_or_404(Book, pk=pk)
        action = request.POST.get("action")
        try:
            if action == "share":
                book_share(book=book, shared=request.POST.get("shared") == "1", by=request.user)
                messages.success(request, _("Sharing with sister unions saved."))
            elif action == "status":
                status_form = CopyStatusForm(request.POST)
                if not status_form.is_valid():
                    messages.error(request, _("Choose on the shelf, lost or withdrawn."))
                    return redirect(self.detail_url_name, book.pk)
                copy = get_object_or_404(BookCopy, book=book, pk=status_form.cleaned_data["copy"])
                copy_status_set(copy=copy, status=status_form.cleaned_data["status"], by=request.user)
                messages.success(request, _("Copy %(barcode)s saved.") % {"barcode": copy.barcode})
            else:
                form = CopyForm(request.POST)
                if not form.is_valid():
                    return self._render(request, book, form, status=400)
                try:
                    copy_add(book=book, by=request.user, **form.cleaned_data)
                except ServiceError as error:
                    form_error_add(form, error)
                    return self._render(request, book, form, status=400)
                messages.success(request, _("Copy added."))
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect(self.detail_url_name, book.pk)


class BookViewSet(RecordViewSet):
    name = "library_books"
    url_prefix = "library/books"
    icon = "doc-full"
    menu_label = gettext_lazy("Catalogue")
    menu_item_class = policy_menu_item(book_policy, "view")

    index_view_class = BookIndexView
    create_view_class = BookFormView
    detail_view_class = BookDetailView
    edit_view_class = BookFormView


# --- Import from Excel ----------------------------------------------------------------------------


class ImportView(View):
    """Upload the filled-in template; the report says, row by row, what was saved and why not."""

    template_name = "library/admin/import.html"
    template_url_name = ""

    def _render(self, request, form, report=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Import the catalogue from Excel"), "header_icon": "upload", "form": form,
            "report": report, "template_url": reverse(self.template_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(book_policy, request, "add")
        return self._render(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(book_policy, request, "add")
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            report = catalogue_import(upload=form.cleaned_data["file"], by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        return self._render(request, ImportForm(), report)


class TemplateDownloadView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(book_policy, request, "add")
        response = HttpResponse(catalogue_template(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="library-catalogue-template.xlsx"'
        return response


class ImportViewSet(ViewSet):
    name = "library_import"
    url_prefix = "library/import"
    icon = "upload"
    menu_label = gettext_lazy("Import from Excel")
    menu_item_class = policy_menu_item(book_policy, "add")

    def get_urlpatterns(self):
        return [
            path(
                "",
                self.construct_view(ImportView, template_url_name=self.get_url_name("template")),
                name="index",
            ),
            path("template.xlsx", TemplateDownloadView.as_view(), name="template"),
        ]


# --- Reservations and the overdue list -------------------------------------------------------------


class ReservationListView(View):
    template_name = "library/admin/reservations.html"
    url_name = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(reservation_policy, request, "view")
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Reservations"), "header_icon": "time",
            "reservations": reservations_active(),
            "can_change": reservation_policy.user_has_permission(request.user, "change"),
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(reservation_policy, request, "change")
        reservation = get_object_or_404(Reservation, pk=request.POST.get("reservation") or 0)
        try:
            reservation_cancel(reservation=reservation, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The reservation is cancelled."))
        return redirect(self.url_name)


class ReservationViewSet(ViewSet):
    name = "library_reservations"
    url_prefix = "library/reservations"
    icon = "time"
    menu_label = gettext_lazy("Reservations")
    menu_item_class = policy_menu_item(reservation_policy, "view")

    def get_urlpatterns(self):
        return [
            path(
                "",
                self.construct_view(ReservationListView, url_name=self.get_url_name("index")),
                name="index",
            )
        ]


class OverdueListView(View):
    template_name = "library/admin/overdue.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(loan_policy, request, "view")
        today = timezone.localdate()
        loans: list[Loan] = list(loans_overdue(today=today))
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Overdue books"), "header_icon": "warning",
            "rows": [(loan, loan.days_overdue(today)) for loan in loans],
        })  # fmt: skip


class OverdueViewSet(ViewSet):
    name = "library_overdue"
    url_prefix = "library/overdue"
    icon = "warning"
    menu_label = gettext_lazy("Overdue books")
    menu_item_class = policy_menu_item(loan_policy, "view")

    def get_urlpatterns(self):
        return [path("", OverdueListView.as_view(), name="index")]


class RulesView(View):
    template_name = "library/admin/rules.html"
    url_name = ""

    def _render(self, request, form, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Lending rules"), "header_icon": "cog", "form": form,
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(settings_policy, request, "change")
        return self._render(request, RulesForm(instance=LibrarySettings.current()))

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(settings_policy, request, "change")
        form = RulesForm(request.POST, instance=LibrarySettings.current())
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            library_settings_save(rules=form.save(commit=False), by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Lending rules saved."))
        return redirect(self.url_name)


class RulesViewSet(ViewSet):
    name = "library_rules"
    url_prefix = "library/rules"
    icon = "cog"
    menu_label = gettext_lazy("Lending rules")
    menu_item_class = policy_menu_item(settings_policy, "change")

    def get_urlpatterns(self):
        return [path("", self.construct_view(RulesView, url_name=self.get_url_name("index")), name="index")]


class LibraryViewSetGroup(ViewSetGroup):
    """The "Workers' library" menu of a union's admin."""

    items = (DeskViewSet, BookViewSet, ImportViewSet, ReservationViewSet, OverdueViewSet, RulesViewSet)
    menu_label = gettext_lazy("Workers' library")
    menu_icon = "openquote"
    menu_order = 270
