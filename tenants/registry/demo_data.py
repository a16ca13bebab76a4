"""The demo: a city federation with districts, streets, unions, their staff and members.

``seed_demo()`` builds it through the same services production uses (``portal_ensure``,
``union_provision``, ``account_get_or_create``, ``local_user_for_account``) and is safe to run
again: whatever exists is kept as it is (a page someone edited, a password someone changed) and
only what is missing is added. ``manage.py seed_demo`` calls it; tests call it with a few unions.

Every demo account signs in with its mobile number and ``DEMO_PASSWORD``. Mobile numbers and
credit codes are derived from each union's position in ``UNIONS`` and its slug: add new unions
at the end of the list, never in the middle, or a re-run would not find the people it made.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context
from tqdm import tqdm

from accounts.models import Account
from accounts.services import account_get_or_create, local_user_for_account
from cms.demo import site_demo_fill
from federation.models import District, FederationRole, Street

from .models import Union
from .services import portal_ensure, union_provision, union_url
from .validators import credit_code_check_char

# Each union app's demo content: ``demo_fill(spec=, index=)``, run in the union's schema, idempotent.
CASE_DEMO_MODULES = (
    "syndication.demo",  # the federation's notices, published once (on the first union's run)
    "tenants.cases.demo",
    "tenants.appeals.demo",
    "tenants.proposals.demo",
    "tenants.incidents.demo",
    "tenants.reception.demo",
    "tenants.contact.demo",
    "tenants.hardship.demo",  # journey 5: consent, a household file, a medical grant, the monthly visit due
    "tenants.mediation.demo",  # journey 6: a consultation, a settled case with its agreement, a referral
    "tenants.referrals_out.demo",  # the failed case to the street station, a case to the district, one to a sister union
    "tenants.membership.demo",  # the roster (会员名册), imported from a generated workbook
    "tenants.committees.demo",  # after the roster: committees, terms, positions held by its members
    "tenants.elections.demo",  # after the committees: the renewal's plan, approval and ballot
    "tenants.congress.demo",  # delegates from the roster; motions, replies, a resolution
    "tenants.appraisal.demo",  # after the committees: their leaders are the subjects rated
    "tenants.plans.demo",  # this year's work plan and last year's with its summary
    "tenants.mechanisms.demo",  # joint meetings, partners, activists, staff duties, reports sent up
    "tenants.groups.demo",
    "tenants.rooms.demo",  # after the groups (a group books a room); skips times already taken
    "tenants.library.demo",
    "tenants.activities.demo",
    "tenants.counselling.demo",  # after the activities: counsellors, slots, a lecture next week
    "tenants.training.demo",  # courses with sessions, registers and a certificate
    "tenants.job_referrals.demo",  # after the training courses it refers workers to
    "docking.demo",  # after the stations (referrals) and rooms: shared resources and bookings (有对接)
    "tenants.archives.demo",  # files the activities' summaries, rules and minutes
    "assessment.demo",  # last: scores the union from the facts everything above wrote
)

DEMO_PASSWORD = "Demo@2026"
PORTAL_NAME = "北京市总工会"


# --- Specifications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    mobile: str


@dataclass(frozen=True)
class StreetSpec:
    name: str
    code: str
    station_staff: Person


@dataclass(frozen=True)
class DistrictSpec:
    name: str
    code: str
    admin: Person
    streets: tuple[StreetSpec, ...]


@dataclass(frozen=True)
class UnionSpec:
    slug: str
    name: str
    short_name: str
    employer: str
    street_code: str
    industry: str
    member_count: int
    address: str
    brand: str  # the union's service brand (服务品牌), named in its introduction


CITY_ADMIN = Person("王建国", "13900000001")

# Administrative codes in the style of the national statistical division codes.
DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        "朝阳区", "110105", Person("张丽华", "13900000105"),
        (
            StreetSpec("望京街道", "110105010", Person("刘志强", "13900010510")),
            StreetSpec("酒仙桥街道", "110105011", Person("赵春梅", "13900010511")),
        ),
    ),
    DistrictSpec(
        "海淀区", "110108", Person("陈国栋", "13900000108"),
        (
            StreetSpec("中关村街道", "110108015", Person("孙晓燕", "13900010815")),
            StreetSpec("学院路街道", "110108010", Person("周海涛", "13900010810")),
        ),
    ),
    DistrictSpec(
        "东城区", "110101", Person("吴秀英", "13900000101"),
        (
            StreetSpec("东华门街道", "110101001", Person("郑立新", "13900010101")),
            StreetSpec("和平里街道", "110101010", Person("黄雅琴", "13900010110")),
        ),
    ),
)  # fmt: skip

_I = Union.Industry
UNIONS: tuple[UnionSpec, ...] = (
    # 朝阳区 · 望京街道
    UnionSpec("xinghe", "朝阳区星河科技有限公司工会", "星河科技工会", "北京星河科技有限公司",
              "110105010", _I.IT, 386, "北京市朝阳区望京街10号院3号楼2层", "码上关爱"),
    UnionSpec("yunfan", "北京云帆数据服务有限公司工会", "云帆数据工会", "北京云帆数据服务有限公司",
              "110105010", _I.IT, 214, "北京市朝阳区阜通东大街6号院2号楼5层", "云帆驿站"),
    UnionSpec("wangjing-hotel", "北京望京国际酒店管理有限公司工会", "望京国际酒店工会",
              "北京望京国际酒店管理有限公司", "110105010", _I.HOSPITALITY, 158,
              "北京市朝阳区广顺北大街18号B1层", "暖心小厨"),
    UnionSpec("huimin", "北京惠民连锁超市有限公司工会", "惠民超市工会", "北京惠民连锁超市有限公司",
              "110105010", _I.RETAIL, 97, "北京市朝阳区望京西园四区412号楼1层", "惠民互助金"),
    # 朝阳区 · 酒仙桥街道
    UnionSpec("dongfang-dianzi", "北京东方电子器件厂工会", "东方电子工会", "北京东方电子器件厂",
              "110105011", _I.MANUFACTURING, 642, "北京市朝阳区酒仙桥路4号厂区综合楼3层", "工匠学堂"),
    UnionSpec("hengxin", "北京恒信精密机械有限公司工会", "恒信精机工会", "北京恒信精密机械有限公司",
              "110105011", _I.MANUFACTURING, 275, "北京市朝阳区酒仙桥北路9号院5号楼1层", "恒心帮扶"),
    UnionSpec("shunda", "北京顺达物流有限公司工会", "顺达物流工会", "北京顺达物流有限公司",
              "110105011", _I.LOGISTICS, 318, "北京市朝阳区将台路甲2号院物流园1号楼", "骑手加油站"),
    # 海淀区 · 中关村街道
    UnionSpec("siyuan", "北京思远软件股份有限公司工会", "思远软件工会", "北京思远软件股份有限公司",
              "110108015", _I.IT, 524, "北京市海淀区中关村大街27号中关村大厦8层", "思远读书会"),
    UnionSpec("hairong", "北京海融小额贷款股份有限公司工会", "海融小贷工会", "北京海融小额贷款股份有限公司",
              "110108015", _I.FINANCE, 86, "北京市海淀区海淀大街38号楼12层", "金融知识讲堂"),
    UnionSpec("borui", "北京博睿生物技术有限公司工会", "博睿生物工会", "北京博睿生物技术有限公司",
              "110108015", _I.SERVICES, 143, "北京市海淀区科学院南路2号融科资讯中心C座6层", "博睿健康行"),
    UnionSpec("mingde", "北京市海淀区明德实验学校工会", "明德学校工会", "北京市海淀区明德实验学校",
              "110108015", _I.EDUCATION, 168, "北京市海淀区苏州街29号明德楼1层", "教师心灵驿站"),
    # 海淀区 · 学院路街道
    UnionSpec("xuefu", "北京学府餐饮管理有限公司工会", "学府餐饮工会", "北京学府餐饮管理有限公司",
              "110108010", _I.HOSPITALITY, 205, "北京市海淀区学院路30号院餐饮中心2层", "学府厨艺坊"),
    UnionSpec("renhe", "北京仁和康复医院工会", "仁和康复医院工会", "北京仁和康复医院",
              "110108010", _I.HEALTH, 312, "北京市海淀区学院路甲5号门诊楼4层", "白衣天使之家"),
    UnionSpec("dingli", "北京鼎力建设工程有限公司工会", "鼎力建设工会", "北京鼎力建设工程有限公司",
              "110108010", _I.CONSTRUCTION, 730, "北京市海淀区成府路45号院项目部2号楼", "农民工夜校"),
    UnionSpec("xinxuetang", "北京新学堂教育科技有限公司工会", "新学堂教育工会",
              "北京新学堂教育科技有限公司", "110108010", _I.EDUCATION, 122,
              "北京市海淀区知春路甲48号盈都大厦B座9层", "新学堂成长营"),
    # 东城区 · 东华门街道
    UnionSpec("donghua-baihuo", "北京东华百货商场有限公司工会", "东华百货工会", "北京东华百货商场有限公司",
              "110101001", _I.RETAIL, 356, "北京市东城区王府井大街201号商场办公楼5层", "东华姐妹花"),
    UnionSpec("jintai", "北京金台饭店有限公司工会", "金台饭店工会", "北京金台饭店有限公司",
              "110101001", _I.HOSPITALITY, 189, "北京市东城区南河沿大街11号副楼2层", "金台服务之星"),
    UnionSpec("donghuamen-fuwu", "北京市东城区东华门社区服务中心工会", "东华门社区服务中心工会",
              "北京市东城区东华门社区服务中心", "110101001", _I.PUBLIC, 45,
              "北京市东城区东华门大街50号1层", "邻里暖心站"),
    # 东城区 · 和平里街道
    UnionSpec("anhe", "北京安和中医门诊部有限公司工会", "安和中医工会", "北京安和中医门诊部有限公司",
              "110101010", _I.HEALTH, 64, "北京市东城区和平里东街15号2层", "中医养生课堂"),
    UnionSpec("heshun", "北京和顺出租汽车有限公司工会", "和顺出租工会", "北京和顺出租汽车有限公司",
              "110101010", _I.LOGISTICS, 1180, "北京市东城区和平里北街甲6号车队调度楼1层", "的哥的姐爱心驿站"),
)  # fmt: skip

# Roles of the officers beside the chairman, by union (cycled): two or three people each.
OFFICER_ROLE_SETS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("officer", "editor"), ("mediator",), ("counsellor",)),
    (("officer",), ("mediator", "counsellor"), ("librarian", "editor")),
    (("officer", "librarian"), ("mediator",)),
    (("officer",), ("counsellor",), ("editor",)),
    (("officer", "mediator"), ("librarian",)),
)

_OPENING_HOURS: dict[str, str] = {
    _I.MANUFACTURING: "工作日 8:30-17:30，倒班职工可电话预约",
    _I.HOSPITALITY: "每日 10:00-20:00，节假日照常开放",
    _I.HEALTH: "每日 10:00-20:00，节假日照常开放",
    _I.LOGISTICS: "每日 9:00-21:00，夜班职工可预约",
    _I.EDUCATION: "工作日 12:00-13:30、16:30-18:00",
    _I.PUBLIC: "工作日 9:00-17:00",
}
_DEFAULT_OPENING_HOURS = "工作日 9:00-18:00，周六 14:00-17:00"

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺"
)
_GIVEN_NAMES = (
    "建华", "秀兰", "志刚", "丽娟", "海燕", "文博", "静怡", "国强", "雅婷", "子轩", "梦瑶", "宏伟",
    "春燕", "立军", "思琪", "永红", "慧敏", "俊杰", "玉兰", "鹏飞", "淑珍", "浩然", "佳怡", "德明",
    "桂芳", "晨阳", "欣怡", "振华", "红霞", "天宇", "晓东", "美玲", "少华", "凤英", "嘉伟", "雨桐",
    "光明", "翠萍", "明轩", "婉清", "伟东", "艳芳", "家豪", "秋菊", "一帆", "雪梅", "泽宇", "丹丹",
    "卫国", "小芳", "昊天", "金凤", "锦程", "若曦", "长青", "素琴", "博文", "晓婷", "建新", "诗涵",
)  # fmt: skip


def _person_name(k: int) -> str:
    """A Chinese name for the k-th demo person: deterministic, varied."""
    return _SURNAMES[(k * 37) % len(_SURNAMES)] + _GIVEN_NAMES[(k * 7) % len(_GIVEN_NAMES)]


def officer_person(union_index: int, slot: int) -> Person:
    """Slot 1 is the chairman, slots 2 to 4 the other officers: mobiles 138 + union + slot."""
    return Person(_person_name(union_index * 100 + slot), f"138{union_index + 1:04d}{slot:04d}")


def member_person(union_index: int, slot: int) -> Person:
    """Members, slots from 1: mobiles 137 + union + slot."""
    return Person(_person_name(union_index * 100 + 50 + slot), f"137{union_index + 1:04d}{slot:04d}")


def member_total(union_index: int) -> int:
    """How many demo members a union gets: between 5 and 10."""
    return 5 + (union_index * 7) % 6


def officer_roles(union_index: int) -> tuple[tuple[str, ...], ...]:
    return OFFICER_ROLE_SETS[union_index % len(OFFICER_ROLE_SETS)]


def _organization_code(body8: str) -> str:
    """The 9-character organisation code (GB 11714): eight characters and their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(spec: UnionSpec, district_code: str) -> str:
    """A valid unified social credit code (GB 32100) for a demo union, stable across runs.

    "91" (an enterprise registered with market regulation), the district's code, an
    organisation code derived from the slug, and the check character.
    """
    serial = zlib.crc32(spec.slug.encode()) % 100_000
    first17 = "91" + district_code + _organization_code(f"MA0{serial:05d}")
    return first17 + credit_code_check_char(first17)


