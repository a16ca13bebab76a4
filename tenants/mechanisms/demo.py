"""Demo content of the working mechanisms: three joint meetings with management this year with
their follow-up items, two partner social organisations, an activists team drawn from the demo
roster with their service hours over two years, the staff's duties, two information reports
sent up to the federation, and last year's staff appraisal. Run after ``tenants.membership.demo``
and ``tenants.committees.demo`` (the roster and the staff).

Everything goes through the services; safe to run again (each kind of record is made only when
the union has none yet).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.membership.models import Member
from tenants.plans.forms import staff_users

from .models import (
    Activist,
    InfoReport,
    JointMeeting,
    PartnerOrganisation,
    StaffAppraisal,
    StaffDuty,
)
from .services import (
    activist_save,
    activist_service_record,
    follow_up_add,
    follow_up_save,
    info_report_save,
    info_report_send,
    joint_meeting_save,
    partner_save,
    staff_appraisal_save,
    staff_duty_save,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

MEETINGS = (
    (20, "第一季度党政联席会议", "年度职工代表大会筹备；新入职员工入会；春节慰问经费使用情况",
     "3月下旬召开职代会；新员工入职当月办理入会；慰问经费按标准发放到位",
     [("起草职代会工作报告和集体合同履行情况报告", "工会办公室", 30, True),
      ("新员工入职培训增加工会介绍环节", "人力资源部", 45, True)]),
    (130, "第二季度党政联席会议", "高温津贴发放标准；职工食堂改造；夏季安全生产",
     "7月起按市标准发放高温津贴；食堂8月底前完成改造；开展“安康杯”竞赛",
     [("制定高温津贴发放方案", "人力资源部", 20, True), ("食堂改造施工与验收", "行政部", 90, True),
      ("“安康杯”竞赛方案", "安全环保部", 30, True)]),
    (230, "第三季度党政联席会议", "职工技能比武奖励办法；职工减压室建设；年终困难职工摸底",
     "技能比武获奖职工给予晋级加分；10月底前建成职工减压室；11月完成困难职工摸底",
     [("修订技能比武奖励办法", "人力资源部", 40, False), ("职工减压室设备采购", "行政部", 45, False)]),
)  # fmt: skip

PARTNERS = (
    ("朝阳区阳光社会工作服务中心", ["counselling", "volunteers"],
     "每季度到企业开展心理健康讲座一次，提供一对一心理咨询预约；组织志愿者参与困难职工探访。",
     "何静", "010-84561234", 400, 730),
    ("北京启明律师事务所公益法律服务团", ["legal", "training"],
     "每月第一个周四到职工之家坐班咨询；承办劳动法知识讲座；为困难职工提供法律援助。",
     "孟律师", "010-65879012", 200, 530),
)  # fmt: skip

SKILLS = ("摄影摄像、活动组织", "法律咨询", "心理疏导（二级心理咨询师）", "文艺编排、主持", "急救培训（红十字救护员）",
          "书法、板报", "篮球裁判")  # fmt: skip
SERVICES = ("职工之家活动摄影", "主席接待日现场引导", "职工书屋值班", "困难职工家庭探访", "新春文艺汇演排练",
            "急救知识进车间", "健步走活动保障")  # fmt: skip

DUTIES = (
    ("工会主席", "主持工会全面工作；召集党政联席会议；主持主席接待日；审批年度工作计划和经费预算。"),
    ("工会副主席（专职）", "负责职工之家日常管理；劳动保护和“安康杯”竞赛；困难职工帮扶；信息报送审核。"),
    ("组织宣传委员", "会员发展和会籍管理；工会小组建设；宣传报道和信息报送；职工书屋管理。"),
    ("文体委员", "文体活动和兴趣小组；场地预约；工会积极分子队伍管理。"),
)

REPORTS = (
    (60, "我公司工会召开第五届职工代表大会第三次会议", "work_news",
     "3月28日，公司召开第五届职工代表大会第三次会议，应到代表86名，实到81名。会议审议通过了公司工作报告、"
     "集体合同履行情况报告和工会工作报告，征集代表提案23件，立案15件。"),
    (150, "“暖心小厨”让一线职工吃上热乎饭——职工食堂改造的做法", "experience",
     "公司工会通过党政联席会议推动职工食堂改造，新增夜班热食窗口和少数民族餐台，"
     "改造后职工满意度由72%提升到94%。主要做法：一是问需于职工……二是借力党政联席会议……"),
)  # fmt: skip


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    today = timezone.localdate()
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("pk")[:30])
    staff = list(staff_users())
    year_start = datetime.date(today.year, 1, 1)

    if not JointMeeting.objects.exists():
        for days, title, topics, decisions, follow_ups in MEETINGS:
            held = min(
                year_start + datetime.timedelta(days=days + index % 5), today - datetime.timedelta(days=1)
            )
            meeting = joint_meeting_save(meeting=JointMeeting(
                held_on=held, title=title, topics=topics, decisions=decisions,
                attendees="公司总经理、党委副书记、人力资源总监、行政总监；工会主席、工会副主席、职工代表2名"))  # fmt: skip
            for task, owner, in_days, done in follow_ups:
                follow_up = follow_up_add(
                    meeting=meeting, task=task, owner=owner, due_on=held + datetime.timedelta(days=in_days)
                )
                if done and follow_up.due_on and follow_up.due_on <= today:
                    follow_up.done_on = follow_up.due_on - datetime.timedelta(days=3)
                    follow_up_save(follow_up=follow_up)

    if not PartnerOrganisation.objects.exists():
        for name, offers, offer, person, phone, started_days_ago, lasts_days in PARTNERS:
            starts = today - datetime.timedelta(days=started_days_ago)
            partner_save(partner=PartnerOrganisation(
                name=name, services=offers, offer=offer, contact_person=person, contact_phone=phone,
                agreement_starts_on=starts, agreement_ends_on=starts + datetime.timedelta(days=lasts_days)))  # fmt: skip

    if not Activist.objects.exists() and len(members) >= 12:
        for n, member in enumerate(members[5:12]):
            activist = activist_save(activist=Activist(
                member=member, skills=SKILLS[n], joined_on=datetime.date(today.year - 2, 3 + n, 1)))  # fmt: skip
            for k in range(3 + n % 3):
                for year_back in (1, 0):
                    day = datetime.date(today.year - year_back, 1, 1) + datetime.timedelta(
                        days=20 + 45 * k + n
                    )
                    if day >= today:
                        continue
                    activist_service_record(
                        activist=activist, served_on=day, description=SERVICES[(n + k) % len(SERVICES)],
                        hours=("2", "3", "1.5", "4")[(n + k) % 4],
                    )  # fmt: skip

    if not StaffDuty.objects.exists() and staff:
        for n, (post, duties) in enumerate(DUTIES[: len(staff)]):
            staff_duty_save(duty=StaffDuty(user=staff[n], post=post, duties=duties, order=n * 10))

    if not InfoReport.objects.exists():
        for days, title, category, content in REPORTS:
            written = min(year_start + datetime.timedelta(days=days), today)
            report = info_report_save(report=InfoReport(
                title=title, category=category, content=content, written_on=written))  # fmt: skip
            info_report_send(report=report)
        info_report_save(report=InfoReport(
            title="职工减压室建成投用", category="work_news", written_on=today,
            content="公司职工减压室10月建成投用，配备宣泄设备、音乐放松椅和沙盘，每周二、四向职工开放。"))  # fmt: skip

    if not StaffAppraisal.objects.exists():
        for n, user in enumerate(staff[1:4]):
            staff_appraisal_save(appraisal=StaffAppraisal(
                period=f"{today.year - 1}年度", user=user, rating=("excellent", "competent", "competent")[n],
                notes="全年完成岗位职责，服务职工主动热情。"))  # fmt: skip
