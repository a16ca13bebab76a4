"""Demo content of a union's site: rooms, people, rules, services, notices, brands and images.

``site_demo_fill()`` gives the current schema's site a complete, realistic Workers' Home in
Chinese, the way a chairman would fill it in (journey 2), with pictures drawn here with Pillow:
nothing is downloaded. It is safe to run again: a section that has content already, or a
page someone has started editing, is left as it is, and images are reused by title.
"""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from .models import (
    BrandIndexPage,
    BrandPhoto,
    BulletinPage,
    HomePage,
    HomePhoto,
    NoticePage,
    PeoplePage,
    RoomIndexPage,
    RoomKind,
    RoomPage,
    RoomPhoto,
    RuleIndexPage,
    RulePage,
    ServiceBrandPage,
    ServiceDuty,
    ServiceIndexPage,
    ServiceItemPage,
    StaffMember,
)

if TYPE_CHECKING:
    from PIL import ImageFont

    from tenants.registry.demo_data import UnionSpec

# Colours of the demo unions (each darkened by the theme where white text needs it).
COLOURS = ("#b71c1c", "#0d47a1", "#1b5e20", "#6a1b9a", "#c62828", "#00695c", "#ad1457", "#283593",
           "#bf360c", "#2e7d32", "#4527a0", "#00838f")  # fmt: skip


@dataclass(frozen=True)
class DemoPerson:
    name: str
    role: str
    duties: str = ""


@dataclass
class FillResult:
    images: int = 0
    pages: int = 0


# --- Pictures ---------------------------------------------------------------------------------


@cache
def _cjk_font_path() -> tuple[str, int] | None:
    """A CJK font through fontconfig (Noto Sans CJK SC where installed), or ``None``."""
    if not shutil.which("fc-match"):
        return None
    for pattern in ("Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC", "sans-serif:lang=zh-cn"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}\n%{index}\n%{lang}", pattern],
                capture_output=True, text=True, timeout=5, check=True,
            ).stdout.split("\n")  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return None
        if len(out) >= 3 and out[0] and "zh-cn" in out[2]:
            return out[0], int(out[1] or 0)
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont | None:
    from PIL import ImageFont

    found = _cjk_font_path()
    if found is None:
        return None
    path, index = found
    try:
        return ImageFont.truetype(path, size=size, index=index)
    except OSError:
        return None


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * share),
        round(a[1] + (b[1] - a[1]) * share),
        round(a[2] + (b[2] - a[2]) * share),
    )


WHITE = (255, 255, 255)
INK = (40, 44, 52)


def _label(draw: Any, box: tuple[int, int], text: str, size: int, fill, background) -> None:
    """``text`` on a rounded plate at ``box`` (left, bottom), when a CJK font is available."""
    font = _font(size)
    if font is None or not text:
        return
    left, bottom = box
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    pad = size // 2
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    draw.rounded_rectangle((left, bottom - height, left + width, bottom), radius=pad, fill=background)
    draw.text((left + pad - x0, bottom - height + pad - y0), text, font=font, fill=fill)