def _intro(spec: UnionSpec, district: str, street: str) -> str:
    return (
        f"<p>{spec.name}职工之家是{spec.employer}全体职工的温馨港湾。本会现有会员{spec.member_count}人，"
        f"在{district}总工会的指导下开展工作，{street}工会服务站就近为职工提供服务。</p>"
        "<p>职工之家设有劳动争议调解室、职工减压室和职工书屋（一室多用），常年开展倾听呼声、"
        "困难职工帮扶、劳动争议调解、心理疏导、技能培训和文体活动等服务。"
        f"我们的服务品牌“{spec.brand}”深受职工喜爱。</p>"
        "<p>每月第一个星期三为主席接待日，欢迎职工来访，也可以在本站在线提出意见和建议。</p>"
    )


_PORTAL_INTRO = (
    "<p>欢迎来到北京市总工会职工之家平台。平台汇集全市基层工会的职工之家，"
    "职工可以在这里查找身边的职工之家，报名参加活动，反映诉求，申请困难帮扶和法律援助。</p>"
    "<p>市、区总工会和街道（乡镇）工会服务站通过平台了解基层工会建家情况，"
    "协调转办职工诉求，共享场地、课程和专家资源。</p>"
)


# --- Seeding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    label: str
    name: str
    mobile: str
    url: str


