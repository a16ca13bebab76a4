"""Demo content of activities (文体活动): a few that took place, with attendance, ratings, a
summary and a photo, and the coming ones — the basketball match next Saturday (周六篮球赛), open to
sister unions, among them — with sign-ups by the union's demo members and a waiting list.

``demo_fill()`` runs inside a union's schema through the same services production uses, and is
safe to run again: an activity that exists already (found by its title) is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.users.models import User

from .models import Activity, ActivitySignup
from .services import (
    activity_attendance_mark,
    activity_held_mark,
    activity_photo_add,
    activity_publish,
    activity_rate,
    activity_save,
    activity_signup,
    activity_signups_count,
    activity_summary_save,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec


@dataclass(frozen=True)
class DemoActivity:
    title: str
    kind: str
    days: int  # from today; negative = took place
    start: tuple[int, int]
    hours: float
    place: str
    capacity: int | None
    audience: str
    description: str
    signups: int = 0  # how many demo members sign up
    summary: str = ""
    comments: tuple[str, ...] = ()


PAST = (
    DemoActivity(
        "春季职工趣味运动会",
        "sports",
        -45,
        (9, 0),
        4,
        "公司体育场",
        60,
        "members",
        "拔河、跳绳、托球跑、袋鼠跳，以部门为单位组队参加，欢迎职工家属到场加油。",
        signups=6,
        summary="本次运动会共设6个项目，8个部门代表队参赛。生产部获团体第一名，工会为获奖队伍颁发奖品，"
        "并为全体参赛职工准备了运动饮料和纪念毛巾。",
        comments=("项目设置很有意思，希望每年都办", "组织有序，就是天气有点热"),
    ),
    DemoActivity(
        "劳动法知识讲座：加班费与带薪年休假",
        "lecture",
        -20,
        (14, 30),
        1.5,
        "三楼报告厅",
        80,
        "sister_unions",
        "邀请区劳动争议仲裁委员会仲裁员讲解加班费计算、年休假规定，现场答疑。",
        signups=5,
        summary="仲裁员结合真实案例讲解了加班费的计算基数和年休假的折算方法，现场解答职工提问12个。"
        "讲座课件已放在职工书屋，欢迎借阅。",
        comments=("讲得很清楚，解决了我的疑问",),
    ),
    DemoActivity(
        "亲子手工坊：做一盏中秋灯笼",
        "family",
        -9,
        (15, 0),
        2,
        "职工活动中心",
        15,
        "members",
        "职工带孩子一起动手做灯笼，材料由工会准备，适合5—12岁儿童。",
        signups=4,
        summary="15组家庭参加，孩子们做出了兔子灯、走马灯等各式灯笼，作品在一楼大厅展示一周。",
        comments=("孩子特别喜欢", "材料准备得很充分"),
    ),
)


def _next_saturday(today: datetime.date) -> int:
    return (5 - today.weekday()) % 7 or 7


def _upcoming(today: datetime.date) -> tuple[DemoActivity, ...]:
    saturday = _next_saturday(today)
    return (
        DemoActivity(
            "周六篮球赛",
            "sports",
            saturday,
            (9, 0),
            2.5,
            "职工篮球场",
            20,
            "sister_unions",
            "三人制篮球友谊赛，欢迎兄弟单位职工组队参加。请穿运动鞋，工会提供饮用水。",
            signups=4,
        ),
        DemoActivity(
            "职工合唱团排练",
            "culture",
            4,
            (18, 30),
            1.5,
            "职工活动中心",
            40,
            "members",
            "为“五一”文艺汇演排练《歌唱祖国》《我和我的祖国》，零基础也欢迎。",
            signups=3,
        ),
        DemoActivity(
            "Excel数据处理技能交流",
            "skills_exchange",
            8,
            (19, 0),
            2,
            "职工学习室",
            25,
            "members",
            "财务部同事分享数据透视表和常用函数，请自带笔记本电脑。",
            signups=2,
        ),
        DemoActivity(
            "心理健康讲座：职场压力管理",
            "lecture",
            12,
            (14, 0),
            1.5,
            "三楼报告厅",
            100,
            "public",
            "国家二级心理咨询师讲解压力识别与放松方法，讲座后可预约一对一咨询。",
            signups=2,
        ),
        DemoActivity(
            "社区敬老志愿服务",
            "volunteering",
            15,
            (9, 0),
            3,
            "幸福里社区养老驿站",
            12,
            "members",
            "为社区老人理发、测血压、打扫卫生，志愿服务时长计入工会积分。",
            signups=1,
        ),
        DemoActivity(
            "周末亲子阅读会",
            "family",
            saturday + 7,
            (10, 0),
            1.5,
            "职工书屋",
            3,
            "members",
            "职工书屋新到一批绘本，和孩子一起读一本好书。名额有限，满员后可候补。",
            signups=5,
        ),
    )


def _people() -> tuple[User | None, list[User]]:
    staff = (
        User.objects.filter(is_active=True, groups__name__in=["chairman", "officer"])
        .distinct()
        .order_by("pk")
        .first()
    )
    members = list(User.objects.filter(is_active=True, groups__name="member").distinct().order_by("pk")[:10])
    return staff, members


def _room_for(place: str):
    from cms.models import RoomPage

    return RoomPage.objects.live().filter(title=place).first()


def _create(spec: DemoActivity, *, by: User, today: datetime.date) -> Activity:
    day = today + datetime.timedelta(days=spec.days if spec.days > 0 else 1)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(*spec.start)))
    room = _room_for(spec.place)
    activity = activity_save(
        activity=Activity(
            title=spec.title, kind=spec.kind, description=spec.description, starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=spec.hours), room=room, place="" if room else spec.place,
            capacity=spec.capacity, audience=spec.audience, contact=by.get_full_name(),
        ),
        by=by,
    )  # fmt: skip
    try:
        return activity_publish(activity=activity, by=by)
    except Exception:
        return activity


def _photo(activity: Activity, spec: DemoActivity, *, by: User, index: int) -> None:
    from cms.demo import scene_png

    data = scene_png(motif="activity_centre", colour="#c8102e", caption=spec.title[:12], seed=index)
    upload = SimpleUploadedFile(f"activity-{activity.pk}.png", data, content_type="image/png")
    activity_photo_add(activity=activity, upload=upload, caption=f"{spec.title}现场", by=by)


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    """The current union's activities: three held, six coming, with sign-ups."""
    staff, members = _people()
    if staff is None or len(members) < 2:
        return
    today = timezone.localdate()
    existing = set(Activity.objects.values_list("title", flat=True))

    for n, item in enumerate(PAST):
        if item.title in existing:
            continue
        activity = _create(item, by=staff, today=today)
        if activity.status != Activity.Status.PUBLISHED:
            continue
        signups = [activity_signup(activity=activity, user=m) for m in members[: item.signups]]
        # It took place: moved to its real date (the services refuse to create the past).
        starts = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=item.days), datetime.time(*item.start))
        )
        Activity.objects.filter(pk=activity.pk).update(
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=item.hours)
        )
        ActivitySignup.objects.filter(activity=activity).update(
            created_at=starts - datetime.timedelta(days=5)
        )
        activity.refresh_from_db()
        for signup in signups[: max(len(signups) - 1, 1)]:  # one person did not come
            activity_attendance_mark(signup=signup, attended=True, by=staff)
        for signup, comment in zip(signups, item.comments, strict=False):
            activity_rate(activity=activity, user=signup.user, rating=5 - (len(comment) % 2), comment=comment)
        activity_summary_save(activity=activity, summary=item.summary, by=staff)
        _photo(activity, item, by=staff, index=index * 10 + n)
        activity_signups_count(activity=activity)
        activity_held_mark(activity=activity)

    for item in _upcoming(today):
        if item.title in existing:
            continue
        activity = _create(item, by=staff, today=today)
        if activity.status != Activity.Status.PUBLISHED:
            continue
        for member in members[: item.signups]:
            activity_signup(activity=activity, user=member)