def scene_png(*, motif: str, colour: str, caption: str, seed: int = 0) -> bytes:
    """A flat illustration of a room or activity (960x600 PNG), its sign on the wall in Chinese."""
    from PIL import Image, ImageDraw

    w, h = 960, 600
    base = _rgb(colour)
    image = Image.new("RGB", (w, h), _mix(base, WHITE, 0.82))
    draw = ImageDraw.Draw(image)
    wall, floor = _mix(base, WHITE, 0.86 - 0.04 * (seed % 3)), _mix(base, (120, 90, 60), 0.55)
    draw.rectangle((0, 0, w, 400), fill=wall)
    draw.rectangle((0, 400, w, h), fill=_mix(floor, WHITE, 0.45))
    # A window and a banner, as in every union's room.
    draw.rounded_rectangle((620, 60, 900, 250), radius=10, fill=(214, 234, 248), outline=WHITE, width=10)
    draw.line((760, 60, 760, 250), fill=WHITE, width=8)
    sign = caption.split("：")[0].split("在")[0][:10] if caption else "职工之家"
    _label(draw, (60, 110), sign, 36, WHITE, base)
    accent, dark = _mix(base, WHITE, 0.35), _mix(base, (0, 0, 0), 0.35)
    if motif in ("library", "study_room"):
        for shelf in range(3):
            y = 150 + shelf * 85
            draw.rectangle((60, y + 70, 560, y + 80), fill=dark)
            x = 70
            for k in range(14):
                width = 22 + (k * 7 + seed) % 14
                height = 50 + (k * 13 + shelf * 5) % 20
                tone = [accent, dark, (230, 180, 60), (90, 140, 200)][(k + shelf) % 4]
                draw.rectangle((x, y + 70 - height, x + width, y + 70), fill=tone)
                x += width + 6
                if x > 540:
                    break
        draw.rectangle((620, 430, 900, 460), fill=dark)
        draw.rectangle((640, 460, 660, 560), fill=dark)
        draw.rectangle((860, 460, 880, 560), fill=dark)
    elif motif in ("mediation_room", "reception_room", "office"):
        draw.ellipse((300, 400, 660, 520), fill=dark)
        draw.ellipse((310, 392, 650, 505), fill=accent)
        for cx in (250, 710, 480):
            draw.rounded_rectangle((cx - 45, 330, cx + 45, 430), radius=18, fill=dark)
        draw.rectangle((440, 360, 520, 400), fill=WHITE)
        draw.ellipse((130, 300, 200, 370), fill=(120, 170, 90))
        draw.rectangle((155, 370, 175, 470), fill=(120, 90, 60))
    elif motif in ("stress_relief_room", "nursing_room"):
        draw.rounded_rectangle((120, 330, 560, 470), radius=40, fill=accent)
        draw.rounded_rectangle((100, 300, 170, 480), radius=30, fill=dark)
        draw.rounded_rectangle((510, 300, 580, 480), radius=30, fill=dark)
        draw.ellipse((680, 330, 820, 470), fill=(250, 220, 120))
        draw.ellipse((780, 320, 860, 400), fill=(120, 170, 90))
        draw.rectangle((815, 400, 830, 520), fill=(120, 90, 60))
    else:  # activity centre, sports room, events
        draw.rectangle((140, 380, 620, 420), fill=(40, 120, 90))
        draw.line((380, 350, 380, 420), fill=WHITE, width=6)
        draw.rectangle((160, 420, 175, 520), fill=dark)
        draw.rectangle((585, 420, 600, 520), fill=dark)
        draw.ellipse((690, 360, 780, 450), fill=(240, 140, 40))
        draw.arc((690, 360, 780, 450), 200, 340, fill=dark, width=4)
        for k in range(4):
            x = 100 + k * 210
            draw.ellipse((x, 140, x + 40, 180), fill=accent)
            draw.rounded_rectangle((x - 10, 185, x + 50, 280), radius=20, fill=accent)
    return _png(image)


def portrait_png(*, name: str, colour: str) -> bytes:
    """A neutral portrait placeholder (480x600): a silhouette on the union's tint."""
    from PIL import Image, ImageDraw

    base = _rgb(colour)
    image = Image.new("RGB", (480, 600), _mix(base, WHITE, 0.85))
    draw = ImageDraw.Draw(image)
    figure = _mix(base, WHITE, 0.35)
    draw.ellipse((150, 110, 330, 300), fill=figure)
    draw.rounded_rectangle((70, 320, 410, 640), radius=150, fill=figure)
    draw.polygon([(210, 330), (270, 330), (240, 420)], fill=WHITE)
    return _png(image)