@dataclass
class SeedResult:
    portal: Union
    unions: list[Union] = field(default_factory=list)
    unions_created: int = 0
    logins: list[Login] = field(default_factory=list)
    password: str = DEMO_PASSWORD


def seed_demo(*, unions: int | None = None, progress: bool = False) -> SeedResult:
    """Create (or complete) the demo; ``unions`` limits it to the first N unions of ``UNIONS``."""
    password_validation.validate_password(DEMO_PASSWORD)
    # One hash for every demo account: hashing each with Argon2 would take half a minute.
    password_hash = make_password(DEMO_PASSWORD)
    with schema_context(get_public_schema_name()):
        with transaction.atomic():
            portal = portal_ensure(name=PORTAL_NAME)
            _home_page_fill(intro=_PORTAL_INTRO)
            districts, streets = _geography_ensure()
            _federation_staff_ensure(districts, streets, password_hash)
        result = SeedResult(portal=portal)

        specs = UNIONS if unions is None else UNIONS[: max(0, unions)]
        bar = tqdm(specs, desc="unions", unit="union", disable=not progress)
        for index, spec in enumerate(bar):
            bar.set_postfix_str(spec.slug)
            union, created = _union_seed(index, spec, streets, password_hash)
            result.unions.append(union)
            result.unions_created += int(created)
        bar.close()

        result.logins = _logins(portal, result.unions)
    return result


