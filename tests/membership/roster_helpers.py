"""Helpers of the roster tests: workbooks built in memory, staff clients, API clients."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, make_person

HEADER = ["姓名", "手机号码", "性别", "部门/车间", "入会日期", "会员证号"]


def workbook(rows: list[list], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(rows: list[list], header: list[str] | None = None, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook(rows, header))


def staff_client(client_for, union, *roles: str, name: str = "张主席") -> Client:
    account, _user = make_person(union, *roles, name=name)
    client = client_for(union)
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


def api_client(client_for, union, *roles: str, name: str = "李干事") -> Client:
    _account, user = make_person(union, *roles, name=name)
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")
