# ruff: noqa: F811  (the portal notification tests' fixture is imported by name)
"""When a union's request for approval arrives, the administrators of its district are told in
their portal notifications (the city's when the district has none), once per request, linked to
the approval's page and without the summary's names; a re-submission after a return tells them
again; a decision settles the other administrators' notices of the request."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from approvals.models import ApprovalRequest
from approvals.services import approval_arrival_tell
from approvals.tasks import approval_arrival_tell_task
from federation.models import FederationRole
from portal_notifications.models import PortalNotification
from tests.elections.conftest import decide, online_plan, submit_and_deliver
from tests.incidents.conftest import signed_in
from tests.portal_notifications.conftest import same_id_union_user  # noqa: F401

pytestmark = pytest.mark.django_db


def told(user) -> list[PortalNotification]:
    connection.set_schema_to_public()
    return list(PortalNotification.objects.filter(recipient=user).order_by("created_at", "pk"))


def delivered(union, committee, voters, captures) -> ApprovalRequest:
    """Union A's plan submitted and delivered, the after-commit notice task run."""
    plan = online_plan(union, committee, voters)
    with captures(execute=True):
        return submit_and_deliver(union, plan)


def test_the_union_s_district_administrators_are_told_once(
    union_a, committee, voters, district_admins, django_capture_on_commit_callbacks
):
    """Given union A (朝阳) submits its election plan, 朝阳's administrator gets one notice linking
    to the request; 海淀's and the city's administrators get none, nor does any union user; the
    task repeated adds nothing; the notice carries no candidate's name."""
    approval = delivered(union_a, committee, voters, django_capture_on_commit_callbacks)
    chaoyang = district_admins["chaoyang"].user
    [note] = told(chaoyang)
    assert note.kind == "approval" and note.link == f"/admin/approvals/{approval.pk}/"
    assert note.title.startswith("待审批") and "第4届换届选举" in note.title and union_a.name in note.title
    assert "换届选举工作方案" in note.body and note.read_at is None
    for voter in voters:  # the summary (candidates, their introductions) is read on the page
        assert voter.member.name not in note.title + note.body
    assert told(district_admins["haidian"].user) == [] and told(district_admins["city"].user) == []
    recipients = set(
        PortalNotification.objects.filter(kind="approval").values_list("recipient_id", flat=True)
    )
    assert recipients == {chaoyang.pk}
    # The task repeated: the administrator is addressed again, nothing is written twice.
    for _repeat in range(2):
        assert approval_arrival_tell_task.delay(approval_id=approval.pk).get() == 1
    assert len(told(chaoyang)) == 1 and PortalNotification.objects.filter(kind="approval").count() == 1


def test_union_users_are_not_told(
    union_a, committee, voters, district_admins, client_for, same_id_union_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Union A's chairman (a union user) is not told, and a union user holding 朝阳's
    administrator's id is another person: the union's host shows them nothing of the notice."""
    _twin, account = same_id_union_user(district_admins["chaoyang"].user)
    delivered(union_a, committee, voters, django_capture_on_commit_callbacks)
    with tenant_context(union_a):
        from tenants.notifications.models import Notification

        assert not Notification.objects.filter(title__startswith="待审批").exists()
    connection.set_schema_to_public()
    addressed = set(PortalNotification.objects.filter(kind="approval").values_list("recipient_id", flat=True))
    assert addressed == {district_admins["chaoyang"].user.pk}  # portal users' ids only
    union_client = signed_in(client_for(union_a), account)
    assert union_client.get("/api/v1/notifications/").status_code == 404
    assert union_client.get("/admin/portal-notifications/").status_code in (302, 403, 404)


def test_the_city_is_told_when_the_district_has_no_administrator(
    union_a, committee, voters, district_admins, django_capture_on_commit_callbacks
):
    FederationRole.objects.filter(user=district_admins["chaoyang"].user).delete()
    approval = delivered(union_a, committee, voters, django_capture_on_commit_callbacks)
    [note] = told(district_admins["city"].user)
    assert note.link == f"/admin/approvals/{approval.pk}/"
    assert told(district_admins["haidian"].user) == [] and told(district_admins["chaoyang"].user) == []


def test_a_resubmission_after_a_return_tells_them_again(
    union_a, committee, voters, district_admins, django_capture_on_commit_callbacks
):
    """Returned (which settles the first notice: read), then re-submitted: the administrator gets
    a "re-submitted" notice for the new request, unread, beside the first one."""
    first = delivered(union_a, committee, voters, django_capture_on_commit_callbacks)
    admin = district_admins["chaoyang"].user
    decide(union_a, first, admin, approve=False, comment="候选人差额比例不足，请补充")
    [settled] = told(admin)
    assert settled.read_at is not None
    from tenants.elections.models import ElectionPlan

    with tenant_context(union_a):
        election = ElectionPlan.objects.get(uuid=first.object_uuid)
    with django_capture_on_commit_callbacks(execute=True):
        second = submit_and_deliver(union_a, election)
    assert second.pk != first.pk
    notes = told(admin)
    assert [n.link for n in notes] == [f"/admin/approvals/{first.pk}/", f"/admin/approvals/{second.pk}/"]
    assert notes[1].title.startswith("退回后重新报批") and notes[1].read_at is None


def test_a_request_decided_before_the_notice_is_not_announced(union_a, committee, voters, district_admins):
    approval = submit_and_deliver(union_a, online_plan(union_a, committee, voters))  # the task was lost
    decide(union_a, approval, district_admins["city"].user)
    connection.set_schema_to_public()
    assert approval_arrival_tell(approval_id=approval.pk) == 0
    assert told(district_admins["chaoyang"].user) == []


def test_the_administrator_opens_the_request_from_the_notification_list(
    union_a, committee, voters, district_admins, client_for, portal, django_capture_on_commit_callbacks
):
    approval = delivered(union_a, committee, voters, django_capture_on_commit_callbacks)
    client = signed_in(client_for(portal), district_admins["chaoyang"].account)
    listing = client.get("/admin/portal-notifications/").content.decode()
    assert f'href="/admin/approvals/{approval.pk}/"' in listing and "上级审批" in listing
    assert client.get(f"/admin/approvals/{approval.pk}/").status_code == 200
    api = client.get("/api/v1/notifications/").json()["results"]
    assert [(row["kind"], row["link"]) for row in api] == [("approval", f"/admin/approvals/{approval.pk}/")]
    haidian = signed_in(client_for(portal), district_admins["haidian"].account)
    assert (
        f"/admin/approvals/{approval.pk}/" not in haidian.get("/admin/portal-notifications/").content.decode()
    )
    assert haidian.get(f"/admin/approvals/{approval.pk}/").status_code == 404


def test_a_decision_settles_the_notices_of_the_other_administrators(
    union_a, committee, voters, district_admins, portal, django_capture_on_commit_callbacks
):
    """Two administrators of 朝阳 are told; once one of them approves, the other's notice of that
    request is no longer unread (nothing is left to do), though it stays in the list."""
    from tests.factories import make_person

    _account, second = make_person(portal, "district_admin", name="李秀英")
    FederationRole.objects.create(user=second, kind="district_admin", district=union_a.district)
    approval = delivered(union_a, committee, voters, django_capture_on_commit_callbacks)
    first = district_admins["chaoyang"].user
    assert [n.read_at for n in told(first)] == [None] and [n.read_at for n in told(second)] == [None]
    decide(union_a, approval, first, captures=django_capture_on_commit_callbacks)
    [note] = told(second)
    assert note.read_at is not None and note.kind == "approval"
    assert PortalNotification.objects.filter(kind="approval", read_at__isnull=True).count() == 0