def logo_png(*, short_name: str, colour: str) -> bytes:
    """A simple round emblem (320x320) in the union's colour with one character of its name."""
    from PIL import Image, ImageDraw

    base = _rgb(colour)
    image = Image.new("RGB", (320, 320), WHITE)
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 312, 312), fill=base)
    draw.ellipse((34, 34, 286, 286), outline=WHITE, width=8)
    font = _font(150)
    mark = (short_name or "工")[0]
    if font is not None:
        x0, y0, x1, y1 = draw.textbbox((0, 0), mark, font=font)
        draw.text((160 - (x0 + x1) / 2, 160 - (y0 + y1) / 2), mark, font=font, fill=WHITE)
    else:  # a cog-like star without text
        draw.regular_polygon((160, 160, 80), 8, fill=WHITE)
    return _png(image)


def _png(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _image(title: str, make, result: FillResult):
    """The Wagtail image titled ``title`` in this schema, drawn and saved if missing."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    data = make()
    filename = f"demo-{zlib.crc32(title.encode()):08x}.png"
    image = Image(title=title)
    image.file.save(filename, ImageFile(io.BytesIO(data), name=filename), save=False)
    image.save()
    result.images += 1
    return image


# --- Content ----------------------------------------------------------------------------------


def _staff(spec: UnionSpec, index: int) -> list[DemoPerson]:
    from tenants.registry.demo_data import _person_name, officer_person

    return [
        DemoPerson(officer_person(index, 2).name, "工会副主席", "分管劳动保护、职工之家日常管理"),
        DemoPerson(officer_person(index, 3).name, "劳动争议调解员", "劳动法律咨询、劳动争议调解"),
        DemoPerson(officer_person(index, 4).name, "女职工委员会主任", "女职工权益保护、爱心妈咪小屋"),
        DemoPerson(_person_name(index * 100 + 21), "经费审查委员会主任", "工会经费审查监督"),
        DemoPerson(_person_name(index * 100 + 22), "心理咨询师（兼职）", "职工心理疏导、减压室预约"),
        DemoPerson(_person_name(index * 100 + 23), "职工书屋管理员", "图书借阅、读书活动组织"),
    ]


def _rooms(spec: UnionSpec) -> list[dict[str, Any]]:
    floor = "职工之家"
    return [
        dict(
            title="职工活动中心",
            slug="activity-centre",
            kind=RoomKind.ACTIVITY_CENTRE,
            uses=[RoomKind.SPORTS_ROOM, RoomKind.STUDY_ROOM],
            location=f"{floor} 201室",
            area=180,
            capacity=80,
            hours="工作日 12:00-13:30、17:30-21:00，周六 9:00-17:00",
            equipment=["sports", "culture", "office"],
            equipment_notes="乒乓球台2张、羽毛球场地1片、健身器材6件、投影仪和音响1套、折叠桌椅80套",
            description="<p>活动中心可举办职工培训、技能比武、文艺排练和小型会议，平时开放乒乓球、健身和棋牌活动。"
            "大型活动请提前三天在工会办公室登记。</p>",
            photos=[("activity", "职工活动中心：乒乓球和健身区"), ("activity", "技能培训在活动中心举行")],
        ),
        dict(
            title="劳动争议调解室",
            slug="mediation-room",
            kind=RoomKind.MEDIATION_ROOM,
            uses=[RoomKind.RECEPTION_ROOM],
            location=f"{floor} 203室",
            area=30,
            capacity=10,
            hours="工作日 9:00-17:00，主席接待日全天开放",
            equipment=["office"],
            equipment_notes="圆形调解桌1张、座椅10把、录音录像设备、法律法规书架、档案柜",
            description="<p>调解室用于劳动法律咨询、劳动争议调解和主席接待日来访接待（一室多用）。"
            "调解员依法、公正、保密地开展调解，当事人可预约时间。</p>",
            photos=[("mediation_room", "劳动争议调解室")],
        ),
        dict(
            title="职工减压室",
            slug="stress-relief-room",
            kind=RoomKind.STRESS_RELIEF_ROOM,
            uses=[RoomKind.NURSING_ROOM],
            location=f"{floor} 205室",
            area=40,
            capacity=6,
            hours="工作日 10:00-20:00，可预约夜间时段",
            equipment=["psychological", "living"],
            equipment_notes="按摩椅2台、宣泄人、沙盘、放松音乐设备、冰箱和哺乳用品（爱心妈咪小屋）",
            description="<p>减压室提供放松身心的安静空间，兼作爱心妈咪小屋。"
            "每周四下午有心理咨询师值班，一对一疏导需预约，谈话内容严格保密。</p>",
            photos=[("stress_relief_room", "职工减压室和爱心妈咪小屋")],
        ),
        dict(
            title="职工书屋",
            slug="library",
            kind=RoomKind.LIBRARY,
            uses=[RoomKind.STUDY_ROOM],
            location=f"{floor} 207室",
            area=60,
            capacity=30,
            hours="工作日 11:30-19:00",
            equipment=["culture", "office"],
            equipment_notes="藏书3200余册、期刊20种、电子阅读器10台、自习座位24个",
            description="<p>职工书屋实行开架借阅，每人每次可借2册、借期30天。"
            "书屋兼作职工学习室，工作日晚间可自习备考。</p>",
            photos=[("library", "职工书屋：开架借阅"), ("study_room", "职工学习室")],
        ),
    ]


def _rules(spec: UnionSpec, chairman: str) -> list[dict[str, Any]]:
    year = timezone.localdate().year
    return [
        dict(
            title="职工之家工作人员分工",
            slug="division-of-work",
            category=RulePage.Category.DIVISION_OF_WORK,
            in_force_from=datetime.date(year, 1, 1),
            version=f"{year}年修订",
            body=f"<p>为明确职责、提高服务质量，{spec.short_name}职工之家工作人员分工如下：</p><ol>"
            f"<li>工会主席{chairman}：全面负责职工之家建设和管理，主持主席接待日。</li>"
            "<li>工会副主席：分管职工之家日常运行、劳动保护和文体活动。</li>"
            "<li>劳动争议调解员：负责劳动法律咨询和劳动争议调解，建立调解台账。</li>"
            "<li>女职工委员会主任：负责女职工权益保护和爱心妈咪小屋管理。</li>"
            "<li>心理咨询师：负责心理疏导和减压室预约管理。</li>"
            "<li>职工书屋管理员：负责图书借阅、登记和读书活动。</li></ol>",
        ),
        dict(
            title="职工之家管理制度",
            slug="management-rules",
            category=RulePage.Category.MANAGEMENT,
            in_force_from=datetime.date(year - 1, 3, 1),
            version=f"{year - 1}年第1版",
            body="<ol><li>职工之家面向全体会员开放，开放时间在门口和本网站公示。</li>"
            "<li>使用活动场地须提前登记，活动结束后整理器材、关闭门窗水电。</li>"
            "<li>爱护公共设施，损坏器材照价赔偿；图书按期归还。</li>"
            "<li>工会每年初制定年度工作计划，年底向会员代表报告职工之家工作。</li>"
            "<li>职工意见和建议由专人登记，7个工作日内答复。</li></ol>",
        ),
        dict(
            title="劳动争议调解工作制度",
            slug="mediation-rules",
            category=RulePage.Category.MANAGEMENT,
            in_force_from=datetime.date(year - 1, 7, 1),
            version=f"{year - 1}年第1版",
            body="<ol><li>调解遵循自愿、合法、公正、及时的原则，尊重当事人的诉讼权利。</li>"
            "<li>调解委员会收到申请后3个工作日内决定是否受理。</li>"
            "<li>调解应当自受理之日起15日内结束；达成协议的，制作调解协议书。</li>"
            "<li>调解不成的，告知当事人申请劳动争议仲裁，或转街道工会服务站协调。</li>"
            "<li>调解员对当事人的个人信息和调解内容保密。</li></ol>",
        ),
        dict(
            title="主席接待日制度",
            slug="chairman-reception-day",
            category=RulePage.Category.MANAGEMENT,
            in_force_from=datetime.date(year, 2, 1),
            version=f"{year}年第1版",
            body="<p>每月第一个星期三为主席接待日，工会主席在劳动争议调解室接待职工来访，"
            "听取意见和诉求。接待情况登记在册，能当场答复的当场答复，不能当场答复的10个工作日内答复。</p>",
        ),
    ]


def _services(spec: UnionSpec, chairman_mobile: str) -> list[dict[str, Any]]:
    return [
        dict(
            title="倾听呼声 反映诉求",
            slug="appeals",
            duty=ServiceDuty.APPEALS,
            summary="受理职工的意见、建议和诉求，来信来访专人登记、限时答复。",
            for_whom="全体职工",
            when="工作日 9:00-17:00；每月第一个星期三主席接待日",
            where="工会办公室、劳动争议调解室",
            how_to_ask=f"<p>到工会办公室当面反映，拨打工会主席电话 {chairman_mobile}，或在本网站在线提交（可匿名）。</p>",
        ),
        dict(
            title="困难职工帮扶",
            slug="hardship",
            duty=ServiceDuty.HARDSHIP,
            summary="对生活、就业、子女教育、医疗等方面有困难的职工建档帮扶，定期回访。",
            for_whom="家庭生活困难、因病因灾致困的会员",
            when="常年受理",
            where="工会办公室",
            how_to_ask="<p>本人或同事向工会提出，填写《困难职工帮扶申请表》，工会核实后按规定给予帮扶并建立档案。</p>",
        ),
        dict(
            title="劳动争议调解和法律援助",
            slug="mediation",
            duty=ServiceDuty.MEDIATION,
            summary="提供劳动法律咨询、劳动争议调解，符合条件的协助申请法律援助。",
            for_whom="全体职工",
            when="工作日 9:00-17:00，可预约",
            where="劳动争议调解室",
            how_to_ask="<p>携带劳动合同、工资条等材料到调解室咨询，或提前电话预约调解员。</p>",
        ),
        dict(
            title="心理疏导",
            slug="counselling",
            duty=ServiceDuty.COUNSELLING,
            summary="一对一心理谈话、减压讲座和团体辅导，帮助职工缓解工作和生活压力。",
            for_whom="全体职工及家属",
            when="每周四 14:00-17:00 咨询师值班",
            where="职工减压室",
            how_to_ask="<p>向工会办公室预约咨询时段，谈话内容严格保密。</p>",
        ),
        dict(
            title="技能培训和职工书屋",
            slug="skills",
            duty=ServiceDuty.SKILLS,
            summary="组织岗位技能培训、技能比武和读书分享，职工书屋免费借阅。",
            for_whom="全体职工",
            when="培训按年度计划开展；书屋工作日 11:30-19:00",
            where="职工活动中心、职工书屋",
            how_to_ask="<p>关注公告栏的培训通知并报名；借书凭工牌到书屋登记。</p>",
        ),
        dict(
            title="文体活动和兴趣小组",
            slug="activities",
            duty=ServiceDuty.ACTIVITIES,
            summary="组织篮球、乒乓球、健步走、合唱、书法等文体活动和兴趣小组。",
            for_whom="全体会员",
            when="每周二、四晚间及周末",
            where="职工活动中心",
            how_to_ask="<p>在公告栏查看活动通知后报名，加入兴趣小组请联系工会副主席。</p>",
        ),
    ]


def _notices(spec: UnionSpec) -> list[dict[str, Any]]:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    return [
        dict(
            title="关于开展本年度职工合理化建议活动的通知",
            slug="proposals-campaign",
            kind=NoticePage.Kind.NOTICE,
            published_on=today - 3 * day,
            expires_on=today + 60 * day,
            pinned=True,
            body="<p>为激发职工创新创造活力，工会即日起开展职工合理化建议征集活动。"
            "建议可围绕生产经营、安全生产、节能降耗、职工生活等方面提出，"
            "由工会汇总后提交企业研究采纳，优秀建议年底给予表彰。</p>",
        ),
        dict(
            title="周六职工篮球友谊赛报名",
            slug="basketball-match",
            kind=NoticePage.Kind.NEWS,
            published_on=today - 1 * day,
            expires_on=today + 7 * day,
            pinned=False,
            body=f"<p>本周六上午9:00在职工活动中心举行{spec.short_name}篮球友谊赛，欢迎职工报名参赛或到场加油。"
            "每队5至8人，请于周四前到工会办公室报名。</p>",
        ),
        dict(
            title="本月主席接待日安排",
            slug="reception-day",
            kind=NoticePage.Kind.NOTICE,
            published_on=today - 5 * day,
            expires_on=today + 25 * day,
            pinned=False,
            body="<p>本月第一个星期三9:00-17:00，工会主席在劳动争议调解室接待职工来访，"
            "欢迎职工反映意见和建议。</p>",
        ),
        dict(
            title="心理健康讲座：职场压力与情绪管理",
            slug="counselling-lecture",
            kind=NoticePage.Kind.NEWS,
            published_on=today - 8 * day,
            expires_on=None,
            pinned=False,
            body="<p>工会邀请心理咨询师举办心理健康讲座，讲解压力识别和情绪调节方法，"
            "讲座后在减压室提供一对一咨询。</p>",
        ),
        dict(
            title="春节送温暖活动圆满结束",
            slug="spring-festival",
            kind=NoticePage.Kind.NEWS,
            published_on=today - 70 * day,
            expires_on=today - 40 * day,
            pinned=False,
            body="<p>春节前夕，工会走访慰问困难职工家庭，送去慰问金和年货。</p>",
        ),
    ]


def _brands(spec: UnionSpec) -> list[dict[str, Any]]:
    year = timezone.localdate().year
    return [
        dict(
            title=spec.brand,
            slug="brand-main",
            duty=ServiceDuty.HARDSHIP,
            since=year - 4,
            story=f"<p>“{spec.brand}”是{spec.short_name}的特色服务品牌。工会干部和工会积极分子结对联系一线职工，"
            "在节日、生日和遇到困难时上门看望，第一时间了解情况、反映诉求、协调解决。</p>"
            "<p>品牌从一个小小的互助小组起步，如今已经成为职工口口相传的“暖心服务”。</p>",
            results=f"<ul><li>累计服务职工{spec.member_count * 3}人次</li><li>帮扶困难职工家庭{max(3, spec.member_count // 40)}户</li>"
            "<li>获评区总工会优秀服务品牌</li></ul>",
            photos=[("activity", f"“{spec.brand}”志愿者走访一线职工")],
        ),
        dict(
            title="午间微课堂",
            slug="lunch-classes",
            duty=ServiceDuty.SKILLS,
            since=year - 2,
            story="<p>利用午休时间，邀请技术骨干和外部专家讲授20分钟的实用微课："
            "岗位技能、法律常识、健康知识、家庭理财，职工带着午饭就能听。</p>",
            results="<ul><li>每年开课40余期</li><li>参与职工满意率98%</li></ul>",
            photos=[("study_room", "午间微课堂在职工书屋开讲")],
        ),
    ]


# --- Filling ----------------------------------------------------------------------------------


def _publish(parent: Page, page: Page, result: FillResult) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    result.pages += 1
    return page


def _section(home: HomePage, model: type[Page]) -> Any:
    return model.objects.child_of(home).first()


@transaction.atomic
def site_demo_fill(*, spec: UnionSpec, index: int = 0) -> FillResult:
    """Fill the current schema's union site with the demo content of ``spec``; safe to repeat.

    Run it inside the union's schema (``tenant_context``); ``index`` is the union's position in
    the demo's list, from which its people and colour are derived.
    """
    from tenants.registry.demo_data import officer_person

    result = FillResult()
    home = HomePage.objects.first()
    if home is None:
        return result
    colour = COLOURS[index % len(COLOURS)]
    chairman = officer_person(index, 1)
    tag = spec.slug

    # The name plate: logo, colour, directions and photos (once; never over an editor's draft).
    if home.logo_id is None and not home.photos.exists() and not home.has_unpublished_changes:
        home.logo = _image(
            f"{spec.short_name}会徽", lambda: logo_png(short_name=spec.short_name, colour=colour), result
        )
        home.brand_colour = colour
        if not home.directions:
            home.directions = "乘地铁到附近站点，出站后步行约10分钟；园区东门进入，电梯到工会所在楼层，沿“职工之家”指示牌前行。"
        photos = [
            ("activity", "职工之家门口的标牌"),
            ("library", "职工书屋一角"),
            ("stress_relief_room", "职工减压室"),
        ]
        for n, (motif, caption) in enumerate(photos):
            image = _image(
                caption,
                lambda motif=motif, caption=caption, n=n: scene_png(
                    motif=motif, colour=colour, caption=caption, seed=n
                ),
                result,
            )
            home.photos.add(HomePhoto(image=image, caption=caption))
        home.save_revision().publish()

    rooms = _section(home, RoomIndexPage)
    if rooms is not None and not rooms.get_children().exists():
        for room in _rooms(spec):
            photos = room.pop("photos")
            page = RoomPage(**room)
            for n, (motif, caption) in enumerate(photos):
                image = _image(
                    caption,
                    lambda motif=motif, caption=caption, n=n: scene_png(
                        motif=motif, colour=colour, caption=caption, seed=n
                    ),
                    result,
                )
                page.photos.add(RoomPhoto(image=image, caption=caption))
            _publish(rooms, page, result)

    people = _section(home, PeoplePage)
    if people is not None and not people.chairman_name and not people.staff.exists():
        people.chairman_name = chairman.name
        people.chairman_mobile = chairman.mobile
        people.chairman_email = f"zhuxi.{tag}@example.com"
        people.chairman_photo = _image(
            f"工会主席{chairman.name}", lambda: portrait_png(name=chairman.name, colour=colour), result
        )
        for n, person in enumerate(_staff(spec, index), start=1):
            photo = _image(
                f"{person.role}{person.name}",
                lambda person=person: portrait_png(name=person.name, colour=colour),
                result,
            )
            people.staff.add(
                StaffMember(name=person.name, role=person.role, duties=person.duties,
                            badge_number=f"GH{index + 1:03d}{n:02d}", photo=photo)
            )  # fmt: skip
        people.save_revision().publish()

    rules = _section(home, RuleIndexPage)
    if rules is not None and not rules.get_children().exists():
        for rule in _rules(spec, chairman.name):
            _publish(rules, RulePage(**rule), result)

    services = _section(home, ServiceIndexPage)
    if services is not None and not services.get_children().exists():
        for service in _services(spec, chairman.mobile):
            _publish(services, ServiceItemPage(**service), result)

    bulletin = _section(home, BulletinPage)
    if bulletin is not None and not bulletin.get_children().exists():
        for notice in _notices(spec):
            _publish(bulletin, NoticePage(**notice), result)

    brands = _section(home, BrandIndexPage)
    if brands is not None and not brands.get_children().exists():
        for brand in _brands(spec):
            photos = brand.pop("photos")
            page = ServiceBrandPage(**brand)
            for n, (motif, caption) in enumerate(photos):
                image = _image(
                    caption,
                    lambda motif=motif, caption=caption, n=n: scene_png(
                        motif=motif, colour=colour, caption=caption, seed=n + 1
                    ),
                    result,
                )
                page.photos.add(BrandPhoto(image=image, caption=caption))
            _publish(brands, page, result)
    return result
