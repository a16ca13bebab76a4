"""The library in the union's admin: the desk (lend, take back, renew by barcode and mobile),
the catalogue and copies, import, reservations, overdue list and rules; for the librarian,
chairman and officers only, and only in their own union."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.library.models import Book, BookCopy, Loan, Reservation
from tenants.library.services import loan_create, reservation_create
from tests.factories import make_person
from tests.library.conftest import signed_in
from tests.library.test_import import ROWS, workbook_upload

pytestmark = pytest.mark.django_db

PAGES = (
    "/admin/library/desk/", "/admin/library/books/", "/admin/library/books/new/", "/admin/library/import/",
    "/admin/library/reservations/", "/admin/library/overdue/", "/admin/library/rules/",
)  # fmt: skip


def test_the_librarian_lends_takes_back_and_renews_at_the_desk(union_a, client_for, people, shelf):
    client = signed_in(client_for(union_a), people["librarian"][0])
    worker_account, worker = people["worker"]
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    # Lend
    response = client.post(
        "/admin/library/desk/", {"action": "lend", "barcode": "A0003", "member_mobile": worker_account.mobile}
    )
    assert response.status_code == 302
    # The same copy again: refused on the barcode field, nothing changed
    response = client.post(
        "/admin/library/desk/",
        {"action": "lend", "barcode": "A0003", "member_mobile": people["other"][0].mobile},
    )
    assert response.status_code == 400 and "A0003" in response.content.decode()
    # An unknown barcode and mobile
    response = client.post(
        "/admin/library/desk/", {"action": "lend", "barcode": "NOPE", "member_mobile": "13900000000"}
    )
    assert response.status_code == 400
    with tenant_context(union_a):
        loan = Loan.objects.get()
        assert loan.member == worker
    # Renew, then take back
    assert (
        client.post("/admin/library/desk/", {"action": "renew", "renew-barcode": "A0003"}).status_code == 302
    )
    assert (
        client.post("/admin/library/desk/", {"action": "return", "return-barcode": "A0003"}).status_code
        == 302
    )
    assert (
        client.post("/admin/library/desk/", {"action": "return", "return-barcode": "A0003"}).status_code
        == 400
    )
    with tenant_context(union_a):
        loan.refresh_from_db()
        assert loan.renewals == 1 and loan.returned_at is not None
        assert BookCopy.objects.get(barcode="A0003").status == BookCopy.Status.AVAILABLE


def test_the_catalogue_copies_import_and_lists(union_a, client_for, people, shelf):
    client = signed_in(client_for(union_a), people["librarian"][0])
    # A bad check digit is refused on the field
    book = {
        "isbn": "978-7-5302-1073-3",
        "title": "平凡的世界",
        "authors": "路遥",
        "category": "I",
        "publisher": "",
        "year": "",
    }
    assert client.post("/admin/library/books/new/", book).status_code == 400
    response = client.post("/admin/library/books/new/", {**book, "isbn": "7530212001", "shared": "on"})
    assert response.status_code == 302
    with tenant_context(union_a):
        created = Book.objects.get(isbn="9787530212004")
        assert created.shared
    found = client.get("/admin/library/books/?q=余华").content.decode()
    assert "活着" in found and "三体" not in found
    page = client.get(f"/admin/library/books/{created.pk}/").content.decode()
    assert "978-7-5302-1200-4" in page
    # Copies: add one, a taken barcode is refused; mark one lost
    assert (
        client.post(
            f"/admin/library/books/{created.pk}/", {"action": "copy", "barcode": "P1", "location": "3号书架"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/admin/library/books/{created.pk}/", {"action": "copy", "barcode": "A0001"}).status_code
        == 400
    )
    with tenant_context(union_a):
        copy = BookCopy.objects.get(barcode="P1")
    client.post(
        f"/admin/library/books/{created.pk}/", {"action": "status", "copy": copy.pk, "status": "lost"}
    )
    with tenant_context(union_a):
        assert BookCopy.objects.get(pk=copy.pk).status == BookCopy.Status.LOST
    # A cover that is not an image is refused
    response = client.post(
        f"/admin/library/books/{created.pk}/edit/",
        {**book, "isbn": "9787530212004", "cover_upload": SimpleUploadedFile("cover.png", b"not an image")},
    )
    assert response.status_code == 400
    # Import and the template
    template = client.get("/admin/library/import/template.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).worksheets[0]["A1"].value == "ISBN"
    response = client.post("/admin/library/import/", {"file": workbook_upload(ROWS)})
    assert response.status_code == 200 and "B1001" in response.content.decode()
    assert (
        client.post("/admin/library/import/", {"file": SimpleUploadedFile("x.csv", b"a,b")}).status_code
        == 400
    )
    # The overdue list and reservations
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["santi1"], member=people["worker"][1], by=people["librarian"][1])
        Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=4))
        reservation = reservation_create(book=shelf["santi"], member=people["other"][1])
    assert "三体" in client.get("/admin/library/overdue/").content.decode()
    assert "赵职工" in client.get("/admin/library/reservations/").content.decode()
    assert client.post("/admin/library/reservations/", {"reservation": reservation.pk}).status_code == 302
    with tenant_context(union_a):
        assert Reservation.objects.get(pk=reservation.pk).status == Reservation.Status.CANCELLED
    # Rules
    assert (
        client.post(
            "/admin/library/rules/", {"loan_days": 0, "max_renewals": 1, "hold_days": 3, "max_loans": 5}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/admin/library/rules/", {"loan_days": 14, "max_renewals": 1, "hold_days": 3, "max_loans": 5}
        ).status_code
        == 302
    )


def test_members_and_other_unions_staff_find_nothing(union_a, union_b, client_for, people, shelf):
    member = signed_in(client_for(union_a), people["worker"][0])
    for page in PAGES:
        assert member.get(page).status_code in (302, 403, 404), page
    assert member.post(
        "/admin/library/desk/",
        {"action": "lend", "barcode": "A0001", "member_mobile": people["worker"][0].mobile},
    ).status_code in (302, 403, 404)
    # Union B's librarian, on union B's host: union A's book and copies are not found
    account_b, _ = make_person(union_b, "librarian", name="恒通馆员")
    other = signed_in(client_for(union_b), account_b)
    assert other.get(f"/admin/library/books/{shelf['huozhe'].pk}/").status_code == 404
    assert (
        other.post(
            f"/admin/library/books/{shelf['huozhe'].pk}/", {"action": "copy", "barcode": "X"}
        ).status_code
        == 404
    )
    response = other.post(
        "/admin/library/desk/",
        {"action": "lend", "barcode": "A0001", "member_mobile": people["worker"][0].mobile},
    )
    assert response.status_code == 400
    assert "活着" not in other.get("/admin/library/books/").content.decode()
    with tenant_context(union_a):
        assert not Loan.objects.exists() and BookCopy.objects.count() == 3


def test_a_cover_image_is_kept_and_shown_on_the_book_page(union_a, client_for, people, shelf, media_root):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 84), "#b3261e").save(buffer, format="PNG")
    client = signed_in(client_for(union_a), people["librarian"][0])
    huozhe = shelf["huozhe"]
    form = {
        "isbn": huozhe.isbn,
        "title": "活着",
        "authors": "余华",
        "category": "I",
        "publisher": "作家出版社",
        "year": 2012,
    }
    too_big = SimpleUploadedFile("cover.png", buffer.getvalue() + b"\0" * (2 * 1024 * 1024))
    assert (
        client.post(f"/admin/library/books/{huozhe.pk}/edit/", {**form, "cover_upload": too_big}).status_code
        == 400
    )
    cover = SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")
    assert (
        client.post(f"/admin/library/books/{huozhe.pk}/edit/", {**form, "cover_upload": cover}).status_code
        == 302
    )
    with tenant_context(union_a):
        book = Book.objects.get(pk=huozhe.pk)
        assert book.cover.name.startswith("library/covers/")
    assert book.cover.url in client_for(union_a).get(f"/library/books/{huozhe.pk}/").content.decode()
