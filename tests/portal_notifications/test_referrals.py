"""Portal staff are told in-site of what reaches them: a referral to their station, district or
city, and an escalation to their level — exactly the receiving staff, once per event."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from portal_notifications.models import PortalNotification
from stations.services import referral_arrival_tell, referrals_escalate_overdue

from .conftest import frozen, refer, send_and_deliver, told

pytestmark = pytest.mark.django_db


def test_a_referral_to_a_station_tells_that_station_s_staff_only_and_once(
    union_a, people, failed, staff, district_admins, django_capture_on_commit_callbacks
):
    """Given union A's failed mediation, when it is referred to 望京's station, then 望京's staff
    get one notification linking to the referral (with the reference, never the shared data);
    中关村's staff, the district and the city administrators get none; a repeated task adds none."""
    with django_capture_on_commit_callbacks(execute=True):
        referral = send_and_deliver(union_a, failed, people["mediator"])
    [note] = told(staff["wangjing"].user)
    assert note.kind == "referral" and note.read_at is None
    assert note.link == f"/admin/stations/referrals/{referral.pk}/"
    assert referral.reference in note.title and union_a.name in note.title
    assert "王小明" not in note.title + note.body
    for other in (staff["zhongguancun"], *district_admins.values()):
        assert told(other.user) == []
    assert referral_arrival_tell(referral_id=referral.pk) == 1  # the task again (a retry)
    assert len(told(staff["wangjing"].user)) == 1


def test_a_referral_to_a_district_tells_that_district_s_administrators_only(
    union_a, people, appeal, staff, district_admins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(union_a, appeal, people["officer"])
    [note] = told(district_admins["chaoyang"].user)
    assert note.kind == "referral" and note.link == f"/admin/stations/referrals/{referral.pk}/"
    for other in (
        district_admins["haidian"],
        district_admins["city"],
        staff["wangjing"],
        staff["zhongguancun"],
    ):
        assert told(other.user) == []


def test_a_referral_to_the_city_tells_the_city_s_administrators_only(
    union_a, people, appeal, staff, district_admins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refer(union_a, appeal, people["officer"], receiver_kind="city")
    assert [n.kind for n in told(district_admins["city"].user)] == ["referral"]
    for other in (district_admins["chaoyang"], district_admins["haidian"], staff["wangjing"]):
        assert told(other.user) == []


def test_a_referral_to_a_sister_union_tells_no_portal_user(
    union_a, union_b, people, appeal, staff, district_admins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refer(union_a, appeal, people["officer"], receiver_kind="union", sister_union=union_b.schema_name)
    assert not PortalNotification.objects.exists()


def test_an_overdue_station_referral_is_escalated_to_the_district_s_administrators_once(
    union_a, people, failed, staff, district_admins, django_capture_on_commit_callbacks
):
    """The station's referral is past due: 朝阳's administrators are told in-site (once, however
    often the escalation runs); 海淀's and the city's are not; the station's staff keep only the
    arrival."""
    referral = send_and_deliver(union_a, failed, people["mediator"], difficulty="simple")
    with frozen("2026-03-30", 9), django_capture_on_commit_callbacks(execute=True):
        assert referrals_escalate_overdue() == 1
        assert referrals_escalate_overdue() == 0
    [note] = told(district_admins["chaoyang"].user)
    assert note.kind == "escalation" and referral.reference in note.title
    assert note.link == f"/admin/stations/referrals/{referral.pk}/"
    assert "望京街道工会服务站" in note.body and "2026-03-21" in note.body
    assert told(district_admins["haidian"].user) == [] and told(district_admins["city"].user) == []
    assert told(staff["wangjing"].user) == []  # the arrival's task did not run here; no escalation either
    from stations.services import referrals_escalation_tell

    referrals_escalation_tell(referral_ids=[referral.pk])  # told again (a repeated callback)
    assert len(told(district_admins["chaoyang"].user)) == 1


def test_an_overdue_district_referral_goes_to_the_city(
    union_a, people, appeal, district_admins, django_capture_on_commit_callbacks
):
    referral = refer(union_a, appeal, people["officer"], difficulty="simple")
    with frozen("2026-03-30", 9), django_capture_on_commit_callbacks(execute=True):
        assert referrals_escalate_overdue() == 1
    assert [n.kind for n in told(district_admins["city"].user)] == ["escalation"]
    assert told(district_admins["chaoyang"].user) == []
    assert referral.reference in told(district_admins["city"].user)[0].title


def test_a_union_user_is_never_told_on_the_portal(
    union_a, people, failed, staff, django_capture_on_commit_callbacks
):
    """The union's own people are not portal users: nothing is written for them, and the union's
    in-site notifications are untouched by the portal's."""
    from tenants.notifications.models import Notification

    with tenant_context(union_a):
        before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        send_and_deliver(union_a, failed, people["mediator"])
    assert set(PortalNotification.objects.values_list("recipient_id", flat=True)) == {
        staff["wangjing"].user.pk
    }
    with tenant_context(union_a):
        assert Notification.objects.count() == before
