"""The library's demo content: real books with valid ISBNs, copies, loans (two overdue) and a
reservation; running it again adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from stdnum import isbn

from tenants.library.demo import BOOKS, demo_fill
from tenants.library.models import Book, BookCopy, Loan, Reservation
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_every_demo_isbn_has_a_valid_check_digit():
    assert all(isbn.is_valid(row[0]) and len(row[0]) == 13 for row in BOOKS)


def test_the_demo_fills_the_library_once(union_a):
    make_person(union_a, "librarian", name="陈馆员")
    for n in range(4):
        make_person(union_a, "member", name=f"职工{n}")
    with tenant_context(union_a):
        demo_fill(spec=None, index=3)
        counts = (
            Book.objects.count(),
            BookCopy.objects.count(),
            Loan.objects.count(),
            Reservation.objects.count(),
        )
        assert counts == (len(BOOKS), sum(row[6] for row in BOOKS), 9, 1)
        assert Loan.objects.filter(returned_at__isnull=True, due_on__lt=timezone.localdate()).count() == 2
        demo_fill(spec=None, index=3)
        assert (
            Book.objects.count(),
            BookCopy.objects.count(),
            Loan.objects.count(),
            Reservation.objects.count(),
        ) == counts
