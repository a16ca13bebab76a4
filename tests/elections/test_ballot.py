"""The online secret ballot: what a vote writes (every table and column, and the logs) cannot
link a ballot to its voter; the refusals (before opening, after closing, a second ballot, more
choices than seats, someone not on the roll); the close that erases the voting order; and the
tally every voter verifies with their receipt."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.elections.models import Ballot, Candidate, ElectionPlan, Voter
from tenants.elections.selectors import ballots_published, receipt_lookup, tally_recount
from tenants.elections.services import ballot_cast, ballot_close, receipt_hash
from tenants.events.models import OutboxEvent
from workershome.errors import Conflict, ServiceError

from .conftest import approved_plan

pytestmark = pytest.mark.django_db


def _snapshot(schemas: list[str]) -> dict[str, str]:
    """A digest of every table's content in ``schemas``."""
    digests: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'",
            [schemas],
        )
        for schema, table in cursor.fetchall():
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{schema}\".\"{table}\" t"
            )
            digests[f"{schema}.{table}"] = cursor.fetchone()[0]
    return digests


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        )
        return dict(cursor.fetchall())


def _chairman_candidates(plan) -> list[Candidate]:
    return list(plan.candidates.filter(role="chairman").order_by("order"))


def test_a_vote_writes_nothing_that_links_the_ballot_to_its_voter(
    union_a, plan, voters, district_admins, caplog
):
    """Given an approved online ballot,
    when a member votes,
    then only the ballot table (a new row: random id, election, choices, receipt hash) and the
    voter roll (has_voted) change, in the union's schema and in public; neither table has a time
    column or a column naming the other; no log record names the voter, the ballot or the receipt."""
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    voter = voters[5]
    with tenant_context(union_a):
        chosen = [_chairman_candidates(plan)[0].pk]
        before = _snapshot([union_a.schema_name, "public"])
        caplog.set_level(logging.DEBUG)
        code = ballot_cast(plan=plan, user=voter.user, choices=chosen)
        after = _snapshot([union_a.schema_name, "public"])
        changed = sorted(name for name in after if after[name] != before.get(name))
        assert changed == [
            f"{union_a.schema_name}.elections_ballot",
            f"{union_a.schema_name}.elections_voter",
        ]
        assert set(_columns("elections_ballot")) == {"id", "plan_id", "choices", "receipt_hash"}
        assert set(_columns("elections_voter")) == {"id", "plan_id", "member_id", "has_voted"}
        for table in ("elections_ballot", "elections_voter"):
            assert not any("time" in kind or "date" in kind for kind in _columns(table).values())
        ballot = Ballot.objects.get(plan=plan)
        assert ballot.receipt_hash == receipt_hash(code) and code not in ballot.receipt_hash
        assert ballot.choices == chosen
        assert Voter.objects.get(plan=plan, member=voter.member).has_voted
        assert not OutboxEvent.objects.filter(occurred_at__gte=timezone.now() - datetime.timedelta(seconds=30),
                                              name__startswith="election.").exclude(
            name__in=["election.plan_submitted", "election.plan_approved"]).exists()  # fmt: skip
    secrets_ = [voter.account.mobile, voter.member.name, code, code.replace("-", ""), str(ballot.pk),
                ballot.receipt_hash]  # fmt: skip
    for record in caplog.records:
        text = record.getMessage() + repr(getattr(record, "__dict__", {}))
        assert not any(secret in text for secret in secrets_), text


