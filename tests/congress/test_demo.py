"""The demo's workers' congress and democratic appraisal (journey 8): a session held last spring
with its quorum, three motions — one accepted, assigned to 人力资源部, answered in time and rated
satisfied —, a resolution passed, disclosure items; and last December's appraisal round,
published, with one suppressed subject. Safe to re-run."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from accounts.services import local_user_for_account
from cms.demo import site_demo_fill
from tenants.appraisal import demo as appraisal_demo
from tenants.appraisal.models import AppraisalRound
from tenants.appraisal.selectors import round_results
from tenants.committees import demo as committees_demo
from tenants.congress import demo as congress_demo
from tenants.congress.models import CongressSession, DisclosureItem, Motion, Resolution
from tenants.congress.selectors import congress_overdue
from tenants.events.models import OutboxEvent
from tenants.membership import demo as membership_demo
from tenants.registry.demo_data import UNIONS, member_person, officer_person
from tests.factories import PASSWORD, make_account

pytestmark = pytest.mark.django_db


def test_the_demo_congress_and_appraisal(union_a, client_for):
    spec = UNIONS[0]
    people = [officer_person(0, slot) for slot in (1, 2)] + [member_person(0, slot) for slot in range(1, 6)]
    for person in people:
        account = make_account(name=person.name, mobile=person.mobile)
        with tenant_context(union_a):
            local_user_for_account(account=account, create=True, roles=("member",))
    with tenant_context(union_a):
        site_demo_fill(spec=spec, index=0)
        for _run in range(2):  # idempotent
            membership_demo.demo_fill(spec=spec, index=0)
            committees_demo.demo_fill(spec=spec, index=0)
            congress_demo.demo_fill(spec=spec, index=0)
            appraisal_demo.demo_fill(spec=spec, index=0)
        session = CongressSession.objects.get()
        assert session.status == "closed" and session.held_on.month == 4
        assert session.present_count * 3 >= session.delegates_total * 2 and session.delegates_total == 12
        assert not congress_overdue()
        canteen = Motion.objects.get(department="人力资源部")
        assert (canteen.status, canteen.satisfaction) == ("closed", "satisfied")
        assert canteen.replied_at.date() <= canteen.reply_due_on
        assert sorted(Motion.objects.values_list("status", flat=True)) == [
            "closed",
            "submitted",
            "suggestion",
        ]
        assert Resolution.objects.get().passed
        assert DisclosureItem.objects.filter(published=True).count() >= 2
        assert OutboxEvent.objects.filter(name="congress.session_held").count() == 1

        appraisal_round = AppraisalRound.objects.get()
        assert appraisal_round.published_at is not None
        results = round_results(appraisal_round)
        suppressed = [r.subject.name for r in results if r.suppressed]
        assert len(suppressed) == 1 and len(results) == 4
    member = client_for(union_a)
    assert (
        member.post("/accounts/login/", {"username": people[2].mobile, "password": PASSWORD}).status_code
        == 302
    )
    page = member.get("/congress/").content.decode()
    assert ("关于《职工福利管理办法》的决议" in page and "2026年度工资调整方案" in page) or "厂务公开" in page
    results = member.get(f"/appraisal/{appraisal_round.pk}/results/").content.decode()
    assert results.count("样本过少，不予公布") == 1
