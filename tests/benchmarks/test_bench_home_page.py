"""The home page of a union with realistic content: render time and SQL queries per request.

Measured in one run, requests interleaved so that all three see the same machine:

- cold: every request rendered (no page cache);
- cached: Django's cache middleware in front (per-site cache of anonymous responses, keys made
  per union by ``django_tenants.cache.make_key`` and per host by the middleware itself);
- floor: a plain Django view returning the same HTML from memory, through the same middleware.

Every request is a new anonymous visitor (no cookies). Goals (issue 3): at most 15 queries per
page, and p95 within 5x of the in-memory floor when cached.
"""

from __future__ import annotations

import datetime
import io
import statistics
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django_tenants.utils import tenant_context
from PIL import Image as PILImage

from tests.benchmarks.conftest import bench_line, percentile

ROUNDS = 60
WARM_UP = 5
_FLOOR_HTML: dict[str, bytes] = {}


def floor_view(request):
    return HttpResponse(_FLOOR_HTML["home"])


def _urlpatterns():
    from workershome.urls_tenant import urlpatterns as tenant_urlpatterns

    return [path("bench-floor/", floor_view), *tenant_urlpatterns]


# This module is the URL conf of the benchmark (settings.ROOT_URLCONF): the union's own URLs and
# the floor view. Built lazily so that importing the module does not import the URL confs early.
def __getattr__(name: str):
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def _image(title: str, colour: tuple[int, int, int]):
    from wagtail.images import get_image_model

    out = io.BytesIO()
    PILImage.new("RGB", (1200, 800), colour).save(out, "JPEG", quality=80)
    image = get_image_model()(title=title, file=ContentFile(out.getvalue(), name=f"{title}.jpg"))
    image.save()
    return image


def build_home_content() -> None:
    """A union site as a real one looks: rooms, people, rules, services, notices and brands."""
    from cms import models as m

    try:  # the demo content, when it exists, is the most realistic
        from cms.demo import site_demo_fill  # type: ignore[import-not-found]
    except ImportError:
        site_demo_fill = None
    home = m.HomePage.objects.get()
    if site_demo_fill is not None:
        try:
            site_demo_fill(home=home)
            return
        except TypeError:
            pass
    today = datetime.date.today()
    logo = _image("会徽", (183, 28, 28))
    home.intro = "<p>职工之家是职工的温暖港湾，提供困难帮扶、法律援助、心理疏导、技能培训和文体活动。</p>"
    home.address, home.opening_hours = "北京市朝阳区望京街10号星河大厦三层", "周一至周五 9:00–18:00"
    home.directions = "地铁14号线望京站C口向东300米"
    home.logo = logo
    for i, colour in enumerate([(200, 120, 80), (90, 140, 200), (120, 180, 120)]):
        home.photos.add(m.HomePhoto(image=_image(f"职工之家{i}", colour), caption=f"职工之家一角{i + 1}"))
    home.save_revision().publish()

    rooms = m.RoomIndexPage.objects.get()
    for i, (kind, title) in enumerate(
        [("activity_centre", "职工活动中心"), ("mediation_room", "劳动争议调解室"),
         ("stress_relief_room", "心理减压室"), ("library", "职工书屋"), ("nursing_room", "爱心妈妈小屋")]
    ):  # fmt: skip
        room = m.RoomPage(
            title=title, slug=f"room-{i}", kind=kind, uses=["study_room"], location=f"三层{301 + i}室",
            area=40 + 10 * i, capacity=20 + 5 * i, hours="9:00–18:00", equipment=["culture", "living"],
            description="<p>配备桌椅、投影和饮水设施。</p>",
        )  # fmt: skip
        room.photos.add(m.RoomPhoto(image=_image(f"{title}照片", (100 + 20 * i, 120, 140))))
        rooms.add_child(instance=room).save_revision().publish()

    people = m.PeoplePage.objects.get()
    people.chairman_name, people.chairman_mobile = "张伟", "13800138000"
    people.chairman_email, people.chairman_photo = "zhangwei@example.cn", _image("主席照片", (60, 60, 60))
    for i, (name, role) in enumerate(
        [("张伟", "工会主席"), ("李娜", "副主席"), ("王强", "经审委员"), ("赵敏", "女职工委员"),
         ("陈刚", "组织委员"), ("刘洋", "宣传委员")]
    ):  # fmt: skip
        people.staff.add(m.StaffMember(name=name, role=role, badge_number=f"GH{1000 + i}", duties="联系职工"))
    people.save_revision().publish()

    rules = m.RuleIndexPage.objects.get()
    for i in range(4):
        rules.add_child(instance=m.RulePage(
            title=f"职工之家管理制度{i + 1}", slug=f"rule-{i}", category="management",
            in_force_from=today - datetime.timedelta(days=100 * i), version="2026年修订",
            body="<p>第一条 为规范职工之家的管理……</p>",
        )).save_revision().publish()  # fmt: skip

    services = m.ServiceIndexPage.objects.get()
    for i, duty in enumerate(m.ServiceDuty.values):
        services.add_child(instance=m.ServiceItemPage(
            title=f"{m.ServiceDuty(duty).label}服务", slug=f"service-{i}", duty=duty,
            summary="为职工提供及时、贴心的服务", for_whom="本单位全体职工", when="工作日",
            where="职工之家", how_to_ask="<p>到职工之家或拨打电话预约。</p>",
        )).save_revision().publish()  # fmt: skip

    bulletin = m.BulletinPage.objects.get()
    for i in range(10):
        bulletin.add_child(instance=m.NoticePage(
            title=f"关于开展第{i + 1}期职工活动的通知", slug=f"notice-{i}", kind="notice" if i % 2 else "news",
            published_on=today - datetime.timedelta(days=3 * i), pinned=i == 0, body="<p>请广大职工踊跃参加。</p>",
        )).save_revision().publish()  # fmt: skip

    brands = m.BrandIndexPage.objects.get()
    for i, title in enumerate(["暖心驿站", "法律服务进车间"]):
        brand = m.ServiceBrandPage(
            title=title, slug=f"brand-{i}", duty="mediation", since=2020 + i,
            story="<p>多年来坚持为职工服务。</p>", results="<p>累计服务职工上千人次。</p>",
        )  # fmt: skip
        brand.photos.add(m.BrandPhoto(image=_image(f"{title}照片", (150, 100, 60 + 30 * i))))
        brands.add_child(instance=brand).save_revision().publish()


