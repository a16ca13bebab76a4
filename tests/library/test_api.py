"""The library API: the catalogue, reserve, my loans and renew for members; the desk for
librarians (lend, a copy already on loan is a 409, take back); nothing across unions."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.library.models import Loan, Reservation
from tenants.library.services import loan_create
from tests.factories import make_person
from tests.library.conftest import api

pytestmark = pytest.mark.django_db


def test_a_member_searches_reserves_and_renews(union_a, client_for, people, shelf):
    with tenant_context(union_a):
        loan_create(copy=shelf["santi1"], member=people["other"][1], by=people["librarian"][1])
        mine = loan_create(copy=shelf["huozhe1"], member=people["worker"][1], by=people["librarian"][1])
    client = api(client_for, union_a, people["worker"][1])
    books = client.get("/api/v1/library/books/?q=刘慈欣").json()["results"]
    assert [(b["title"], b["copies_total"], b["copies_available"]) for b in books] == [("三体", 1, 0)]
    assert client.get("/api/v1/library/books/popular/").json()[0]["loan_count"] == 1
    response = client.post(f"/api/v1/library/books/{shelf['santi'].pk}/reserve/")
    assert response.status_code == 201 and response.json()["status"] == "waiting"
    again = client.post(f"/api/v1/library/books/{shelf['santi'].pk}/reserve/")
    assert (
        again.status_code == 409 and again.json()["code"] == "reservation_twice" and again.json()["message"]
    )
    loans = client.get("/api/v1/library/my-loans/").json()["results"]
    assert [loan["id"] for loan in loans] == [mine.pk]
    assert client.post(f"/api/v1/library/my-loans/{mine.pk}/renew/").json()["renewals"] == 1
    reservations = client.get("/api/v1/library/my-reservations/").json()["results"]
    cancelled = client.post(f"/api/v1/library/my-reservations/{reservations[0]['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    # The desk is not for members
    assert client.get("/api/v1/library/desk/loans/").status_code == 403


def test_the_desk_lends_refuses_a_copy_on_loan_and_takes_back(union_a, client_for, people, shelf):
    client = api(client_for, union_a, people["librarian"][1])
    lend = {"barcode": "A0001", "member_mobile": people["worker"][0].mobile}
    response = client.post("/api/v1/library/desk/loans/", lend, content_type="application/json")
    assert response.status_code == 201, response.json()
    loan = response.json()
    again = client.post(
        "/api/v1/library/desk/loans/", {**lend, "member_mobile": people["other"][0].mobile},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "copy_on_loan"
    bad = client.post("/api/v1/library/desk/loans/", {"barcode": "A0002"}, content_type="application/json")
    assert bad.status_code == 400 and "member_mobile" in bad.json()["fields"]
    assert client.get("/api/v1/library/desk/loans/?open=1").json()["results"][0]["id"] == loan["id"]
    returned = client.post(f"/api/v1/library/desk/loans/{loan['id']}/return/")
    assert returned.status_code == 200 and returned.json()["returned_at"]
    with tenant_context(union_a):
        assert Loan.objects.count() == 1


def test_another_unions_token_sees_and_changes_nothing(union_a, union_b, client_for, people, shelf):
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["huozhe1"], member=people["worker"][1], by=people["librarian"][1])
    librarian_b = make_person(union_b, "librarian", name="恒通馆员")[1]
    client = api(client_for, union_b, librarian_b)
    assert client.get("/api/v1/library/books/").json()["results"] == []
    assert client.get(f"/api/v1/library/books/{shelf['huozhe'].pk}/").status_code == 404
    assert client.post(f"/api/v1/library/books/{shelf['santi'].pk}/reserve/").status_code == 404
    assert client.get("/api/v1/library/desk/loans/").json()["results"] == []
    assert client.post(f"/api/v1/library/desk/loans/{loan.pk}/return/").status_code == 404
    assert client.post(f"/api/v1/library/desk/loans/{loan.pk}/renew/").status_code == 404
    lend = client.post(
        "/api/v1/library/desk/loans/", {"barcode": "A0002", "member_mobile": people["worker"][0].mobile},
        content_type="application/json",
    )  # fmt: skip
    assert lend.status_code == 404
    with tenant_context(union_a):
        loan.refresh_from_db()
        assert loan.returned_at is None and loan.renewals == 0
        assert Loan.objects.count() == 1 and not Reservation.objects.exists()
