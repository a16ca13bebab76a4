"""Demo content of interest groups: five groups (badminton, basketball, photography,
calligraphy, reading) with leaders, members, regular meetings, a few posts and a join request
waiting for an answer.

``demo_fill()`` runs inside a union's schema through the same services production uses, and is
safe to run again: a group that exists already (found by its name) is left as it is.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from cms.models import RoomPage
from tenants.users.models import User

from .models import GroupMeeting, InterestGroup
from .services import (
    group_join_decide,
    group_join_request,
    group_meeting_save,
    group_post_create,
    group_save,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

# name, kind, description, open, meeting (frequency, weekday, week_of_month, start, end, room title or place, title),
# posts
GROUPS = (
    (
        "羽毛球小组",
        "badminton",
        "每周三下班后在职工活动中心打球，新手老手都欢迎，球拍可以借用，羽毛球由工会经费购买。",
        True,
        ("weekly", 2, None, datetime.time(18), datetime.time(20), "职工活动中心", "周三练球"),
        (
            "本周三照常活动，新买的两筒球放在活动中心储物柜。",
            "下月区总工会有职工羽毛球赛，想报名的在群里接龙。",
        ),
    ),
    (
        "篮球队",
        "basketball",
        "公司篮球队，每周六上午在园区篮球场训练，代表公司参加区职工篮球联赛。",
        True,
        ("weekly", 5, None, datetime.time(9), datetime.time(11), "园区室外篮球场", "周六训练"),
        ("周六训练改为九点半开始，场地上午有保洁。",),
    ),
    (
        "摄影协会",
        "photography",
        "每月第二个周六外出采风，平时交流手机和相机摄影技巧，作品可投稿单位内刊。",
        True,
        ("monthly", 5, 2, datetime.time(14), datetime.time(17), "奥林匹克森林公园南门集合", "月度采风"),
        ("上次采风的照片已整理好，挑了十张准备投稿内刊，大家看看还有没有要补充的。",),
    ),
    (
        "书法社",
        "calligraphy",
        "每周二午休时间练字，有老师傅指导楷书和行书，笔墨纸砚由工会提供。",
        True,
        ("weekly", 1, None, datetime.time(12, 10), datetime.time(13, 20), "职工活动中心", "午间练字"),
        ("春节前为职工写春联，请大家提前把想要的内容发给我。",),
    ),
    (
        "读书会",
        "reading",
        "每月最后一个周四下班后在职工书屋共读一本书，轮流主持分享。",
        False,
        ("monthly", 3, -1, datetime.time(18, 30), datetime.time(20), "职工书屋", "月度共读"),
        ("本月共读《平凡的世界》第一部，下次分享由物流部的同事主持。",),
    ),
)


def _people() -> tuple[User | None, list[User]]:
    chairman = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    members = list(User.objects.filter(is_active=True, groups__name="member").order_by("pk")[:16])
    return chairman, members


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    chairman, members = _people()
    if chairman is None or len(members) < 6:
        return
    rooms = {room.title: room for room in RoomPage.objects.live()}
    today = timezone.localdate()
    for number, (name, kind, description, open_to_join, meeting, posts) in enumerate(GROUPS):
        if InterestGroup.objects.filter(name=name).exists():
            continue
        leader = members[number % len(members)]
        group = group_save(
            group=InterestGroup(name=name, kind=kind, description=description, open_to_join=True),
            by=chairman, leaders=[leader],
        )  # fmt: skip
        # Four or five members join through requests the leader approves.
        joining = []
        for offset in range(1, len(members)):
            member = members[(number * 3 + offset) % len(members)]
            if member.pk != leader.pk and member not in joining:
                joining.append(member)
            if len(joining) == 4 + number % 2:
                break
        for member in joining:
            request = group_join_request(group=group, user=member, message="想参加，请批准。")
            group_join_decide(request=request, by=leader, approve=True)
        frequency, weekday, nth, start, end, where, title = meeting
        room = rooms.get(where)
        group_meeting_save(
            meeting=GroupMeeting(
                group=group, title=title, frequency=frequency, weekday=weekday, week_of_month=nth,
                starts_on=today - datetime.timedelta(days=90), start_time=start, end_time=end,
                room=room, place="" if room else where,
            ),
            by=leader,
        )  # fmt: skip
        for text in posts:
            group_post_create(group=group, author=leader, body=text)
        if not open_to_join:
            InterestGroup.objects.filter(pk=group.pk).update(open_to_join=False)
    # One request still waits for the badminton group's leader.
    badminton = InterestGroup.objects.filter(name="羽毛球小组").first()
    if badminton is not None and not badminton.join_requests.filter(status="pending").exists():
        outsider = next(
            (m for m in reversed(members) if not badminton.memberships.filter(user=m).exists()), None
        )
        if outsider is not None:
            group_join_request(group=badminton, user=outsider, message="大学时打过校队，想和大家一起练。")
