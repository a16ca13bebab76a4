"""Demo of the archives: three years of items across the categories, as a union files them
through the year: the Workers' Home rules as a PDF (permanent, open to members), committee
minutes (staff only), the workers' congress resolution, notices, activity photos drawn with
Pillow, a hardship approval sheet for the chairman only; then the summaries of activities
that took place, and the yearly report to the federation.

``demo_fill()`` runs inside a union's schema through the services production uses. Safe to
run again: an item already filed (same title and year) is not filed twice.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from tenants.activities.models import Activity
from tenants.users.models import User

from .documents import text_pdf
from .models import ArchiveItem
from .services import activity_summary_archive, archive_item_create, archive_year_report

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

RULES = [
    "第一条　为规范职工之家的管理，更好地为职工服务，根据《中华人民共和国工会法》和上级工会有关规定，制定本制度。",
    "第二条　职工之家由工会委员会负责管理，工会主席为第一责任人，指定专人负责日常运行。",
    "第三条　职工之家每周一至周五12:00—13:30、17:30—20:30向全体会员开放，节假日另行通知。",
    "第四条　职工书屋、职工减压室、劳动争议调解室等功能室实行登记使用，爱护设施设备，损坏照价赔偿。",
    "第五条　工会每年年初制定工作计划，年底进行总结，并向职工代表大会报告职工之家建设情况。",
    "第六条　本制度由工会委员会负责解释，自公布之日起施行。",
]


def _pdf(title: str, paragraphs: list[str], name: str) -> ContentFile:
    return ContentFile(text_pdf(title=title, paragraphs=paragraphs), name=name)


def _photo(motif: str, colour: str, caption: str, seed: int, name: str) -> ContentFile:
    from cms.demo import scene_png

    return ContentFile(scene_png(motif=motif, colour=colour, caption=caption, seed=seed), name=name)


def _plan(year: int, short_name: str) -> list[dict]:
    """The items of one year: (category, kind, title, date, retention, access, description, files)."""
    return [
        dict(category="rules", kind="rule", title=f"{short_name}职工之家管理制度（{year}年修订）",
             date=datetime.date(year, 1, 15), retention="permanent", access="public",
             description="经工会委员会讨论通过，在职工之家公示栏和网站同步公示。",
             files=[_pdf("职工之家管理制度", RULES, f"职工之家管理制度{year}.pdf")]),
        dict(category="minutes", kind="minutes", title=f"{year}年第一次工会委员会会议纪要",
             date=datetime.date(year, 2, 20), retention="10", access="staff",
             description="研究年度工作计划、职代会筹备和困难职工慰问安排。",
             files=[_pdf(f"{year}年第一次工会委员会会议纪要", [
                 "时间：2月20日下午；地点：工会办公室；主持：工会主席。",
                 "一、审议通过本年度工会工作计划（草案），提交职代会审议。",
                 "二、确定职代会召开时间和代表名额分配方案。",
                 "三、安排春季困难职工走访慰问，由各分工会摸底上报。"], "会议纪要.pdf")]),
        dict(category="congress", kind="document", title=f"{year}年职工代表大会决议",
             date=datetime.date(year, 3, 28), retention="permanent", access="public",
             description="大会审议通过了工会工作报告、集体合同履行情况报告和职工代表提案处理情况报告。",
             files=[_pdf(f"{year}年职工代表大会决议", [
                 "大会应到代表86名，实到代表79名，符合法定人数。",
                 "大会审议通过了工会工作报告，同意年度工作安排。",
                 "大会要求各部门认真落实职工代表提案，按期答复。"], "职代会决议.pdf")]),
        dict(category="notices", kind="notice", title=f"关于开展{year}年“送清凉”活动的通知",
             date=datetime.date(year, 6, 25), retention="10", access="public",
             description="7月至8月为一线高温岗位职工发放防暑降温用品。",
             files=[_pdf("送清凉活动通知", ["各分工会：为切实做好高温季节职工劳动保护，工会定于7月1日起开展“送清凉”活动，请各分工会于6月30日前报送一线岗位人数。"], "通知.pdf")]),
        dict(category="activities", kind="photo", title=f"{year}年职工趣味运动会照片",
             date=datetime.date(year, 5, 16), retention="30", access="public",
             description="拔河、跳绳、托球跑等项目，共有12支队伍参加。",
             files=[_photo("activity", "#c0392b", "趣味运动会", year, "运动会1.png"),
                    _photo("activity", "#2e86c1", "拔河比赛", year + 1, "运动会2.png")]),
        dict(category="organisation", kind="document", title=f"{year}年工会小组长名单及分工",
             date=datetime.date(year, 4, 8), retention="30", access="staff",
             description="各车间、部门工会小组长调整后名单。",
             files=[_pdf("工会小组长名单", ["生产一部：王建华；生产二部：李秀英；物流部：赵国强；综合部：陈晓燕。"], "名单.pdf")]),
        dict(category="democracy", kind="notice", title=f"{year}年上半年厂务公开内容",
             date=datetime.date(year, 7, 10), retention="10", access="public",
             description="公开职工福利费使用、评先评优结果和劳动安全卫生情况。",
             files=[_pdf("厂务公开", ["一、上半年职工福利费支出情况；二、年度先进个人评选结果；三、劳动安全卫生检查情况。"], "厂务公开.pdf")]),
        dict(category="hardship", kind="document", title=f"{year}年困难职工帮扶资金审批表",
             date=datetime.date(year, 12, 10), retention="30", access="chairman",
             description="含个人家庭情况，仅主席查阅。",
             files=[_pdf("帮扶资金审批表", ["经工会委员会研究，同意对3户困难职工家庭给予帮扶，金额合计12000元。"], "审批表.pdf")]),
    ]  # fmt: skip


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    chairman = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    if chairman is None:
        return
    this_year = timezone.localdate().year
    for year in (this_year - 2, this_year - 1, this_year):
        for values in _plan(year, spec.short_name):
            if values["date"] > timezone.localdate():
                continue
            if ArchiveItem.objects.filter(title=values["title"], year=year).exists():
                continue
            archive_item_create(by=chairman, **values)
    held = Activity.objects.filter(held_at__isnull=False).exclude(summary="")
    archived = ArchiveItem.objects.filter(activity__isnull=False).values("activity_id")
    for activity in held.exclude(pk__in=archived).order_by("starts_at")[:3]:
        activity_summary_archive(activity=activity, by=chairman)
    for year in (this_year - 2, this_year - 1):
        archive_year_report(year=year)
