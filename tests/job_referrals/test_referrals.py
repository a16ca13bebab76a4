"""Skills and job referral: referrals to our courses, outside institutions and jobs, follow-ups
until settled, the counted events, bad input refused, the admin and the API for officers only,
and nothing of union A through union B."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.events.models import OutboxEvent
from tenants.job_referrals.models import Referral
from tenants.job_referrals.services import referral_create, referral_follow_up
from tenants.job_referrals.tasks import follow_ups_remind
from tenants.notifications.models import Notification
from tests.factories import make_person
from tests.job_referrals.conftest import api, signed_in
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_referrals_to_training_and_jobs_settle_with_counted_events(union_a, people, roster, course):
    """Given roster members, when an officer refers one to our course and one to a job and
    follows both up, then the outcomes are kept, each referral settles once and the events carry
    the kind and outcome only."""
    today = timezone.localdate()
    with tenant_context(union_a):
        training = referral_create(member=roster[0], kind="training", referred_on=today - 10 * DAY, course=course,
                                   by=people["officer"])  # fmt: skip
        job = referral_create(
            member=roster[1], kind="job", referred_on=today - 20 * DAY, employer="北京顺达物流有限公司",
            position="仓储管理员", contact="王经理 010-84563301", next_follow_up_on=today - DAY, by=people["officer"],
        )  # fmt: skip
        referral_follow_up(referral=job, followed_up_on=today - 5 * DAY, outcome="pending", note="已面试，等结果。",
                           next_follow_up_on=today + 3 * DAY, by=people["officer"])  # fmt: skip
        referral_follow_up(referral=job, followed_up_on=today, outcome="placed", note="已录用，下周一上岗。",
                           by=people["chairman"])  # fmt: skip
        referral_follow_up(referral=training, followed_up_on=today, outcome="not_placed", note="本人放弃。",
                           by=people["officer"])  # fmt: skip
        job.refresh_from_db()
        assert (job.outcome, job.outcome_on, job.next_follow_up_on) == ("placed", today, None)
        assert job.follow_ups.count() == 2
        with pytest.raises(ServiceError) as settled:
            referral_follow_up(
                referral=job, followed_up_on=today, outcome="not_placed", note="x", by=people["officer"]
            )
        assert settled.value.code == "referral_settled"
        created = sorted(
            (e.payload["kind"], e.payload["own_course"])
            for e in OutboxEvent.objects.filter(name="referral.created")
        )
        assert created == [("job", False), ("training", True)]
        done = {
            (e.payload["kind"], e.payload["outcome"])
            for e in OutboxEvent.objects.filter(name="referral.settled")
        }
        assert done == {("job", "placed"), ("training", "not_placed")}
        assert all(
            "王" not in str(e.payload) for e in OutboxEvent.objects.filter(name__startswith="referral.")
        )


@pytest.mark.parametrize(
    "change, code",
    [
        (dict(kind="training"), "referral_course"),
        (dict(kind="job", position=""), "referral_job"),
        (dict(referred_on=timezone.localdate() + DAY), "referral_future"),
        (dict(next_follow_up_on=timezone.localdate() - 30 * DAY), "referral_follow_up_before"),
        (dict(kind="other"), "referral_kind"),
    ],
)
def test_bad_input_records_nothing(union_a, people, roster, change, code):
    values = dict(member=roster[0], kind="job", referred_on=timezone.localdate() - DAY, employer="顺达物流",
                  position="仓管", by=people["officer"])  # fmt: skip
    values.update(change)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            referral_create(**values)
        assert refused.value.code == code
        assert not Referral.objects.exists()
        with pytest.raises(ServiceError) as forbidden:
            referral_create(member=roster[0], kind="job", referred_on=timezone.localdate(), employer="x",
                            position="y", by=people["member"])  # fmt: skip
        assert forbidden.value.code == "referral_forbidden"


def test_the_database_backs_the_rules(union_a, people, roster):
    with tenant_context(union_a):
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.create(
                member=roster[0], kind="job", referred_on=timezone.localdate(), employer="x"
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.create(member=roster[0], kind="training", referred_on=timezone.localdate())


def test_a_follow_up_due_is_reminded_once(union_a, people, roster):
    today = timezone.localdate()
    with tenant_context(union_a):
        referral_create(member=roster[0], kind="job", referred_on=today - 9 * DAY, employer="顺达物流",
                        position="仓管", next_follow_up_on=today, by=people["officer"])  # fmt: skip
        assert follow_ups_remind() == 1
        assert follow_ups_remind() == 0
        assert Notification.objects.filter(recipient=people["officer"]).count() == 1


def test_admin_and_api_for_officers_and_bad_input_answered_clearly(union_a, client_for, people, roster):
    client = signed_in(client_for(union_a), people["officer"])
    bad = client.post("/admin/job-referrals/new/", {"mobile": roster[0].mobile, "kind": "job",
                                                    "referred_on": timezone.localdate().isoformat()})  # fmt: skip
    assert bad.status_code == 400
    made = client.post("/admin/job-referrals/new/", {
        "mobile": roster[0].mobile, "kind": "job", "referred_on": timezone.localdate().isoformat(),
        "employer": "北京顺达物流有限公司", "position": "仓储管理员",
    })  # fmt: skip
    assert made.status_code == 302
    listing = client.get("/admin/job-referrals/").content.decode()
    assert "王大力" in listing and "仓储管理员" in listing
    with tenant_context(union_a):
        referral = Referral.objects.get()
    followed = client.post(f"/admin/job-referrals/{referral.pk}/", {
        "follow-followed_up_on": timezone.localdate().isoformat(), "follow-outcome": "placed", "follow-note": "已录用",
    })  # fmt: skip
    assert followed.status_code == 302
    member_client = signed_in(client_for(union_a), people["member"])
    assert member_client.get("/admin/job-referrals/").status_code in (302, 403, 404)
    assert api(client_for, union_a, people["member"]).get("/api/v1/job-referrals/").status_code == 403
    officer_api = api(client_for, union_a, people["officer"])
    rows = officer_api.get("/api/v1/job-referrals/?outcome=placed").json()
    rows = rows["results"]
    assert [row["employer"] for row in rows] == ["北京顺达物流有限公司"]
    created = officer_api.post("/api/v1/job-referrals/", {
        "member": roster[1].pk, "kind": "training", "referred_on": timezone.localdate().isoformat(),
        "institution": "朝阳区职业技能培训学校", "programme": "焊工（中级）",
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    refused = officer_api.post("/api/v1/job-referrals/", {
        "member": roster[1].pk, "kind": "training", "referred_on": timezone.localdate().isoformat(),
    }, content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    follow = officer_api.post(f"/api/v1/job-referrals/{created.json()['id']}/follow-ups/", {
        "followed_up_on": (timezone.localdate() - 5 * DAY).isoformat(), "outcome": "placed", "note": "x",
    }, content_type="application/json")  # fmt: skip
    assert follow.status_code == 400  # before the referral


def test_union_b_sees_nothing_of_union_a(union_a, union_b, client_for, people, roster):
    with tenant_context(union_a):
        referral = referral_create(member=roster[0], kind="job", referred_on=timezone.localdate(),
                                   employer="顺达物流", position="仓管", by=people["officer"])  # fmt: skip
    chairman_b = make_person(union_b, "chairman", name="刘主席")[1]
    admin = signed_in(client_for(union_b), chairman_b)
    assert "王大力" not in admin.get("/admin/job-referrals/").content.decode()
    assert admin.get(f"/admin/job-referrals/{referral.pk}/").status_code == 404
    posted = admin.post(f"/admin/job-referrals/{referral.pk}/", {
        "follow-followed_up_on": timezone.localdate().isoformat(), "follow-outcome": "placed", "follow-note": "x",
    })  # fmt: skip
    assert posted.status_code == 404
    client = api(client_for, union_b, chairman_b)
    assert "王大力" not in client.get("/api/v1/job-referrals/").content.decode()
    assert client.get(f"/api/v1/job-referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/api/v1/job-referrals/{referral.pk}/follow-ups/", {
        "followed_up_on": timezone.localdate().isoformat(), "outcome": "placed", "note": "x",
    }, content_type="application/json").status_code == 404  # fmt: skip
    with tenant_context(union_a):
        referral.refresh_from_db()
        assert referral.outcome == "pending"