def _timed(client: Client, url: str) -> tuple[float, int, bytes]:
    client.cookies.clear()  # a new anonymous visitor each time
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, url
    return elapsed * 1000, len(queries), response.content


def _served_from_cache(client: Client, url: str) -> bool:
    client.cookies.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return not any("wagtailcore_page" in query["sql"] for query in queries.captured_queries)


@pytest.mark.benchmark
@pytest.mark.django_db
def test_bench_home_page_cold_cached_and_floor(union_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"  # makes the tenant storage recompute its root
    with tenant_context(union_a):
        build_home_content()
    settings.ROOT_URLCONF = __name__
    host = union_a.primary_host

    # The settings' per-site cache for anonymous visitors: left out of the cold client's middleware,
    # on for the cached one (a client loads its middleware chain on its first request).
    with_cache = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [name for name in with_cache if "CacheMiddleware" not in name]
    cold = Client(HTTP_HOST=host)
    html = cold.get("/").content  # renditions are made on this first request; loads the chain
    assert union_a.name.encode() in html
    _FLOOR_HTML["home"] = html
    settings.MIDDLEWARE = with_cache
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    cached = Client(HTTP_HOST=host)
    cached.get("/")  # loads this client's middleware chain and fills the cache
    cacheable = _served_from_cache(cached, "/")

    kinds = (
        ("cold", cold, "/", True),  # TENANT_LIMIT_SET_CALLS = True, as in the settings
        ("cold_set_every_query", cold, "/", False),  # django-tenants' default, for comparison
        ("cached", cached, "/", True),
        ("floor", cold, "/bench-floor/", True),
    )
    results: dict[str, list[tuple[float, int]]] = {name: [] for name, *_ in kinds}
    for round_ in range(WARM_UP + ROUNDS):
        for name, client, url, limit_set_calls in kinds:
            settings.TENANT_LIMIT_SET_CALLS = limit_set_calls
            ms, queries, content = _timed(client, url)
            assert union_a.name.encode() in content, name
            if round_ >= WARM_UP:
                results[name].append((ms, queries))
    settings.TENANT_LIMIT_SET_CALLS = True

    def times(name: str) -> list[float]:
        return [ms for ms, _ in results[name]]

    def queries(name: str) -> int:
        return round(statistics.median(q for _, q in results[name]))

    print(f"\nhome page, {ROUNDS} requests each (new anonymous visitor each), ms p50/p95 and SQL statements:")
    for name in results:
        print(f"  {name:15} p50 {statistics.median(times(name)):7.2f} p95 {percentile(times(name), 95):7.2f} "
              f"statements {queries(name)}")  # fmt: skip
    print(f"  the home page is stored by the per-site cache for a new visitor: {cacheable}")
    floor_p50, floor_p95 = statistics.median(times("floor")), percentile(times("floor"), 95)
    for name in ("cold", "cold_set_every_query", "cached"):
        bench_line(f"home_queries_{name}", queries(name), "queries", queries("floor"), "<=15_queries",
                   queries(name) <= 15)  # fmt: skip
    for name in ("cold", "cold_set_every_query", "cached"):
        bench_line(f"home_p50_{name}", statistics.median(times(name)), "ms", floor_p50, "reported", True)
        if name != "cached":
            bench_line(f"home_p95_{name}", percentile(times(name), 95), "ms", floor_p95, "reported", True)
    cached_p95 = percentile(times("cached"), 95)
    bench_line("home_p95_cached", cached_p95, "ms", floor_p95, "p95_within_5x_of_in-memory_floor",
               cached_p95 <= 5 * floor_p95)  # fmt: skip
    assert all(len(values) == ROUNDS for values in results.values())
    assert cacheable, "anonymous home pages must be cacheable (no cookie set on them)"