def _geography_ensure() -> tuple[dict[str, District], dict[str, Street]]:
    """The demo's districts and streets, keyed by the specs' codes.

    A district or street already registered under the same name (with another code) is used
    as it is, so the demo fits into a database where someone has set up the geography already.
    """
    districts: dict[str, District] = {}
    streets: dict[str, Street] = {}
    for d in DISTRICTS:
        district = District.objects.filter(Q(code=d.code) | Q(name=d.name)).order_by("pk").first()
        if district is None:
            district = District.objects.create(code=d.code, name=d.name)
        districts[d.code] = district
        for s in d.streets:
            street = (
                Street.objects.filter(district=district, name=s.name).first()
                or Street.objects.filter(code=s.code).first()
                or Street.objects.create(code=s.code, name=s.name, district=district)
            )
            streets[s.code] = street
    return districts, streets


def _account_ensure(person: Person, password_hash: str, *, home_union: Union | None = None) -> Account:
    account, _created = account_get_or_create(mobile=person.mobile, name=person.name, home_union=home_union)
    _password_ensure(account, password_hash)
    return account


def _password_ensure(account: Account, password_hash: str) -> None:
    """Give a demo account the demo password unless it already has one (kept if changed)."""
    if not account.has_usable_password():
        account.password = password_hash
        account.save(update_fields=["password"])


