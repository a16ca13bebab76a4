"""The library on the union's site: the catalogue search, a book's page with availability and
"reserve", "my loans" with renew; and nothing of one union through another's host."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.library.models import Loan, Reservation
from tenants.library.services import loan_create
from tests.library.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_catalogue_finds_books_by_title_author_and_isbn(union_a, client_for, shelf):
    client = client_for(union_a)
    page = client.get("/library/").content.decode()
    assert "活着" in page and "三体" in page
    assert "三体" not in client.get("/library/?q=余华").content.decode()
    assert "活着" in client.get("/library/?q=余华").content.decode()
    by_isbn10 = client.get("/library/?q=7-5366-9293-5").content.decode()
    assert "三体" in by_isbn10 and "活着" not in by_isbn10
    assert "活着" not in client.get("/library/?q=不存在的书").content.decode()
    assert client.get("/library/?category=Z&page=x").status_code == 200


def test_a_member_reserves_a_book_that_is_out_and_renews_a_loan(union_a, client_for, people, shelf):
    worker_account, worker = people["worker"]
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["santi1"], member=people["other"][1], by=people["librarian"][1])
        mine = loan_create(copy=shelf["huozhe1"], member=worker, by=people["librarian"][1])
    client = signed_in(client_for(union_a), worker_account)
    # 活着 has a copy on the shelf: no reserve button
    page = client.get(f"/library/books/{shelf['huozhe'].pk}/").content.decode()
    assert "1号书架第2层" in page and 'id="reserve"' not in page
    # 三体 is out: reserve it
    page = client.get(f"/library/books/{shelf['santi'].pk}/").content.decode()
    assert "978-7-5366-9293-0" in page and 'id="reserve"' in page
    response = client.post(f"/library/books/{shelf['santi'].pk}/")
    assert response.status_code == 302
    with tenant_context(union_a):
        assert Reservation.objects.get().member == worker
    # Twice: a clear message, nothing more
    response = client.post(f"/library/books/{shelf['santi'].pk}/")
    assert response.status_code == 409
    with tenant_context(union_a):
        assert Reservation.objects.count() == 1
    # My loans: the due date, renew
    page = client.get("/my/library/").content.decode()
    assert "活着" in page and mine.due_on.strftime("%Y-%m-%d") in page and "三体" in page
    assert client.post("/my/library/", {"action": "renew", "loan": mine.pk}).status_code == 302
    with tenant_context(union_a):
        assert Loan.objects.get(pk=mine.pk).renewals == 1
    # Someone else's loan is not found
    assert client.post("/my/library/", {"action": "renew", "loan": loan.pk}).status_code == 404
    with tenant_context(union_a):
        assert Loan.objects.get(pk=loan.pk).renewals == 0


def test_visitors_are_asked_to_sign_in(union_a, client_for, shelf):
    client = client_for(union_a)
    assert client.get("/my/library/").status_code == 302
    assert client.post(f"/library/books/{shelf['santi'].pk}/").status_code == 302
    with tenant_context(union_a):
        assert not Reservation.objects.exists()


def test_another_unions_host_shows_nothing_of_this_unions_library(
    union_a, union_b, client_for, people, shelf
):
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["huozhe1"], member=people["worker"][1], by=people["librarian"][1])
    client = client_for(union_b)
    assert "活着" not in client.get("/library/").content.decode()
    assert client.get(f"/library/books/{shelf['huozhe'].pk}/").status_code == 404
    assert client.post(f"/library/books/{shelf['santi'].pk}/").status_code == 302  # sign in first
    from tests.factories import make_person

    account_b, _user_b = make_person(union_b, "member", name="恒通职工")
    signed_in(client, account_b)
    assert client.post(f"/library/books/{shelf['santi'].pk}/").status_code == 404
    assert client.post("/my/library/", {"action": "renew", "loan": loan.pk}).status_code == 404
    assert "活着" not in client.get("/my/library/").content.decode()
    with tenant_context(union_a):
        assert Loan.objects.get(pk=loan.pk).renewals == 0 and not Reservation.objects.exists()


def test_the_home_page_leads_to_the_library(union_a, client_for):
    page = client_for(union_a).get("/").content.decode()
    assert 'action="/library/"' in page