def test_the_refusals_each_with_a_clear_message(union_a, plan, voters, district_admins):
    """Given an online ballot,
    when a member votes before approval, with too many choices, twice, when not on the roll,
    before it opens and after it closes,
    then each is refused with its own message and no ballot is saved for it."""
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            ballot_cast(plan=plan, user=voters[6].user, choices=[])
        assert error.value.code == "ballot_not_approved"
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        chairs = _chairman_candidates(plan)
        with pytest.raises(ServiceError) as error:
            ballot_cast(plan=plan, user=voters[6].user, choices=[c.pk for c in chairs])
        assert error.value.code == "ballot_too_many" and "1" in str(error.value.message)
        with pytest.raises(ServiceError) as error:
            ballot_cast(plan=plan, user=voters[6].user, choices=[999999])
        assert error.value.code == "ballot_choice_invalid"
        ballot_cast(plan=plan, user=voters[6].user, choices=[chairs[1].pk])
        with pytest.raises(Conflict) as error:
            ballot_cast(plan=plan, user=voters[6].user, choices=[chairs[0].pk])
        assert error.value.code == "ballot_already_cast"
        from tests.factories import make_person

        _account, stranger = make_person(union_a, "member", name="路人甲")
        with pytest.raises(ServiceError) as error:
            ballot_cast(plan=plan, user=stranger, choices=[])
        assert error.value.code == "ballot_not_eligible" and error.value.status == 403
        now = timezone.now()
        ElectionPlan.objects.filter(pk=plan.pk).update(
            opens_at=now + datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(hours=2)
        )
        with pytest.raises(Conflict) as error:
            ballot_cast(plan=plan, user=voters[7].user, choices=[])
        assert error.value.code == "ballot_not_open"
        ElectionPlan.objects.filter(pk=plan.pk).update(
            opens_at=now - datetime.timedelta(hours=2), closes_at=now - datetime.timedelta(minutes=1)
        )
        with pytest.raises(Conflict) as error:
            ballot_cast(plan=plan, user=voters[7].user, choices=[])
        assert error.value.code == "ballot_closed"
        assert Ballot.objects.filter(plan=plan).count() == 1
        assert not Voter.objects.get(plan=plan, member=voters[7].member).has_voted


def test_close_tallies_erases_the_voting_order_and_every_voter_verifies_with_the_receipt(
    union_a, plan, voters, district_admins
):
    """Given six members who voted,
    when the ballot closes,
    then the ballots lie in receipt-hash order and the roll in member order, all rewritten by one
    transaction (one xmin each), a vote after the close is refused, each voter finds their ballot
    with their choices in the published list, and recounting the published ballots gives the
    published tally, with the elected holding more than half of the ballots cast."""
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        chairs = _chairman_candidates(plan)
        members = list(plan.candidates.filter(role="member").order_by("order"))
        ballots = [
            [chairs[0].pk, members[0].pk, members[1].pk],
            [chairs[0].pk, members[0].pk],
            [chairs[0].pk, members[1].pk, members[2].pk],
            [chairs[1].pk, members[0].pk, members[2].pk],
            [chairs[0].pk],
            [],
        ]
        receipts = [ballot_cast(plan=plan, user=voters[i].user, choices=c) for i, c in enumerate(ballots)]
        assert len(set(receipts)) == 6
        with pytest.raises(Conflict):
            ballot_close(plan=plan)  # still open
        ElectionPlan.objects.filter(pk=plan.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        ballot_close(plan=plan)
        with pytest.raises(Conflict) as error:
            ballot_cast(plan=plan, user=voters[6].user, choices=[])
        assert error.value.code == "ballot_closed"
        with connection.cursor() as cursor:
            cursor.execute("SELECT receipt_hash, xmin::text FROM elections_ballot WHERE plan_id = %s ORDER BY ctid",
                           [plan.pk])  # fmt: skip
            rows = cursor.fetchall()
            assert [r[0] for r in rows] == sorted(r[0] for r in rows)
            assert len({r[1] for r in rows}) == 1
            cursor.execute("SELECT member_id, xmin::text FROM elections_voter WHERE plan_id = %s ORDER BY ctid",
                           [plan.pk])  # fmt: skip
            rows = cursor.fetchall()
            assert [r[0] for r in rows] == sorted(r[0] for r in rows) and len({r[1] for r in rows}) == 1
        plan.refresh_from_db()
        assert plan.status == "counted" and plan.ballots_cast == 6 and plan.eligible_count == 8
        published = ballots_published(plan)
        for receipt, choices in zip(receipts, ballots, strict=True):
            found = receipt_lookup(plan, receipt.lower().replace("-", " "))
            assert found is not None and found.choices == sorted(choices)
        assert receipt_lookup(plan, "AAAA-BBBB-CCCC-DDDD") is None
        recount = tally_recount(published)
        for candidate in plan.candidates.all():
            assert recount.get(candidate.pk, 0) == candidate.votes
        votes = {c.pk: c.votes for c in plan.candidates.all()}
        assert votes[chairs[0].pk] == 4 and votes[members[0].pk] == 3 and votes[members[1].pk] == 2
        elected = set(plan.candidates.filter(elected=True).values_list("pk", flat=True))
        # More than half of six ballots cast is four: the chairman's 4 is elected, the member's 3 is not
        assert elected == {chairs[0].pk}
