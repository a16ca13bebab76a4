"""Reads of the workers' library: catalogue search, availability, popular books, a member's
loans and reservations, the overdue list."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from .models import Book, BookCopy, Loan, Reservation

_LENDABLE = Q(copies__status__in=[BookCopy.Status.AVAILABLE, BookCopy.Status.ON_LOAN, BookCopy.Status.HELD])


def isbn_digits(raw: str) -> str | None:
    """``raw`` as an ISBN-13 if it is a valid ISBN-10 or ISBN-13, else ``None``."""
    from stdnum import isbn
    from stdnum.exceptions import ValidationError

    try:
        return isbn.to_isbn13(isbn.validate(raw))
    except ValidationError:
        return None


def books_with_availability(queryset: QuerySet[Book] | None = None) -> QuerySet[Book]:
    """Books with ``copies_total`` (lendable copies) and ``copies_available`` (on the shelf)."""
    queryset = Book.objects.all() if queryset is None else queryset
    return queryset.annotate(
        copies_total=Count("copies", filter=_LENDABLE, distinct=True),
        copies_available=Count("copies", filter=Q(copies__status=BookCopy.Status.AVAILABLE), distinct=True),
    )


def books_search(*, q: str = "", category: str = "") -> QuerySet[Book]:
    """The catalogue, by title, author or ISBN (10 or 13 digits, with or without hyphens)."""
    books = Book.objects.all()
    q = " ".join((q or "").replace("\x00", "").split())[:100]
    if q:
        number = isbn_digits(q)
        if number:
            books = books.filter(isbn=number)
        else:
            books = books.filter(Q(title__icontains=q) | Q(authors__icontains=q) | Q(isbn__startswith=q))
    if category:
        books = books.filter(category=category)
    return books_with_availability(books).order_by("title", "pk")


def books_popular(*, limit: int = 10, now: datetime.datetime | None = None) -> list[Book]:
    """The titles lent most in the last 12 months, with ``loan_count``."""
    since = (now or timezone.now()) - datetime.timedelta(days=365)
    return list(
        Book.objects.annotate(loan_count=Count("copies__loans", filter=Q(copies__loans__lent_at__gte=since)))
        .filter(loan_count__gt=0)
        .order_by("-loan_count", "title")[:limit]
    )


def copy_by_barcode(barcode: str) -> BookCopy | None:
    barcode = (barcode or "").strip()
    if not barcode:
        return None
    return BookCopy.objects.select_related("book").filter(barcode=barcode).first()


def loan_open_of_copy(copy: BookCopy) -> Loan | None:
    return (
        Loan.objects.select_related("member", "copy__book")
        .filter(copy=copy, returned_at__isnull=True)
        .first()
    )


def loans_list() -> QuerySet[Loan]:
    return Loan.objects.select_related("copy__book", "member")


def loans_of(member) -> QuerySet[Loan]:
    """A member's loans, the open ones first (soonest due), then the returned ones."""
    return (
        loans_list().filter(member=member).order_by(F("returned_at").desc(nulls_first=True), "due_on", "-pk")
    )


def loans_overdue(*, today: datetime.date | None = None) -> QuerySet[Loan]:
    return (
        loans_list()
        .filter(returned_at__isnull=True, due_on__lt=today or timezone.localdate())
        .order_by("due_on", "pk")
    )


def reservations_list() -> QuerySet[Reservation]:
    return Reservation.objects.select_related("book", "member", "copy")


def reservations_of(member) -> QuerySet[Reservation]:
    return reservations_list().filter(member=member).order_by("-created_at", "-pk")


def reservations_active() -> QuerySet[Reservation]:
    return (
        reservations_list().filter(status__in=Reservation.ACTIVE).order_by("book__title", "created_at", "pk")
    )


def reservation_queue_position(reservation: Reservation) -> int:
    """1 for the first waiting member of the title, 2 for the next…"""
    return (
        Reservation.objects.filter(book_id=reservation.book_id, status=Reservation.Status.WAITING)
        .filter(
            Q(created_at__lt=reservation.created_at)
            | Q(created_at=reservation.created_at, pk__lt=reservation.pk)
        )
        .count()
        + 1
    )


def member_by_mobile(mobile: str):
    """The active local user of this union whose account has ``mobile``, or ``None``."""
    from accounts.models import Account
    from accounts.validators import normalize_mobile
    from tenants.users.models import User

    number = normalize_mobile(mobile)
    if not number:
        return None
    account = Account.objects.filter(mobile=number).only("pk").first()
    if account is None:
        return None
    return User.objects.filter(account_id=account.pk, is_active=True).first()
