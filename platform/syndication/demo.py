"""Demo of federation notices: the city federation's policy to every union and a notice of the
朝阳 district federation to its unions, published on the portal through the services.

Called per union (inside its schema) like the unions' demo modules; the notices are the
federation's, so only the first union's call publishes them, on the public schema. Safe to run
again: a notice whose title already exists is not published twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_tenants.utils import get_public_schema_name, schema_context

from federation.models import District, FederationRole

from .models import FederationNotice
from .services import notice_publish

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

NOTICES = (
    (
        "city", "policy", "关于做好2027年度职工互助保障工作的通知",
        "各区总工会、各基层工会：\n\n为进一步做好职工互助保障工作，切实减轻职工因病、因意外造成的经济负担，"
        "现将2027年度职工互助保障工作有关事项通知如下。\n\n一、参保对象为本市各基层工会会员，由基层工会统一组织参保。"
        "\n\n二、保障期限为一年，自2027年1月1日起至2027年12月31日止。\n\n三、请各基层工会于2026年12月20日前完成参保信息报送。",
    ),
    (
        "city", "notice", "关于开展2027年“两节”送温暖活动的通知",
        "各区总工会、各基层工会：\n\n元旦、春节将至，请各基层工会认真摸排困难职工家庭情况，"
        "做好走访慰问工作，确保困难职工温暖过节。\n\n慰问情况请于2027年1月31日前通过信息报送上报。",
    ),
    (
        "110105", "notice", "关于举办朝阳区职工技能大赛的通知",
        "区内各基层工会：\n\n为弘扬劳模精神、劳动精神、工匠精神，区总工会定于2027年3月举办朝阳区职工技能大赛，"
        "设电工、钳工、数控车工三个工种。\n\n请各基层工会于2027年2月15日前报送参赛人员名单。",
    ),
)  # fmt: skip


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    if index != 0:
        return
    with schema_context(get_public_schema_name()):
        roles = FederationRole.objects.select_related("user", "district")
        city = roles.filter(kind=FederationRole.Kind.CITY_ADMIN).first()
        for scope, kind, title, body in NOTICES:
            if FederationNotice.objects.filter(title=title).exists():
                continue
            if scope == "city":
                if city is not None:
                    notice_publish(title=title, body=body, kind=kind, to_all=True, by=city.user)
                continue
            district = District.objects.filter(code=scope).first()
            admin = roles.filter(kind=FederationRole.Kind.DISTRICT_ADMIN, district=district).first()
            if district is not None and admin is not None:
                notice_publish(title=title, body=body, kind=kind, districts=[district], by=admin.user)
