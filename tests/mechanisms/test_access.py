"""Who reaches the working mechanisms: staff appraisal (考核) visible to the chairman only, in
the admin and the API; officers run the rest; members reach none; and union B reaches none of
union A's records through any admin view or endpoint."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.mechanisms.models import (
    Activist,
    InfoReport,
    JointMeeting,
    MeetingFollowUp,
    PartnerOrganisation,
    StaffAppraisal,
    StaffDuty,
)
from tenants.mechanisms.services import (
    activist_save,
    activist_service_record,
    follow_up_add,
    info_report_save,
    joint_meeting_save,
    partner_save,
    staff_appraisal_save,
    staff_duty_save,
)
from tests.membership.roster_helpers import api_client, staff_client

from .conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_a(union_a, staff_a, roster_a):
    """One record of every kind in union A."""
    today = timezone.localdate()
    officer = staff_a["officer"].user
    with tenant_context(union_a):
        meeting = joint_meeting_save(meeting=JointMeeting(
            held_on=today - datetime.timedelta(days=3), title="党政联席会议（秘密议题）", attendees="总经理、工会主席",
            topics="年度调薪"))  # fmt: skip
        activist = activist_save(activist=Activist(member=roster_a[0], skills="摄影", joined_on=today))
        activist_service_record(activist=activist, served_on=today, description="活动摄影", hours="2")
        return {
            "meeting": meeting,
            "follow_up": follow_up_add(meeting=meeting, task="调薪方案", owner="人力资源部"),
            "partner": partner_save(partner=PartnerOrganisation(name="启明法律援助中心", services=["legal"])),
            "activist": activist,
            "duty": staff_duty_save(duty=StaffDuty(user=officer, post="宣传委员", duties="负责信息报送")),
            "report": info_report_save(
                report=InfoReport(
                    title="工会简报第3期", category="work_news", content="本月开展活动3次", written_on=today
                )
            ),
            "appraisal": staff_appraisal_save(
                appraisal=StaffAppraisal(
                    period="2025年度", user=officer, rating="competent", notes="考核意见：称职"
                )
            ),
        }


def test_staff_appraisal_is_the_chairmans_alone(union_a, client_for, staff_a, records_a):
    """Given an appraisal of the officer, then the chairman reads it in the admin and the API;
    the officer (its subject) and a member get nothing, not even the menu."""
    appraisal = records_a["appraisal"]
    chairman = signed_in(client_for(union_a), staff_a["chairman"].account)
    page = chairman.get("/admin/mechanisms/staff-appraisals/")
    assert page.status_code == 200 and "2025年度" in page.content.decode()
    assert chairman.get(f"/admin/mechanisms/staff-appraisals/edit/{appraisal.pk}/").status_code == 200
    officer = signed_in(client_for(union_a), staff_a["officer"].account)
    for url in ("/admin/mechanisms/staff-appraisals/", f"/admin/mechanisms/staff-appraisals/edit/{appraisal.pk}/",
                "/admin/mechanisms/staff-appraisals/new/"):  # fmt: skip
        response = officer.get(url)
        assert response.status_code in (302, 403) and "考核意见" not in response.content.decode()
    assert "/admin/mechanisms/staff-appraisals/" not in officer.get("/admin/").content.decode()
    assert "/admin/mechanisms/staff-appraisals/" in chairman.get("/admin/").content.decode()

    api_chair = api_client(client_for, union_a, "chairman", name="赵主席")
    assert (
        api_chair.get("/api/v1/mechanisms/staff-appraisals/").json()["results"][0]["notes"]
        == "考核意见：称职"
    )
    api_officer = api_client(client_for, union_a, "officer", name="钱干事")
    assert api_officer.get("/api/v1/mechanisms/staff-appraisals/").status_code == 403
    assert api_officer.get(f"/api/v1/mechanisms/staff-appraisals/{appraisal.pk}/").status_code == 403
    assert api_officer.post("/api/v1/mechanisms/staff-appraisals/", {"period": "2026年度", "user": staff_a["officer"].user.pk,
                            "rating": "excellent"}, content_type="application/json").status_code == 403  # fmt: skip
    # The officer runs everything else
    assert api_officer.get("/api/v1/mechanisms/joint-meetings/").status_code == 200
    member = api_client(client_for, union_a, "member", name="孙职工")
    assert member.get("/api/v1/mechanisms/reports/").status_code == 403
    with tenant_context(union_a):
        assert StaffAppraisal.objects.count() == 1


def test_officers_record_through_the_admin_and_the_api_with_clear_refusals(
    union_a, client_for, staff_a, roster_a
):
    """Given an officer, when records are added in the admin and the API, then they are saved
    through the services; bad input is refused on the form (400 in the API), nothing saved."""
    officer = signed_in(client_for(union_a), staff_a["officer"].account)
    today = timezone.localdate()
    added = officer.post("/admin/mechanisms/partners/new/", {
        "name": "阳光心理咨询中心", "services": ["counselling", "training"], "contact_person": "何老师",
        "contact_phone": "010-84561234"})  # fmt: skip
    assert added.status_code == 302
    bad = officer.post(
        "/admin/mechanisms/activists/new/", {"member_mobile": "13900000000", "joined_on": str(today)}
    )
    assert bad.status_code == 200 and "13900000000" in bad.content.decode()
    ok = officer.post("/admin/mechanisms/activists/new/", {"member_mobile": roster_a[1].mobile,
                                                           "joined_on": str(today), "active": "on"})  # fmt: skip
    assert ok.status_code == 302
    future = officer.post("/admin/mechanisms/joint-meetings/new/", {
        "held_on": str(today + datetime.timedelta(days=2)), "title": "会议", "attendees": "甲", "topics": "乙"})  # fmt: skip
    assert future.status_code == 200
    with tenant_context(union_a):
        assert PartnerOrganisation.objects.get().services == ["counselling", "training"]
        activist = Activist.objects.get(member=roster_a[1])
        assert not JointMeeting.objects.exists()

    api = api_client(client_for, union_a, "officer", name="钱干事")
    served = api.post(f"/api/v1/mechanisms/activists/{activist.pk}/services/",
                      {"served_on": str(today), "description": "心理讲座志愿服务", "hours": "3.5"},
                      content_type="application/json")  # fmt: skip
    assert served.status_code == 201
    listing = api.get(f"/api/v1/mechanisms/activists/?year={today.year}").json()["results"]
    assert [(row["name"], row["year_hours"]) for row in listing] == [("吴芳芳", "3.5")]
    hours = api.get(f"/api/v1/mechanisms/activists/{activist.pk}/hours/").json()
    assert hours == [{"year": today.year, "hours": "3.5", "services": 1}]
    refused = api.post(f"/api/v1/mechanisms/activists/{activist.pk}/services/",
                       {"served_on": str(today), "description": "x", "hours": "30"}, content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    report = api.post("/api/v1/mechanisms/reports/", {"title": "简报", "category": "work_news",
                      "content": "本月工作", "written_on": str(today)}, content_type="application/json")  # fmt: skip
    assert report.status_code == 201 and report.json()["status"] == "draft"
    sent = api.post(f"/api/v1/mechanisms/reports/{report.json()['id']}/send/")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    again = api.post(f"/api/v1/mechanisms/reports/{report.json()['id']}/send/")
    assert again.status_code == 409 and again.json()["code"] == "report_sent"


def test_union_b_reaches_none_of_union_as_mechanisms(union_a, union_b, client_for, staff_a, records_a):
    """Given every kind of record in union A, then union B's chairman sees none in B's admin
    lists and gets 404 for A's ids in the admin and the API; A's session is worthless on B."""
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    admin_paths = {
        "meeting": "joint-meetings", "follow_up": "follow-ups", "partner": "partners", "activist": "activists",
        "duty": "staff-duties", "report": "reports", "appraisal": "staff-appraisals",
    }  # fmt: skip
    for key, prefix in admin_paths.items():
        listing = admin_b.get(f"/admin/mechanisms/{prefix}/")
        assert listing.status_code == 200, prefix
        body = listing.content.decode()
        assert all(
            secret not in body
            for secret in ("秘密议题", "启明法律援助中心", "宣传委员", "工会简报第3期", "2025年度")
        )
        assert admin_b.get(f"/admin/mechanisms/{prefix}/edit/{records_a[key].pk}/").status_code == 404, prefix
    assert admin_b.post(f"/admin/mechanisms/reports/{records_a['report'].pk}/send/").status_code == 404

    api_b = api_client(client_for, union_b, "chairman", name="周主席")
    api_paths = {
        "meeting": "joint-meetings", "partner": "partners", "activist": "activists", "duty": "staff-duties",
        "report": "reports", "appraisal": "staff-appraisals",
    }  # fmt: skip
    for key, prefix in api_paths.items():
        assert api_b.get(f"/api/v1/mechanisms/{prefix}/").json()["results"] == [], prefix
        assert api_b.get(f"/api/v1/mechanisms/{prefix}/{records_a[key].pk}/").status_code == 404, prefix
    assert api_b.post(f"/api/v1/mechanisms/reports/{records_a['report'].pk}/send/").status_code == 404
    assert api_b.post(f"/api/v1/mechanisms/joint-meetings/{records_a['meeting'].pk}/follow-ups/",
                      {"task": "x", "owner": "y"}, content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.get(f"/api/v1/mechanisms/activists/{records_a['activist'].pk}/hours/").status_code == 404

    a_session = signed_in(client_for(union_a), staff_a["chairman"].account)
    cookie = a_session.cookies["sessionid"].value
    stranger = client_for(union_b)
    stranger.cookies["sessionid"] = cookie
    assert stranger.get("/admin/mechanisms/joint-meetings/").status_code == 302  # to B's sign-in
    assert stranger.get("/api/v1/mechanisms/joint-meetings/").status_code in (401, 403)
    with tenant_context(union_a):
        assert InfoReport.objects.get().status == "draft" and MeetingFollowUp.objects.count() == 1


def test_every_mechanisms_admin_page_opens_for_the_chairman(union_a, client_for, staff_a, records_a):
    """Given one record of each kind, then each list, "new" form and edit form opens, and the
    report's send page shows the report and its button."""
    chairman = signed_in(client_for(union_a), staff_a["chairman"].account)
    paths = {
        "meeting": "joint-meetings", "follow_up": "follow-ups", "partner": "partners", "activist": "activists",
        "duty": "staff-duties", "report": "reports", "appraisal": "staff-appraisals",
    }  # fmt: skip
    for key, prefix in paths.items():
        for url in (f"/admin/mechanisms/{prefix}/", f"/admin/mechanisms/{prefix}/new/",
                    f"/admin/mechanisms/{prefix}/edit/{records_a[key].pk}/"):  # fmt: skip
            assert chairman.get(url).status_code == 200, url
    send = chairman.get(f"/admin/mechanisms/reports/{records_a['report'].pk}/send/")
    assert send.status_code == 200 and "本月开展活动3次" in send.content.decode()
    assert chairman.post(f"/admin/mechanisms/reports/{records_a['report'].pk}/send/").status_code == 302
    with tenant_context(union_a):
        assert InfoReport.objects.get().status == "sent"
    assert "3" in chairman.get("/admin/mechanisms/activists/").content.decode()