def _staff_ensure(
    person: Person,
    password_hash: str,
    kind: str,
    *,
    district: District | None = None,
    street: Street | None = None,
) -> None:
    """A federation staff member: account, portal user with the role's group, scoped role."""
    account = _account_ensure(person, password_hash)
    user = local_user_for_account(account=account, create=True, roles=(kind,))
    assert user is not None
    FederationRole.objects.get_or_create(user=user, kind=kind, district=district, street=street)


def _federation_staff_ensure(
    districts: dict[str, District], streets: dict[str, Street], password_hash: str
) -> None:
    _staff_ensure(CITY_ADMIN, password_hash, FederationRole.Kind.CITY_ADMIN)
    for d in DISTRICTS:
        _staff_ensure(d.admin, password_hash, FederationRole.Kind.DISTRICT_ADMIN, district=districts[d.code])
        for s in d.streets:
            _staff_ensure(
                s.station_staff, password_hash, FederationRole.Kind.STATION_STAFF, street=streets[s.code]
            )


@transaction.atomic
def _union_seed(
    index: int, spec: UnionSpec, streets: dict[str, Street], password_hash: str
) -> tuple[Union, bool]:
    street = streets[spec.street_code]
    district = street.district
    chairman = officer_person(index, 1)
    # A union registered already under the demo's address or name (say, created by hand on the
    # portal while following the journeys) is completed as it is, with its own credit code.
    existing = Union.objects.filter(Q(slug=spec.slug) | Q(name=spec.name)).order_by("pk").first()
    if existing is None:
        provisioned = union_provision(
            name=spec.name,
            slug=spec.slug,
            credit_code=demo_credit_code(spec, district.code),
            officer_mobile=chairman.mobile,
            officer_name=chairman.name,
            officer_email=f"{spec.slug}@example.com",
            short_name=spec.short_name,
            employer=spec.employer,
            district=district,
            street=street,
            industry=spec.industry,
            member_count=spec.member_count,
        )
        union, created, chairman_account = provisioned.union, provisioned.created, provisioned.officer
    else:
        # Provisioning again never adds a chairman to a union that has one; the demo's own
        # chairman is seeded directly, like its other officers.
        union, created = existing, False
        chairman_account = _account_ensure(chairman, password_hash, home_union=union)
        with tenant_context(union):
            local_user_for_account(account=chairman_account, create=True, roles=("chairman",))
    _password_ensure(chairman_account, password_hash)

    officers = [
        (_account_ensure(officer_person(index, slot), password_hash, home_union=union), roles)
        for slot, roles in enumerate(officer_roles(index), start=2)
    ]
    members = [
        _account_ensure(member_person(index, slot), password_hash, home_union=union)
        for slot in range(1, member_total(index) + 1)
    ]
    with tenant_context(union):
        for account, roles in officers:
            local_user_for_account(account=account, create=True, roles=roles)
        for account in members:
            local_user_for_account(account=account, create=True, roles=("member",))
        _home_page_fill(
            intro=_intro(spec, district.name, street.name),
            address=spec.address,
            opening_hours=_OPENING_HOURS.get(spec.industry, _DEFAULT_OPENING_HOURS),
        )
        site_demo_fill(spec=spec, index=index)
        for module in CASE_DEMO_MODULES:
            import_module(module).demo_fill(spec=spec, index=index)
        # The federation's figures come from facts: deliver what the demo wrote now, even
        # where no worker runs the outbox sweep (the demo's runserver has none).
        from tenants.events.delivery import outbox_deliver_pending

        while outbox_deliver_pending(limit=2000).delivered:
            pass
    return union, created


