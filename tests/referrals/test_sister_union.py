"""A referral to a sister union, across tenants: the receiving union is told in its own schema,
its chairman and officers see only what the sender shared (admin and API), handle it, and the
sender's record follows; nobody else sees it."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from stations.models import StationReferral
from stations.selectors import referrals_visible_to
from tenants.notifications.models import Notification
from tenants.referrals_out.models import OutgoingReferral
from tests.incidents.conftest import signed_in as portal_signed_in
from tests.mediation.conftest import signed_in

from .conftest import DETAILS, SUBJECT, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def to_sister(
    union_a, union_b, people, appeal, sister, django_capture_on_commit_callbacks
) -> StationReferral:
    """Union A's appeal referred to union B sharing the subject only; delivered through the
    outbox, with the after-commit notice task run in union B's schema."""
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(union_a, appeal, people["officer"], receiver_kind="union", sister_union=union_b.schema_name,
                         shared=["subject"], note="")  # fmt: skip
    return referral


def test_the_sister_union_is_told_and_sees_only_what_was_shared(
    union_a, union_b, people, appeal, sister, to_sister, client_for
):
    assert to_sister.receiver_union == union_b and to_sister.union == union_a
    with tenant_context(union_b):
        told = set(Notification.objects.filter(url=f"/admin/referrals-received/{to_sister.pk}/").values_list(
            "recipient__username", flat=True))  # fmt: skip
        assert {sister["chairman"].username, sister["officer"].username} <= told
        assert sister["member"].username not in told
    connection.set_schema_to_public()

    officer = signed_in(client_for(union_b), sister["officer"])
    listing = officer.get("/admin/referrals-received/")
    assert listing.status_code == 200 and appeal.reference in listing.content.decode()
    page = officer.get(f"/admin/referrals-received/{to_sister.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and SUBJECT in body and union_a.name in body
    assert DETAILS not in body and "王小明" not in body
    api = officer.get("/api/v1/referrals/received/").json()["results"]
    assert [row["reference"] for row in api] == [appeal.reference]
    assert SUBJECT in str(api[0]["shared"]) and DETAILS not in str(api) and "王小明" not in str(api)
    detail = officer.get(f"/api/v1/referrals/received/{to_sister.pk}/").json()
    assert {row["label"] for row in detail["shared"]} == {"案件类别", "案件事由"}
    from tenants.privacy.models import SensitiveAccess

    with tenant_context(union_b):
        reads = SensitiveAccess.objects.filter(model="stations.stationreferral", object_pk=str(to_sister.pk))
        assert sorted(reads.values_list("via", flat=True)) == ["admin", "api"]
        assert set(reads.values_list("user_id", flat=True)) == {sister["officer"].pk}


def test_nobody_else_sees_the_sister_unions_referral(
    union_a, union_b, people, appeal, sister, to_sister, client_for, portal, district_admins, staff
):
    """Union B's member, union A's chairman (on A's host, the sender), the portal's station staff
    and district and city administrators (before any escalation) neither see nor handle it."""
    member = signed_in(client_for(union_b), sister["member"])
    assert member.get("/admin/referrals-received/").status_code in (302, 403, 404)
    assert member.get("/api/v1/referrals/received/").json()["results"] == []
    chairman_a = signed_in(client_for(union_a), people["chairman"])
    assert chairman_a.get(f"/admin/referrals-received/{to_sister.pk}/").status_code == 404
    assert chairman_a.get("/api/v1/referrals/received/").json()["results"] == []
    assert chairman_a.post(f"/api/v1/referrals/received/{to_sister.pk}/advance/", {"action": "accept"},
                           content_type="application/json").status_code == 404  # fmt: skip
    for person in (district_admins["chaoyang"], district_admins["haidian"], district_admins["city"],
                   staff["wangjing"]):  # fmt: skip
        assert not referrals_visible_to(person.user).filter(pk=to_sister.pk).exists()
        api = portal_signed_in(client_for(portal), person.account)
        assert api.get(f"/api/v1/station-referrals/{to_sister.pk}/").status_code == 404
    to_sister.refresh_from_db()
    assert to_sister.status == "sent"


def test_the_sister_union_handles_it_and_the_sender_follows(
    union_a, union_b, people, appeal, sister, to_sister, client_for, django_capture_on_commit_callbacks
):
    """Union B's officer accepts it on the page and closes it through the API (a close without
    a note is refused); union A's record follows each step (the sync task in A's schema) and the
    officer who sent it is told in A's site."""
    officer = signed_in(client_for(union_b), sister["officer"])
    url = f"/admin/referrals-received/{to_sister.pk}/"
    assert officer.post(url, {"action": "decline"}).status_code == 400  # a decline needs a note
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(url, {"action": "accept"}).status_code == 302
    to_sister.refresh_from_db()
    assert (
        to_sister.status == "accepted"
        and to_sister.changed_by_name == "韩干事"
        and to_sister.changed_by is None
    )
    with tenant_context(union_a):
        sent = OutgoingReferral.objects.get(uuid=to_sister.referral_uuid)
        assert sent.status == "accepted" and sent.receiver_name == union_b.name
        assert Notification.objects.filter(
            recipient=people["officer"], url=f"/admin/referrals-out/{sent.pk}/"
        ).exists()
    connection.set_schema_to_public()
    api = f"/api/v1/referrals/received/{to_sister.pk}/advance/"
    refused = officer.post(api, {"action": "close", "note": ""}, content_type="application/json")
    assert refused.status_code == 400 and "note" in refused.json()["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        closed = officer.post(api, {"action": "close", "note": "已安排职工到本会职工书屋办理借阅证。"},
                              content_type="application/json")  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    with tenant_context(union_a):
        sent.refresh_from_db()
        assert sent.status == "closed" and "借阅证" in sent.status_note
    mine = signed_in(client_for(union_a), people["officer"])
    page = mine.get(f"/admin/referrals-out/{sent.pk}/").content.decode()
    assert union_b.name in page and "借阅证" in page
