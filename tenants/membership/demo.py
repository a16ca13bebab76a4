"""Demo content of the roster: a few dozen members per union with Chinese names, departments of
the union's industry, join dates and member card numbers, imported the way an officer would —
an Excel workbook through ``roster_import`` — so re-running saves nothing twice.

The union's officers and demo members (who have accounts) are on it and linked; the rest are
members without an account yet, as on any real roster.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from .models import Member
from .roster import COLUMNS
from .services import roster_import

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

ROSTER_SIZE = 40
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "manufacturing": (
        "生产部一车间",
        "生产部二车间",
        "装配车间",
        "质量部",
        "设备部",
        "仓储物流部",
        "行政人事部",
    ),
    "it": ("研发一部", "研发二部", "测试部", "产品部", "运维部", "市场部", "行政人事部"),
    "hospitality": ("前厅部", "客房部", "餐饮部", "厨房", "工程部", "保安部", "行政人事部"),
    "retail": ("生鲜部", "食品部", "百货部", "收银部", "配送中心", "防损部", "行政人事部"),
    "logistics": ("调度中心", "运输一队", "运输二队", "分拣中心", "车辆维修部", "客服部", "行政人事部"),
    "health": ("康复科", "护理部", "门诊部", "药剂科", "检验科", "后勤保障部", "行政人事部"),
    "education": ("语文教研组", "数学教研组", "英语教研组", "理化生教研组", "体育艺术组", "教务处", "总务处"),
    "construction": (
        "项目一部",
        "项目二部",
        "钢筋班组",
        "木工班组",
        "机电安装队",
        "安全质量部",
        "综合办公室",
    ),
}
_DEFAULT_DEPARTMENTS = ("业务一部", "业务二部", "客户服务部", "财务部", "综合办公室", "行政人事部")
# Given names read as women's or men's often enough to pick a plausible gender for the demo.
_FEMALE_HINTS = set("兰娟燕静怡婷瑶红丽敏玉珍佳桂欣霞玲凤桐琪芳菊梅丹琴涵曦清萍英雅慧")


def departments_of(spec: UnionSpec) -> tuple[str, ...]:
    return DEPARTMENTS.get(str(spec.industry), _DEFAULT_DEPARTMENTS)


def roster_people(spec: UnionSpec, index: int) -> list[tuple[str, str]]:
    """The demo roster's (name, mobile): officers, demo members with accounts, then others."""
    from tenants.registry.demo_data import (
        _person_name,
        member_person,
        member_total,
        officer_person,
        officer_roles,
    )

    people = [officer_person(index, slot) for slot in range(1, len(officer_roles(index)) + 2)]
    people += [member_person(index, slot) for slot in range(1, member_total(index) + 1)]
    result = [(person.name, person.mobile) for person in people]
    k = 0
    while len(result) < ROSTER_SIZE:
        k += 1
        result.append((_person_name(index * 100 + 60 + k), f"136{index + 1:04d}{k:04d}"))
    return result


def _gender(name: str) -> str:
    return "女" if set(name[1:]) & _FEMALE_HINTS else "男"


def roster_workbook(spec: UnionSpec, index: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _name, header, _required in COLUMNS])
    departments = departments_of(spec)
    for n, (name, mobile) in enumerate(roster_people(spec, index)):
        joined = datetime.date(2010 + (n * 7 + index) % 15, 1 + (n * 5) % 12, 1 + (n * 11) % 28)
        card = f"HY{index + 1:02d}{joined.year}{n + 1:03d}"
        sheet.append([name, mobile, _gender(name), departments[n % len(departments)], joined, card])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    """The current union's roster; people already on it are left as they are."""
    if Member.objects.count() >= ROSTER_SIZE:
        return
    upload = SimpleUploadedFile("会员名册.xlsx", roster_workbook(spec, index))
    roster_import(upload=upload)