def _home_page_fill(*, intro: str, address: str = "", opening_hours: str = "") -> bool:
    """Fill the current schema's home page fields that are still empty, and publish.

    A page with an unpublished draft is left alone: someone is editing it.
    """
    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is None or home.has_unpublished_changes:
        return False
    changed = False
    for name, value in (("intro", intro), ("address", address), ("opening_hours", opening_hours)):
        if value and not getattr(home, name):
            setattr(home, name, value)
            changed = True
    if changed:
        home.save_revision().publish()
    return changed


def _logins(portal: Union, unions: list[Union]) -> list[Login]:
    """Who to sign in as: federation staff on the portal, the first union's chairman and a member."""
    portal_admin = union_url(portal) + "admin/"
    district = DISTRICTS[0]
    street = district.streets[0]
    wanted = [
        ("city administrator", CITY_ADMIN, portal_admin),
        (f"district administrator, {district.name}", district.admin, portal_admin),
        (f"station staff, {street.name}", street.station_staff, portal_admin),
    ]
    if unions:  # unions[i] was seeded from UNIONS[i]
        union, spec = unions[0], UNIONS[0]
        wanted += [
            (f"chairman, {spec.short_name}", officer_person(0, 1), union_url(union) + "admin/"),
            (f"member, {spec.short_name}", member_person(0, 1), union_url(union)),
        ]
    # The names as registered: an account made before keeps the name it was given then.
    names = dict(
        Account.objects.filter(mobile__in=[person.mobile for _l, person, _u in wanted]).values_list(
            "mobile", "name"
        )
    )
    return [
        Login(label, names.get(person.mobile, person.name), person.mobile, url)
        for label, person, url in wanted
    ]
