"""Fixtures of the workers' library tests: a union's librarian and members, and a small shelf."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.library.models import Book
from tenants.library.services import book_save, copy_add
from tests.factories import PASSWORD, make_person

# Real titles with their real ISBNs (check digits verified by python-stdnum).
HUOZHE = dict(
    isbn="9787506365437", title="活着", authors="余华", publisher="作家出版社", year=2012, category="I"
)
SANTI = dict(
    isbn="9787536692930", title="三体", authors="刘慈欣", publisher="重庆出版社", year=2008, category="I"
)


@pytest.fixture
def people(union_a):
    """The librarian and two members of union A (accounts and local users)."""
    return {
        "librarian": make_person(union_a, "librarian", "member", name="陈馆员"),
        "worker": make_person(union_a, "member", name="王职工"),
        "other": make_person(union_a, "member", name="赵职工"),
    }


@pytest.fixture
def shelf(union_a, people):
    """《活着》 with two copies and 《三体》 with one, in union A."""
    librarian = people["librarian"][1]
    with tenant_context(union_a):
        huozhe = book_save(book=Book(**HUOZHE), by=librarian)
        santi = book_save(book=Book(**SANTI), by=librarian)
        copies = {
            "huozhe1": copy_add(book=huozhe, barcode="A0001", location="1号书架第2层", by=librarian),
            "huozhe2": copy_add(book=huozhe, barcode="A0002", location="1号书架第2层", by=librarian),
            "santi1": copy_add(book=santi, barcode="A0003", location="2号书架第1层", by=librarian),
        }
    return {"huozhe": huozhe, "santi": santi, **copies}


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


def api(client_for, union, user):
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")
