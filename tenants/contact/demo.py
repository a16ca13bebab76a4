"""Demo content of worker contact: a frontline visit and a symposium with the issues workers
raised (one became a case), and the 12351 hotline as an inbound channel with one message.

``demo_fill()`` runs inside a union's schema through the same services production uses, and is
safe to run again: whatever exists already (found by its title or name) is left as it is.
"""

from __future__ import annotations

import datetime
import json
import secrets
import time
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.users.models import User

from .models import ContactActivity, InboundChannel, InboundMessage
from .services import (
    contact_activity_record,
    contact_issue_case_open,
    inbound_channel_create,
    inbound_message_receive,
)
from .signing import inbound_signature

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

VISIT_TITLE = "深入生产一线走访夜班职工"
SYMPOSIUM_TITLE = "一线职工代表座谈会"
HOTLINE = "12351职工服务热线"
HOTLINE_MESSAGE_ID = "12351-demo-0001"


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    chairman = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    officer = User.objects.filter(is_active=True, groups__name="officer").order_by("pk").first() or chairman
    members = list(User.objects.filter(is_active=True, groups__name="member").order_by("pk")[:6])
    if chairman is None or len(members) < 3:
        return
    today = timezone.localdate()

    if not ContactActivity.objects.filter(title=VISIT_TITLE).exists():
        visit = contact_activity_record(
            by=officer, kind="frontline_visit", title=VISIT_TITLE, held_on=today - datetime.timedelta(days=10),
            place="装配车间及职工休息室", host=chairman, attendees=members[:3], other_attendees=15,
            minutes=(
                f"工会主席带领工会干部深夜走访{spec.employer}装配车间夜班班组，与职工边看边聊，"
                "了解夜班作息、就餐和休息情况，向职工介绍主席接待日和网上反映诉求的方式。"
            ),
            issues=[
                {"summary": "夜班宵夜品种单一，希望增加热食", "raised_by": members[0],
                 "details": "目前夜班只提供面包和牛奶，凌晨两点以后没有热食，职工希望食堂安排热汤面或粥。"},
                {"summary": "车间休息室空调制冷效果差", "raised_by_name": "装配车间夜班职工",
                 "details": "休息室空调使用多年，夏季夜间室温仍在30度左右，影响夜班职工休息。"},
            ],
        )  # fmt: skip
        issue = visit.issues.get(summary="车间休息室空调制冷效果差")
        contact_issue_case_open(issue=issue, by=chairman, category="request")

    if not ContactActivity.objects.filter(title=SYMPOSIUM_TITLE).exists():
        contact_activity_record(
            by=officer, kind="symposium", title=SYMPOSIUM_TITLE, held_on=today - datetime.timedelta(days=25),
            place="职工之家会议室", host=chairman, attendees=members[:5], other_attendees=8,
            minutes=(
                "座谈会由工会主席主持，人力资源部、行政部负责人列席。职工代表围绕通勤、技能培训、"
                "职工体检等方面发言，工会逐条记录，承诺一个月内反馈办理情况。"
            ),
            issues=[
                {"summary": "班车线路未覆盖新建小区", "raised_by_name": "物流部职工",
                 "details": "公司附近新建小区入住职工较多，希望班车增加站点。"},
                {"summary": "希望增加技能等级培训名额", "raised_by": members[1]},
                {"summary": "职工体检希望增加肿瘤筛查项目", "raised_by": members[2]},
            ],
        )  # fmt: skip

    channel = InboundChannel.objects.filter(name=HOTLINE).first()
    if channel is None:
        channel, _secret = inbound_channel_create(name=HOTLINE, kind="hotline", by=chairman)
    if not InboundMessage.objects.filter(channel=channel, message_id=HOTLINE_MESSAGE_ID).exists():
        # The hotline platform hands in a call, signed as docs/inbound.md describes.
        body = json.dumps({
            "message_id": HOTLINE_MESSAGE_ID, "caller": "13911218866", "caller_name": "孙女士",
            "subject": "食堂餐费上调未公示",
            "text": f"来电反映：{spec.employer}职工食堂本月起午餐价格上调，事先没有公示，也没有征求职工意见，"
                    "希望工会了解情况并督促食堂公开价格调整依据。",
        }, ensure_ascii=False).encode("utf-8")  # fmt: skip
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        inbound_message_receive(
            key_id=channel.key_id, timestamp=timestamp, nonce=nonce, body=body,
            signature=inbound_signature(secret=channel.secret, timestamp=timestamp, nonce=nonce, body=body),
        )  # fmt: skip
