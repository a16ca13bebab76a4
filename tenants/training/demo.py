"""Demo content of skills training: four courses of the kinds a Workers' Home runs (an
electricians' class that has ended, with its register and a certificate; a safety course under
way; an office-software course and an exam-preparation class still open, the latter full with a
waiting list).

``demo_fill()`` runs inside a union's schema through the same services production uses, and is
safe to run again: a course that exists already (found by its title) is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.users.models import User

from .models import Course, CourseSession, Enrolment
from .services import attendance_record, certificate_issue, course_save, course_session_add, enrolment_create

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec


@dataclass(frozen=True)
class DemoCourse:
    title: str
    category: str
    teacher: str
    description: str
    capacity: int
    hours: Decimal
    first_day: int  # days from today to the first session
    every_days: int
    sessions: tuple[str, ...]
    start: datetime.time
    end: datetime.time
    members: int  # how many demo members enrol
    deadline_days: int  # the deadline, in days from the first session (negative: before it)
    waiting_list: bool = True


COURSES = (
    DemoCourse(
        title="电工技能提升班（中级）", category="vocational", teacher="高级技师 王建国",
        description="面向设备部、动力车间职工的中级电工技能培训，结合低压电工作业规范、PLC基础和典型故障排查，"
        "课程结束可作为申报中级电工职业技能等级认定的培训学时证明。",
        capacity=20, hours=Decimal("2.0"), first_day=-56, every_days=7,
        sessions=("安全用电与低压电工作业规范", "常用电工仪表的使用", "电气识图与接线实操", "三相异步电动机控制线路",
                  "PLC基础与编程入门", "典型电气故障排查与考核"),
        start=datetime.time(19), end=datetime.time(21), members=4, deadline_days=-3,
    ),
    DemoCourse(
        title="安全生产培训：有限空间作业与应急处置", category="safety", teacher="市安全生产培训中心 刘海峰",
        description="依据《工贸企业有限空间作业安全规定》，讲解有限空间辨识、审批、通风检测、个人防护和应急救援，"
        "含一次现场演练。一线班组长和仓储、污水处理岗位职工优先报名。",
        capacity=40, hours=Decimal("3.0"), first_day=-2, every_days=7,
        sessions=("有限空间辨识与作业审批", "气体检测与个人防护用品", "应急救援现场演练"),
        start=datetime.time(14), end=datetime.time(17), members=5, deadline_days=-1,
    ),
    DemoCourse(
        title="办公软件应用：Excel与WPS表格数据处理", category="digital", teacher="信息中心工程师 陈静",
        description="从常用函数、数据透视表到图表制作，用本单位的考勤、库存表格做练习，提高日常办公效率。请自带笔记本电脑。",
        capacity=30, hours=Decimal("2.0"), first_day=8, every_days=7,
        sessions=("常用函数与数据清洗", "数据透视表", "图表与报表排版", "综合练习与答疑"),
        start=datetime.time(18, 30), end=datetime.time(20, 30), members=3, deadline_days=-2,
    ),
    DemoCourse(
        title="学历提升：成人高考（专升本）考前辅导", category="education", teacher="北京开放大学 赵老师",
        description="工会与北京开放大学合作，为报考成人高考专升本的职工提供政治、英语两门公共课考前辅导，"
        "学费由工会经费补贴一半。名额有限，报满后可排队候补。",
        capacity=2, hours=Decimal("3.0"), first_day=20, every_days=7,
        sessions=("政治（一）", "英语（一）", "政治（二）", "英语（二）"),
        start=datetime.time(9), end=datetime.time(12), members=3, deadline_days=-5,
    ),
)  # fmt: skip


def _at(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _room():
    from cms.models import RoomPage

    return (
        RoomPage.objects.live().filter(kind__in=["study_room", "activity_centre"]).order_by("pk").first()
        or RoomPage.objects.live().order_by("pk").first()
    )


def _course(spec: DemoCourse, *, by: User, members: list[User], room) -> Course | None:
    if Course.objects.filter(title=spec.title).exists():
        return None
    today = timezone.localdate()
    first = today + datetime.timedelta(days=spec.first_day)
    deadline = _at(first + datetime.timedelta(days=spec.deadline_days), datetime.time(18))
    # Created with enrolment still open, so the members enrol through the service; the real
    # deadline is set afterwards (for the courses already under way or ended).
    course = course_save(
        course=Course(
            title=spec.title, category=spec.category, teacher=spec.teacher, description=spec.description,
            room=room, place="" if room else "职工之家培训教室", capacity=spec.capacity,
            waiting_list=spec.waiting_list, enrolment_deadline=max(deadline, timezone.now() + datetime.timedelta(days=1)),
            hours_per_session=spec.hours, completion_percent=80, contact="工会办公室 分机8021",
        ),
        by=by,
    )  # fmt: skip
    for index, topic in enumerate(spec.sessions):
        day = first + datetime.timedelta(days=index * spec.every_days)
        course_session_add(
            course=course, starts_at=_at(day, spec.start), ends_at=_at(day, spec.end), topic=topic, by=by
        )
    course.status = Course.Status.PUBLISHED
    course = course_save(course=course, by=by)
    for member in members[: spec.members]:
        enrolment_create(course=course, user=member)
    if deadline != course.enrolment_deadline:
        course.enrolment_deadline = deadline
        course = course_save(course=course, by=by)
    return course


def _registers(course: Course, *, by: User) -> None:
    """Attendance of the sessions already held: the first member came every time, the second
    missed one, the third came to half, the rest missed only the last."""
    enrolled = list(Enrolment.objects.filter(course=course, status="enrolled").order_by("created_at", "pk"))
    held = list(
        CourseSession.objects.filter(course=course, starts_at__lt=timezone.now()).order_by("starts_at")
    )
    for number, session in enumerate(held):
        present = []
        for index, enrolment in enumerate(enrolled):
            absent = (
                (index == 1 and number == 2)
                or (index == 2 and number % 2 == 1)
                or (index >= 3 and number == len(held) - 1 and len(held) > 1)
            )
            if not absent:
                present.append(enrolment.pk)
        attendance_record(session=session, present=present, by=by)


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    """The current union's training courses, their registers and one certificate."""
    officer = (
        User.objects.filter(is_active=True, groups__name__in=["officer", "chairman"]).order_by("pk").first()
    )
    members = list(User.objects.filter(is_active=True, groups__name="member").order_by("pk")[:6])
    if officer is None or len(members) < 3:
        return
    room = _room()
    for course_spec in COURSES:
        course = _course(course_spec, by=officer, members=members, room=room)
        if course is None:
            continue
        _registers(course, by=officer)
        if course.sessions.filter(ends_at__gte=timezone.now()).exists():
            continue
        # The course has ended: the first member's certificate is issued (the others are left
        # for the officer to issue with "issue all").
        first = (
            Enrolment.objects.filter(course=course, status="enrolled").order_by("created_at", "pk").first()
        )
        if first is not None:
            certificate_issue(enrolment=first, by=officer)
