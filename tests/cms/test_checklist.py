"""The home's checklist (五亮、六有) on a union's admin dashboard (journey 2: the chairman sets up
the home). The service says what is in place, what is missing and where it is fixed; the panel
shows it to the union's staff; another union's content never counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.checklist import Status, home_checklist
from cms.models import (
    BrandIndexPage,
    BulletinPage,
    HomePage,
    HomePhoto,
    NoticePage,
    PeoplePage,
    ProcedureIndexPage,
    RoomIndexPage,
    RoomPage,
    RuleIndexPage,
    RulePage,
    ServiceBrandPage,
    ServiceDuty,
    ServiceIndexPage,
    ServiceItemPage,
    StaffMember,
)
from docking.models import SharedResource
from tenants.activities.models import Activity
from tenants.cases.procedures import procedures_adopt_defaults
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)
ACTIONABLE = {
    "name_plate", "chairman_contact", "staff_badges", "rules_published", "services_published",
    "bulletin_updated", "rooms_declared", "mediation_room", "stress_relief_room", "workers_library",
    "room_equipment", "staff_listed", "service_brand", "procedures_published", "activities_held", "docking",
}  # fmt: skip
_slugs = iter(range(1, 10_000))


# --- helpers: content made through the page models, the way the admin makes it ---------------


def home() -> HomePage:
    return HomePage.objects.get()


def section(model):
    return model.objects.child_of(home()).get()


def add(parent, page):
    page.slug = page.slug or f"p{next(_slugs)}"
    return parent.add_child(instance=page)


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_url(model, parent) -> str:
    return reverse("wagtailadmin_pages:add", args=["cms", model._meta.model_name, parent.pk])


def an_image() -> Image:
    return Image.objects.create(title="职工之家外景", file=get_test_image_file())


def fill_name_plate(*, picture: str | None = "photo") -> None:
    page = home()
    page.address = "北京市朝阳区望京街10号星河大厦B1"
    page.opening_hours = "工作日 9:00—18:00"
    if picture == "logo":
        page.logo = an_image()
    page.save()
    if picture == "photo":
        HomePhoto.objects.create(page=page, image=an_image(), caption="活动中心")


def publish_contact(*, mobile: str = "13800138000", email: str = "zhuxi@xinghe.example.cn") -> None:
    people = section(PeoplePage)
    people.chairman_name = "张伟"
    people.chairman_mobile = mobile
    people.chairman_email = email
    people.save()


def list_staff(*badges: str) -> None:
    people = section(PeoplePage)
    for index, badge in enumerate(badges):
        StaffMember.objects.create(page=people, name=f"工作人员{index}", role="委员", badge_number=badge)


def publish_rule(*, live: bool = True) -> RulePage:
    return add(
        section(RuleIndexPage),
        RulePage(title="职工之家管理制度", category="management", in_force_from=TODAY, body="<p>制度</p>",
                 live=live),
    )  # fmt: skip


def publish_service(duty: str, *, live: bool = True) -> ServiceItemPage:
    return add(
        section(ServiceIndexPage),
        ServiceItemPage(title=f"服务{duty}", duty=duty, summary="服务内容", live=live),
    )


def publish_notice(published_on: datetime.date, *, live: bool = True) -> NoticePage:
    return add(
        section(BulletinPage),
        NoticePage(title="通知", published_on=published_on, body="<p>通知正文</p>", live=live),
    )


def declare_room(
    kind: str, *, uses: tuple[str, ...] = (), equipment: tuple[str, ...] = ("culture",)
) -> RoomPage:
    return add(
        section(RoomIndexPage),
        RoomPage(title=f"房间{kind}", kind=kind, uses=list(uses), equipment=list(equipment)),
    )


def publish_brand() -> ServiceBrandPage:
    return add(section(BrandIndexPage), ServiceBrandPage(title="星河暖心驿站", story="<p>故事</p>"))


def complete_the_home() -> None:
    fill_name_plate()
    publish_contact()
    list_staff("XH-001", "XH-002")
    publish_rule()
    for duty in ServiceDuty.values:
        publish_service(duty)
    publish_notice(TODAY - datetime.timedelta(days=3))
    declare_room("activity_centre", uses=("mediation_room", "stress_relief_room"), equipment=("sports",))
    declare_room("library", equipment=("culture", "office"))
    publish_brand()
    procedures_adopt_defaults()
    hold_activity(TODAY - datetime.timedelta(days=7))


def hold_activity(day: datetime.date, status: str = "published") -> Activity:
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
    return Activity.objects.create(
        title="职工篮球友谊赛", kind="sports", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        status=status,
    )  # fmt: skip


def statuses(checklist) -> dict[str, str]:
    return {item.code: item.status for item in checklist.items}


def sign_in(client_for, union, *roles: str) -> Client:
    account, _user = make_person(union, *roles, name="张主席")
    client = client_for(union)
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- the service ---------------------------------------------------------------------------------


def test_a_new_union_lacks_everything_it_can_do_and_each_item_links_to_its_fix(union_a):
    # Given a freshly provisioned union (sections seeded, nothing filled in)
    with tenant_context(union_a):
        # When its checklist is computed
        checklist = home_checklist(today=TODAY)
        people, rules = section(PeoplePage), section(RuleIndexPage)
        services, bulletin = section(ServiceIndexPage), section(BulletinPage)
        rooms, brands = section(RoomIndexPage), section(BrandIndexPage)
        the_home = home()

    # Then every item is missing
    assert statuses(checklist) == dict.fromkeys(ACTIONABLE, Status.MISSING)
    assert [item.code for item in checklist.items][:2] == ["name_plate", "chairman_contact"]
    assert (checklist.done, checklist.total, checklist.missing, checklist.pending) == (0, 16, 16, 0)
    assert not checklist.all_ok and not checklist.nothing_to_do
    assert not any(item.ok for item in checklist.items)
    # And each missing item links to the admin page where it is fixed
    urls = {item.code: item.fix_url for item in checklist.items}
    assert urls["name_plate"] == edit_url(the_home)
    assert urls["chairman_contact"] == urls["staff_listed"] == urls["staff_badges"] == edit_url(people)
    assert urls["rules_published"] == add_url(RulePage, rules)
    assert urls["services_published"] == add_url(ServiceItemPage, services)
    assert urls["bulletin_updated"] == add_url(NoticePage, bulletin)
    assert urls["service_brand"] == add_url(ServiceBrandPage, brands)
    for code in (
        "rooms_declared",
        "mediation_room",
        "stress_relief_room",
        "workers_library",
        "room_equipment",
    ):
        assert urls[code] == add_url(RoomPage, rooms)
    assert urls["docking"] == reverse("docking_mine:index")
    assert urls["procedures_published"] == reverse("procedures:index")
    assert urls["activities_held"] == reverse("activity_admin:add")
    # And the requirement groups are the five displays and the six haves
    groups = {item.code: (item.family, item.requirement) for item in checklist.items}
    assert groups["chairman_contact"] == ("five_displays", "identity")
    assert groups["procedures_published"] == ("five_displays", "procedures")
    assert groups["stress_relief_room"] == ("six_haves", "venue")
    assert groups["docking"] == ("six_haves", "docking")


def share_a_room(union) -> SharedResource:
    """有对接: the union publishes a room for other units to book."""
    return SharedResource.objects.create(
        union=union, kind="room", title="职工活动室", address="本单位二层", contact="王老师 13800000000",
        is_published=True,
    )  # fmt: skip


def test_a_complete_union_has_nothing_left_to_do(union_a):
    # Given a union that filled in everything the site offers and shares a resource (有对接)
    with tenant_context(union_a):
        complete_the_home()
    share_a_room(union_a)
    with tenant_context(union_a):
        # When its checklist is computed
        checklist = home_checklist(today=TODAY)

    # Then every item is done
    assert statuses(checklist) == dict.fromkeys(ACTIONABLE, Status.DONE)
    assert checklist.nothing_to_do and checklist.all_ok
    summary = checklist.as_dict()["summary"]
    assert summary == {"done": 16, "total": 16, "missing": 0, "pending": 0, "all_ok": True,
                       "nothing_to_do": True}  # fmt: skip


def test_the_checklist_costs_a_fixed_number_of_queries(union_a):
    with tenant_context(union_a):
        complete_the_home()
        for duty in ServiceDuty.values:
            publish_service(duty)
        declare_room("study_room")
        with CaptureQueriesContext(connection) as queries:
            home_checklist(today=TODAY)
    # django-tenants sets the search path before each query; those statements are not reads.
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    # One per model, however much content there is; the tenth asks whether the union has entered
    # its committees (the identity items then come from them), and is cached afterwards; the
    # eleventh counts the activities held; the last two count its shared resources and bookings.
    assert len(reads) == 13


def test_the_chairman_contact_needs_both_mobile_and_email(union_a):
    with tenant_context(union_a):
        publish_contact(email="")
        with translation.override("en"):
            item = home_checklist(today=TODAY).item("chairman_contact")
        assert not item.ok
        assert "email" in item.detail and "mobile" not in item.detail

        publish_contact()
        assert home_checklist(today=TODAY).item("chairman_contact").ok


def test_the_name_plate_needs_address_hours_and_a_logo_or_photo(union_a):
    with tenant_context(union_a):
        fill_name_plate(picture=None)
        assert not home_checklist(today=TODAY).item("name_plate").ok

        fill_name_plate(picture="logo")
        assert home_checklist(today=TODAY).item("name_plate").ok

        page = home()
        page.logo = None
        page.save()
        assert not home_checklist(today=TODAY).item("name_plate").ok
        fill_name_plate(picture="photo")
        assert home_checklist(today=TODAY).item("name_plate").ok


def test_staff_are_listed_and_badged(union_a):
    with tenant_context(union_a):
        list_staff("XH-001", "")
        checklist = home_checklist(today=TODAY)
        assert checklist.item("staff_listed").ok
        assert not checklist.item("staff_badges").ok
        assert "1" in checklist.item("staff_badges").detail

        StaffMember.objects.filter(badge_number="").update(badge_number="XH-002")
        assert home_checklist(today=TODAY).item("staff_badges").ok


def test_only_a_published_rule_counts(union_a):
    with tenant_context(union_a):
        publish_rule(live=False)
        assert not home_checklist(today=TODAY).item("rules_published").ok

        publish_rule()
        assert home_checklist(today=TODAY).item("rules_published").ok


def test_services_must_cover_every_duty(union_a):
    with tenant_context(union_a):
        for duty in ServiceDuty.values[:-1]:
            publish_service(duty)
        publish_service(ServiceDuty.values[-1], live=False)  # a draft does not count
        item = home_checklist(today=TODAY).item("services_published")
        assert not item.ok
        assert str(ServiceDuty.ACTIVITIES.label) in item.detail

        publish_service(ServiceDuty.ACTIVITIES)
        assert home_checklist(today=TODAY).item("services_published").ok


def test_the_bulletin_must_have_a_notice_from_the_last_30_days(union_a):
    with tenant_context(union_a):
        publish_notice(TODAY - datetime.timedelta(days=31))
        publish_notice(TODAY - datetime.timedelta(days=2), live=False)  # a draft
        publish_notice(TODAY + datetime.timedelta(days=5))  # not published yet
        item = home_checklist(today=TODAY).item("bulletin_updated")
        assert not item.ok
        assert "31" in item.detail

        publish_notice(TODAY - datetime.timedelta(days=30))
        assert home_checklist(today=TODAY).item("bulletin_updated").ok
        assert not home_checklist(today=TODAY + datetime.timedelta(days=1)).item("bulletin_updated").ok


def test_a_room_used_as_a_stress_relief_room_counts_as_one(union_a):
    with tenant_context(union_a):
        # Given one activity centre also used as a stress-relief room (一室多用), with no equipment
        room = declare_room("activity_centre", uses=("stress_relief_room",), equipment=())
        rooms = section(RoomIndexPage)

        checklist = home_checklist(today=TODAY)

    # Then the venue has a room and a stress-relief room, but no mediation room nor library
    assert checklist.item("rooms_declared").ok
    assert checklist.item("stress_relief_room").ok
    assert not checklist.item("mediation_room").ok
    assert not checklist.item("workers_library").ok
    # And the rooms are fixed from their listing (declare a use on an existing room)
    assert checklist.item("mediation_room").fix_url == reverse("wagtailadmin_explore", args=[rooms.pk])
    # And the room without equipment is named and linked
    equipment = checklist.item("room_equipment")
    assert not equipment.ok and room.title in equipment.detail
    assert equipment.fix_url == edit_url(room)

    with tenant_context(union_a):
        declare_room("mediation_room")
        declare_room("office", uses=("library",))
        RoomPage.objects.filter(pk=room.pk).update(equipment=["psychological"])
        checklist = home_checklist(today=TODAY)
    assert all(checklist.item(code).ok for code in ("mediation_room", "workers_library", "room_equipment"))


def test_a_brand_makes_the_brand_item_green(union_a):
    with tenant_context(union_a):
        publish_brand()
        assert home_checklist(today=TODAY).item("service_brand").ok


def test_union_b_is_unaffected_by_union_a_content(union_a, union_b):
    with tenant_context(union_a):
        complete_the_home()
    share_a_room(union_a)
    with tenant_context(union_a):
        assert home_checklist(today=TODAY).nothing_to_do
    with tenant_context(union_b):
        checklist = home_checklist(today=TODAY)
        procedures = section(ProcedureIndexPage)
    assert checklist.done == 0 and checklist.missing == 16
    assert not checklist.item("docking").ok  # union A's shared resource is A's, not B's
    assert procedures is not None


# --- the dashboard panel -------------------------------------------------------------------------


def test_the_chairman_sees_the_checklist_on_the_dashboard_and_it_turns_green(union_a, client_for):
    chairman = sign_in(client_for, union_a, "chairman")
    with tenant_context(union_a):
        people = section(PeoplePage)

    # When the chairman opens the dashboard of a new union
    page = chairman.get("/admin/").content.decode()

    # Then the checklist is there, with marks in text and a link to fix each missing item
    assert "data-home-checklist" in page
    assert 'data-checklist-item="chairman_contact" data-status="missing"' in page
    assert "✗" in page and 'data-checklist-item="docking" data-status="missing"' in page
    assert f'href="{edit_url(people)}"' in page

    # When the chairman publishes the contact, the item turns green
    with tenant_context(union_a):
        publish_contact()
    page = chairman.get("/admin/").content.decode()
    assert 'data-checklist-item="chairman_contact" data-status="done"' in page
    assert "✓" in page


def test_staff_who_cannot_edit_the_site_see_the_checklist_without_links(union_a, client_for):
    mediator = sign_in(client_for, union_a, "mediator")
    page = mediator.get("/admin/").content.decode()
    assert "data-home-checklist" in page
    with tenant_context(union_a):
        people = section(PeoplePage)
    assert f'href="{edit_url(people)}"' not in page


def test_a_member_cannot_see_the_checklist(union_a, client_for):
    member = sign_in(client_for, union_a, "member")
    response = member.get("/admin/")
    assert response.status_code in (302, 403)
    assert "data-home-checklist" not in response.content.decode()


def test_union_b_dashboard_shows_union_b_state(union_a, union_b, client_for):
    with tenant_context(union_a):
        publish_contact()
    page = sign_in(client_for, union_b, "chairman").get("/admin/").content.decode()
    assert 'data-checklist-item="chairman_contact" data-status="missing"' in page


def test_the_federation_portal_has_no_home_checklist(portal, client_for):
    page = sign_in(client_for, portal, "city_admin").get("/admin/").content.decode()
    assert "data-home-checklist" not in page
