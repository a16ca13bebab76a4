"""The workers' library on the union's site (phone first): the catalogue with search, a book's
page with availability and "reserve", and the member's own loans (renew) and reservations
under /my/library/. Thin: selectors and services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .models import Book, BookCopy, LibraryClass, Loan, Reservation
from .selectors import (
    books_popular,
    books_search,
    books_with_availability,
    loans_of,
    reservation_queue_position,
    reservations_of,
)
from .services import loan_renew, reservation_cancel, reservation_create


def _login_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"


class CatalogueView(View):
    """GET: search the catalogue by title, author or ISBN; the popular books of the year."""

    template_name = "library/catalogue.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        q = request.GET.get("q", "").strip()[:100]
        category = request.GET.get("category", "")
        if category not in LibraryClass.values:
            category = ""
        page = Paginator(books_search(q=q, category=category), 20).get_page(request.GET.get("page"))
        return TemplateResponse(request, self.template_name, {
            "q": q, "category": category, "categories": LibraryClass.choices, "page": page,
            "popular": books_popular(limit=5) if not (q or category) else [],
            "searched": bool(q or category),
        })  # fmt: skip


@method_decorator(never_cache, name="dispatch")
class BookView(View):
    """GET: a title, its copies on the shelf; POST: reserve it (signed-in members)."""

    template_name = "library/book.html"

    def _render(self, request: HttpRequest, book: Book, status: int = 200) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        mine = None
        on_loan = None
        if user is not None:
            mine = Reservation.objects.filter(book=book, member=user, status__in=Reservation.ACTIVE).first()
            on_loan = Loan.objects.filter(copy__book=book, member=user, returned_at__isnull=True).first()
        copies = list(book.copies.exclude(status__in=[BookCopy.Status.LOST, BookCopy.Status.WITHDRAWN]))
        return TemplateResponse(request, self.template_name, {
            "book": book, "copies": copies,
            "available": [c for c in copies if c.status == BookCopy.Status.AVAILABLE],
            "mine": mine, "position": reservation_queue_position(mine) if mine and mine.status == "waiting" else None,
            "on_loan": on_loan, "is_member": is_member(user),
            "login_url": _login_url(request.path),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, get_object_or_404(books_with_availability(), pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        book = get_object_or_404(Book, pk=pk)
        try:
            reservation_create(book=book, member=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return self._render(
                request,
                books_with_availability().get(pk=pk),
                status=error.status if error.status < 500 else 400,
            )
        messages.success(request, _("Reserved. We will tell you as soon as a copy is back for you."))
        return redirect("library:book", book.pk)


@method_decorator(never_cache, name="dispatch")
class MyLibraryView(View):
    """A member's loans (due dates, renew), reservations (cancel) and what they returned."""

    template_name = "library/my.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        loans = list(loans_of(request.user)[:50])
        today = timezone.localdate()
        return TemplateResponse(request, self.template_name, {
            "open_loans": [loan for loan in loans if loan.returned_at is None],
            "returned": [loan for loan in loans if loan.returned_at is not None][:10],
            "reservations": [r for r in reservations_of(request.user)[:20] if r.status in Reservation.ACTIVE],
            "today": today,
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        try:
            if request.POST.get("action") == "cancel":
                reservation = get_object_or_404(
                    Reservation, pk=request.POST.get("reservation") or 0, member=request.user
                )
                reservation_cancel(reservation=reservation, by=request.user)
                messages.success(request, _("Your reservation is cancelled."))
            else:
                loan = get_object_or_404(Loan, pk=request.POST.get("loan") or 0, member=request.user)
                loan = loan_renew(loan=loan, by=request.user)
                messages.success(request, _("Renewed: now due %(due)s.") % {"due": f"{loan.due_on:%Y-%m-%d}"})
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect("my_library:index")
