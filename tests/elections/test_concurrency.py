"""One ballot per member under concurrent submission, on real PostgreSQL: the same member submits
from twelve connections at the same moment (a double tap on two phones) while two other members
vote too; exactly one ballot of the first member is stored, the others are refused as a second
ballot, and the ballots match the roll."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.committees.models import Committee
from tenants.committees.services import committee_create
from tenants.elections.models import ElectionPlan
from tenants.elections.services import ballot_cast, candidate_add, plan_create, plan_submit
from tenants.events.models import OutboxEvent
from tenants.membership.models import Member
from tenants.membership.services import member_create
from tenants.users.models import User
from tests.activities.test_concurrency import _in_own_connection
from tests.factories import make_person
from workershome.errors import Conflict

pytestmark = pytest.mark.django_db

ATTEMPTS = 12


def _committed_setup(union) -> dict:
    result: dict = {"started": timezone.now()}

    def work():
        people = [make_person(union, "member", name=f"并发选民{i}") for i in range(3)]
        with tenant_context(union):
            members = [
                member_create(name=f"并发选民{i}", mobile=a.mobile) for i, (a, _u) in enumerate(people)
            ]
            committee = committee_create(kind="union_group", name="并发测试工会小组")
            now = timezone.now()
            plan = plan_create(
                committee=committee, term_number=1, term_years=3, election_date=timezone.localdate(),
                method="online", opens_at=now - datetime.timedelta(hours=1),
                closes_at=now + datetime.timedelta(hours=1), seats={"member": 2},
            )  # fmt: skip
            for member in members:
                candidate_add(plan=plan, member=member, role="member")
            plan_submit(plan=plan)
            ElectionPlan.objects.filter(pk=plan.pk).update(status=ElectionPlan.Status.APPROVED)
            candidates = list(plan.candidates.values_list("pk", flat=True))
        result.update(plan=plan.pk, users=[u.pk for _a, u in people], accounts=[a.pk for a, _u in people],
                      members=[m.pk for m in members], committee=committee.pk, candidates=candidates)  # fmt: skip

    _in_own_connection(work)
    return result


def _committed_cleanup(union, setup: dict) -> None:
    """Remove what the committed setup left, the federation's copies included (its events were
    delivered: facts, their rollups, the approval request), so later tests in this database
    count only their own."""
    from approvals.models import ApprovalRequest
    from federation.models import Fact
    from federation.rollup import rollup_rebuild

    def work():
        with tenant_context(union):
            plan = ElectionPlan.objects.get(pk=setup["plan"])
            events = list(
                OutboxEvent.objects.filter(occurred_at__gte=setup["started"]).values_list("pk", flat=True)
            )
        connection.set_schema_to_public()
        Fact.objects.filter(event_id__in=events).delete()
        ApprovalRequest.objects.filter(object_uuid=plan.uuid).delete()
        rollup_rebuild(union_ids=[union.pk])
        with tenant_context(union):
            OutboxEvent.objects.filter(pk__in=events).delete()
            OutboxEvent.objects.filter(payload__plan=str(plan.uuid)).delete()
            plan.delete()
            Committee.objects.filter(pk=setup["committee"]).delete()
            Member.objects.filter(pk__in=setup["members"]).delete()
            User.objects.filter(pk__in=setup["users"]).delete()
        Account.objects.filter(pk__in=setup["accounts"]).delete()

    _in_own_connection(work)


def test_one_ballot_per_member_under_concurrent_submission(union_a):
    """Given an open online ballot with three voters (committed),
    when the first submits twelve times at once and the other two once each, all together,
    then the first has exactly one ballot (eleven refusals as a second ballot), the others one
    each, three ballots in all and three voters marked on the roll."""
    setup = _committed_setup(union_a)
    try:
        barrier = threading.Barrier(ATTEMPTS + 2)
        outcomes: list[str] = []
        lock = threading.Lock()

        def vote(user_id: int) -> None:
            try:
                with tenant_context(union_a):
                    user = User.objects.get(pk=user_id)
                    plan = ElectionPlan.objects.get(pk=setup["plan"])
                    barrier.wait(timeout=30)
                    try:
                        ballot_cast(plan=plan, user=user, choices=[setup["candidates"][0]])
                        outcome = f"ok:{user_id}"
                    except Conflict as error:
                        outcome = f"{error.code}:{user_id}"
                with lock:
                    outcomes.append(outcome)
            finally:
                connection.close()

        users = [setup["users"][0]] * ATTEMPTS + setup["users"][1:]
        threads = [threading.Thread(target=vote, args=(user_id,)) for user_id in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        first = setup["users"][0]
        assert outcomes.count(f"ok:{first}") == 1
        assert outcomes.count(f"ballot_already_cast:{first}") == ATTEMPTS - 1
        assert all(outcomes.count(f"ok:{other}") == 1 for other in setup["users"][1:])
        counts: dict = {}

        def check():
            with tenant_context(union_a):
                plan = ElectionPlan.objects.get(pk=setup["plan"])
                counts.update(ballots=plan.ballots.count(), voted=plan.voters.filter(has_voted=True).count())

        _in_own_connection(check)
        assert counts == {"ballots": 3, "voted": 3}
    finally:
        _committed_cleanup(union_a, setup)
