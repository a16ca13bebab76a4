"""Writes of the elections: the plan and its candidates, submission to the district and the
decision carried back, the secret ballot, the paper count, the tally and the new term.

Secrecy of the online ballot (the threat model is in ``var/docs/elections.md``):

- ``ballot_cast`` locks the voter's roll row, refuses a second ballot, writes the ballot (random
  id, the election, the sorted choices, the SHA-256 of a random receipt code) and flips
  ``has_voted``: one transaction, no time stamp, no event, no notification, no log line.
- ``ballot_close`` rewrites both tables at close, in one transaction: the ballots re-inserted in
  receipt-hash order and the roll in member order, so neither the physical row order nor the
  rows' transaction ids (``xmin``) keep the order people voted in; the close task then runs
  ``VACUUM FULL`` on both tables so the dead row versions are gone from the table files too.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.committees.models import ROLES_BY_KIND, Committee, Position, Term
from tenants.committees.services import position_assign, term_create, term_update
from tenants.events.services import event_emit
from tenants.membership.models import Member
from workershome.errors import Conflict, ServiceError

from .models import Ballot, Candidate, ElectionPlan, Seat, Voter

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
RECEIPT_LENGTH = 16  # 80 bits


# --- Receipts ------------------------------------------------------------------------------------


def receipt_normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code: str) -> str:
    return hashlib.sha256(receipt_normalize(code).encode()).hexdigest()


def receipt_new() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


# --- The plan ------------------------------------------------------------------------------------


def _plan_check(
    *,
    committee: Committee,
    term_number: int,
    term_years: int,
    election_date,
    method: str,
    opens_at,
    closes_at,
    majority_base: str,
    seats: dict[str, int],
) -> None:
    if term_years not in Term.Years.values:
        raise ServiceError("term_years_invalid", _("A term lasts three or five years."), field="term_years")
    if not term_number or term_number < 1:
        raise ServiceError(
            "term_number_invalid", _("Give the term's number (1, 2, 3…)."), field="term_number"
        )
    if Term.objects.filter(committee=committee, number=term_number).exists():
        raise Conflict(
            "term_number_taken", _("This committee already has a term number %(number)s."),
            params={"number": term_number}, field="term_number",
        )  # fmt: skip
    if not isinstance(election_date, datetime.date):
        raise ServiceError("election_date_missing", _("Give the election date."), field="election_date")
    if method not in ElectionPlan.Method.values:
        raise ServiceError("election_method_invalid", _("Choose paper or online voting."), field="method")
    if majority_base not in ElectionPlan.MajorityBase.values:
        raise ServiceError("election_majority_invalid", _("Choose the majority rule."), field="majority_base")
    if method == ElectionPlan.Method.ONLINE:
        if opens_at is None or closes_at is None:
            raise ServiceError(
                "election_window_missing", _("An online ballot needs the time it opens and the time it closes."),
                field="opens_at",
            )  # fmt: skip
        if closes_at <= opens_at:
            raise ServiceError(
                "election_window_order", _("The ballot must close after it opens."), field="closes_at"
            )
    allowed = ROLES_BY_KIND[committee.kind]
    seats = {role: count for role, count in seats.items() if count}
    if not seats:
        raise ServiceError("election_seats_missing", _("Give the number of seats of at least one position."),
                           field="seats")  # fmt: skip
    for role, count in seats.items():
        if role not in allowed:
            raise ServiceError(
                "election_seat_role_invalid", _("A %(kind)s has these positions: %(roles)s."),
                params={"kind": committee.get_kind_display(),
                        "roles": "、".join(str(Position.Role(r).label) for r in allowed)},
                field="seats",
            )  # fmt: skip
        if count < 0 or count > 99:
            raise ServiceError("election_seats_invalid", _("Seats are between 1 and 99."), field="seats")
        if role == allowed[0] and count > 1:
            raise ServiceError(
                "election_leader_one_seat", _("The %(role)s has one seat."),
                params={"role": Position.Role(role).label}, field="seats",
            )  # fmt: skip


def _seats_set(plan: ElectionPlan, seats: dict[str, int]) -> None:
    plan.seats.all().delete()
    Seat.objects.bulk_create(
        [Seat(plan=plan, role=role, seats=count) for role, count in seats.items() if count]
    )
    plan.candidates.exclude(role__in=[role for role, count in seats.items() if count]).delete()


@transaction.atomic
def plan_create(
    *,
    committee: Committee,
    term_number: int,
    term_years: int,
    election_date: datetime.date,
    method: str,
    seats: dict[str, int],
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    majority_base: str = ElectionPlan.MajorityBase.CAST,
    notes: str = "",
    by=None,
) -> ElectionPlan:
    """Draft the election plan (换届选举工作方案) of a committee's next term."""
    _plan_check(
        committee=committee, term_number=term_number, term_years=term_years, election_date=election_date,
        method=method, opens_at=opens_at, closes_at=closes_at, majority_base=majority_base, seats=seats,
    )  # fmt: skip
    if ElectionPlan.objects.filter(committee=committee, term_number=term_number).exists():
        raise Conflict(
            "election_plan_exists", _("This committee already has a plan for term %(number)s."),
            params={"number": term_number}, field="term_number",
        )  # fmt: skip
    online = method == ElectionPlan.Method.ONLINE
    plan = ElectionPlan.objects.create(
        committee=committee, term_number=term_number, term_years=term_years, election_date=election_date,
        method=method, opens_at=opens_at if online else None, closes_at=closes_at if online else None,
        majority_base=majority_base, notes=notes.strip()[:4000], created_by=by,
    )  # fmt: skip
    _seats_set(plan, seats)
    return plan


def _plan_lock(plan: ElectionPlan) -> ElectionPlan:
    return ElectionPlan.objects.select_for_update().select_related("committee").get(pk=plan.pk)


def _editable(plan: ElectionPlan) -> None:
    if not plan.editable:
        raise Conflict(
            "election_plan_locked",
            _("The plan has been submitted to the district and can no longer be changed."),
        )


@transaction.atomic
def plan_update(
    *,
    plan: ElectionPlan,
    term_number: int,
    term_years: int,
    election_date: datetime.date,
    method: str,
    seats: dict[str, int],
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    majority_base: str = ElectionPlan.MajorityBase.CAST,
    notes: str = "",
    by=None,
) -> ElectionPlan:
    plan = _plan_lock(plan)
    _editable(plan)
    _plan_check(
        committee=plan.committee, term_number=term_number, term_years=term_years, election_date=election_date,
        method=method, opens_at=opens_at, closes_at=closes_at, majority_base=majority_base, seats=seats,
    )  # fmt: skip
    if (
        ElectionPlan.objects.filter(committee=plan.committee, term_number=term_number)
        .exclude(pk=plan.pk)
        .exists()
    ):
        raise Conflict(
            "election_plan_exists", _("This committee already has a plan for term %(number)s."),
            params={"number": term_number}, field="term_number",
        )  # fmt: skip
    online = method == ElectionPlan.Method.ONLINE
    plan.term_number, plan.term_years, plan.election_date, plan.method = (
        term_number, term_years, election_date, method,
    )  # fmt: skip
    plan.opens_at, plan.closes_at = (opens_at, closes_at) if online else (None, None)
    plan.majority_base, plan.notes = majority_base, notes.strip()[:4000]
    plan.save()
    _seats_set(plan, seats)
    return plan


@transaction.atomic
def candidate_add(
    *, plan: ElectionPlan, member: Member, role: str, introduction: str = "", by=None
) -> Candidate:
    """Put a roster member on the ballot for a position of the plan."""
    plan = _plan_lock(plan)
    _editable(plan)
    if not plan.seats.filter(role=role).exists():
        raise ServiceError(
            "candidate_role_invalid", _("The plan elects no %(role)s."),
            params={"role": Position.Role(role).label if role in Position.Role.values else role}, field="role",
        )  # fmt: skip
    member = Member.objects.get(pk=member.pk)
    if member.status != Member.Status.ACTIVE:
        raise ServiceError(
            "candidate_member_inactive", _("Only an active member can stand for election."), field="member"
        )
    if plan.candidates.filter(member=member).exists():
        raise Conflict("candidate_taken", _("This member is already a candidate."), field="member")
    return Candidate.objects.create(
        plan=plan, member=member, role=role, introduction=introduction.strip()[:300],
        order=plan.candidates.count(),
    )  # fmt: skip


@transaction.atomic
def candidate_remove(*, candidate: Candidate, by=None) -> None:
    _editable(_plan_lock(candidate.plan))
    Candidate.objects.filter(pk=candidate.pk).delete()


def eligible_members(plan: ElectionPlan):
    """Who may vote: the active members on the roster; online, only those with an account
    (they sign in to vote)."""
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if plan.method == ElectionPlan.Method.ONLINE:
        members = members.filter(Q(account__isnull=False) | Q(user__isnull=False))
    return members


@transaction.atomic
def plan_submit(*, plan: ElectionPlan, by=None) -> ElectionPlan:
    """Send the plan to the district federation for approval (报上级工会审批): the voter roll is
    fixed now, the plan is locked, and the request goes up through the outbox."""
    plan = _plan_lock(plan)
    _editable(plan)
    seats = list(plan.seats.all())
    if not seats:
        raise ServiceError("election_seats_missing", _("Give the number of seats of at least one position."))
    for seat in seats:
        standing = plan.candidates.filter(role=seat.role).count()
        if standing < seat.seats:
            raise ServiceError(
                "election_candidates_short",
                _("%(role)s: %(seats)s seat(s) but only %(standing)s candidate(s)."),
                params={"role": Position.Role(seat.role).label, "seats": seat.seats, "standing": standing},
            )  # fmt: skip
    if plan.method == ElectionPlan.Method.ONLINE and plan.closes_at and plan.closes_at <= timezone.now():
        raise ServiceError("election_window_past", _("The ballot's closing time has already passed."))
    plan.voters.all().delete()
    Voter.objects.bulk_create(
        [
            Voter(plan=plan, member_id=pk)
            for pk in eligible_members(plan).order_by("pk").values_list("pk", flat=True)
        ]
    )
    plan.eligible_count = plan.voters.count()
    if plan.eligible_count == 0:
        raise ServiceError("election_no_voters", _("Nobody on the roster can vote by this method."))
    plan.status = ElectionPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.district_comment = ""
    plan.save()
    event_emit(
        name="election.plan_submitted",
        payload={"plan": str(plan.uuid), "committee_kind": plan.committee.kind, "method": plan.method,
                 "seats": sum(seat.seats for seat in seats), "candidates": plan.candidates.count(),
                 "eligible": plan.eligible_count, "election_date": plan.election_date.isoformat()},
    )  # fmt: skip
    return plan


# --- Decisions carried back from the district -----------------------------------------------------


def _chairman_tell(*, title: str, body: str, plan: ElectionPlan) -> None:
    from tenants.committees.selectors import union_chairman_users
    from tenants.notifications.services import notify

    notify(recipients=union_chairman_users(), title=title, body=body, url=f"/admin/elections/{plan.pk}/")


@transaction.atomic
def approval_apply(*, approval_id: int) -> str | None:
    """In the union's schema: apply the district's decision on the plan or the result (read from
    the public ``ApprovalRequest`` by id) and tell the chairman. Idempotent: a plan no longer
    waiting for that decision is left alone. Returns what was done."""
    from approvals.models import ApprovalRequest

    row = (
        ApprovalRequest.objects.filter(pk=approval_id)
        .values("kind", "object_uuid", "status", "comment", "district__name")
        .first()
    )
    if row is None or row["status"] == ApprovalRequest.Status.PENDING:
        return None
    plan = (
        ElectionPlan.objects.select_for_update()
        .select_related("committee")
        .filter(uuid=row["object_uuid"])
        .first()
    )
    if plan is None:
        return None
    approved = row["status"] == ApprovalRequest.Status.APPROVED
    district = row["district__name"] or gettext("The district federation")
    with translation.override("zh-hans"):
        params = {"plan": str(plan), "district": district, "comment": row["comment"]}
        if row["kind"] == "election_plan" and plan.status == ElectionPlan.Status.SUBMITTED:
            plan.district_comment = row["comment"]
            if approved:
                plan.status, plan.approved_at = ElectionPlan.Status.APPROVED, timezone.now()
                event_emit(
                    name="election.plan_approved",
                    payload={"plan": str(plan.uuid), "committee_kind": plan.committee.kind, "method": plan.method,
                             "election_date": plan.election_date.isoformat()},
                )  # fmt: skip
                title = gettext("%(district)s approved the election plan: %(plan)s") % params
            else:
                plan.status = ElectionPlan.Status.RETURNED
                title = gettext("%(district)s returned the election plan: %(plan)s") % params
            plan.save()
            _chairman_tell(title=title, body=row["comment"], plan=plan)
            return "plan_approved" if approved else "plan_returned"
        if row["kind"] == "election_result" and plan.status == ElectionPlan.Status.RESULT_SUBMITTED:
            plan.district_comment = row["comment"]
            if approved:
                _new_term_record(plan)
                plan.status, plan.result_approved_at = ElectionPlan.Status.RESULT_APPROVED, timezone.now()
                event_emit(
                    name="election.result_approved",
                    payload={"plan": str(plan.uuid), "committee_kind": plan.committee.kind,
                             "elected": plan.candidates.filter(elected=True).count(), "seats": plan.total_seats},
                )  # fmt: skip
                title = gettext("%(district)s approved the election result: %(plan)s") % params
            else:
                plan.status = ElectionPlan.Status.RESULT_RETURNED
                title = gettext("%(district)s returned the election result: %(plan)s") % params
            plan.save()
            _chairman_tell(title=title, body=row["comment"], plan=plan)
            return "result_approved" if approved else "result_returned"
    return None


def _new_term_record(plan: ElectionPlan) -> None:
    """The approved result becomes the committee's new term and its positions, through the
    committees' services. The serving term ends the day before the election (换届)."""
    starts_on = plan.election_date
    serving = Term.objects.filter(
        committee=plan.committee, starts_on__lt=starts_on, ends_on__gte=starts_on
    ).first()
    if serving is not None:
        term_update(
            term=serving, number=serving.number, years=serving.years, starts_on=serving.starts_on,
            ends_on=starts_on - datetime.timedelta(days=1), elected_at_meeting=serving.elected_at_meeting,
        )  # fmt: skip
    term = term_create(
        committee=plan.committee, number=plan.term_number, years=plan.term_years, starts_on=starts_on,
        elected_at_meeting=gettext("Election of %(date)s") % {"date": plan.election_date.isoformat()},
    )  # fmt: skip
    for order, candidate in enumerate(plan.candidates.filter(elected=True).select_related("member")):
        position_assign(term=term, member=candidate.member, role=candidate.role, order=order)
    plan.new_term = term


# --- Voting --------------------------------------------------------------------------------------


def ballot_window_check(plan: ElectionPlan, *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if plan.method != ElectionPlan.Method.ONLINE:
        raise ServiceError("ballot_not_online", _("This election is held on paper, not online."))
    if plan.status != ElectionPlan.Status.APPROVED:
        if plan.status in (
            ElectionPlan.Status.DRAFT,
            ElectionPlan.Status.SUBMITTED,
            ElectionPlan.Status.RETURNED,
        ):
            raise ServiceError("ballot_not_approved", _("This ballot has not been approved yet."), status=409)
        raise Conflict("ballot_closed", _("The ballot closed at %(time)s; votes are no longer accepted."),
                       params={"time": timezone.localtime(plan.closes_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    assert plan.opens_at is not None and plan.closes_at is not None
    if now < plan.opens_at:
        raise Conflict("ballot_not_open", _("The ballot opens at %(time)s; come back then."),
                       params={"time": timezone.localtime(plan.opens_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    if now >= plan.closes_at:
        raise Conflict("ballot_closed", _("The ballot closed at %(time)s; votes are no longer accepted."),
                       params={"time": timezone.localtime(plan.closes_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip


def _choices_check(plan: ElectionPlan, choices: Iterable) -> list[int]:
    try:
        chosen = sorted({int(choice) for choice in choices})
    except (TypeError, ValueError) as error:
        raise ServiceError("ballot_choice_invalid", _("Choose candidates on this ballot.")) from error
    roles = dict(plan.candidates.filter(pk__in=chosen).values_list("pk", "role"))
    if len(roles) != len(chosen):
        raise ServiceError("ballot_choice_invalid", _("Choose candidates on this ballot."))
    per_role: dict[str, int] = defaultdict(int)
    for role in roles.values():
        per_role[role] += 1
    for seat in plan.seats.all():
        if per_role.get(seat.role, 0) > seat.seats:
            raise ServiceError(
                "ballot_too_many", _("%(role)s: choose at most %(seats)s; you chose %(chosen)s."),
                params={"role": Position.Role(seat.role).label, "seats": seat.seats, "chosen": per_role[seat.role]},
            )  # fmt: skip
    return chosen


def voter_for(plan: ElectionPlan, user) -> Voter | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    match = Q(member__user_id=user.pk)
    if getattr(user, "account_id", None):
        match |= Q(member__account_id=user.account_id)
    return Voter.objects.filter(plan=plan).filter(match).first()


@transaction.atomic
def ballot_cast(*, plan: ElectionPlan, user, choices: Iterable) -> str:
    """Cast one secret ballot for the signed-in member; returns the receipt code (shown once,
    stored only as its hash). Refused outside the window, for someone not on the roll, for a
    second ballot and for more choices than seats. Deliberately writes no event, no
    notification, no audit row and no log line."""
    with connection.cursor() as cursor:
        # FOR SHARE: voters do not wait for each other, but a close (FOR UPDATE) waits for every
        # ballot being cast, and a ballot cast after the close sees the plan counted.
        cursor.execute(f"SELECT id FROM {ElectionPlan._meta.db_table} WHERE id = %s FOR SHARE", [plan.pk])
    plan = ElectionPlan.objects.get(pk=plan.pk)
    ballot_window_check(plan)
    voter = voter_for(plan, user)
    if voter is None:
        raise ServiceError("ballot_not_eligible", _("You are not on this election's voter roll."), status=403)
    voter = Voter.objects.select_for_update().get(pk=voter.pk)  # concurrent submissions queue here
    if voter.has_voted:
        raise Conflict(
            "ballot_already_cast", _("You have already voted in this election; one ballot per member.")
        )
    chosen = _choices_check(plan, choices)
    code = receipt_new()
    Ballot.objects.create(plan=plan, choices=chosen, receipt_hash=receipt_hash(code))
    Voter.objects.filter(pk=voter.pk).update(has_voted=True)
    return code


# --- Counting ------------------------------------------------------------------------------------


def _elect(plan: ElectionPlan, votes: dict[int, int], *, valid: int) -> None:
    """Mark the elected: per position, the candidates with the most votes, each needing more
    than half of the majority base (the valid ballots cast, or the eligible voters), up to the
    seats. Candidates tied for the last seat are not elected (a further round decides)."""
    base = plan.eligible_count if plan.majority_base == ElectionPlan.MajorityBase.ELIGIBLE else valid
    candidates = list(plan.candidates.all())
    for candidate in candidates:
        candidate.votes = votes.get(candidate.pk, 0)
        candidate.elected = False
    for seat in plan.seats.all():
        running = sorted(
            (c for c in candidates if c.role == seat.role and (c.votes or 0) * 2 > base),
            key=lambda c: -(c.votes or 0),
        )
        winners = running[: seat.seats]
        if len(running) > seat.seats and (running[seat.seats].votes == winners[-1].votes):
            tied = winners[-1].votes
            winners = [c for c in winners if c.votes != tied]
        for candidate in winners:
            candidate.elected = True
    Candidate.objects.bulk_update(candidates, ["votes", "elected"])


def _held_emit(plan: ElectionPlan) -> None:
    cast = plan.ballots_cast or 0
    base = plan.ballots_issued if plan.method == ElectionPlan.Method.PAPER else plan.eligible_count
    event_emit(
        name="election.held",
        payload={"plan": str(plan.uuid), "committee_kind": plan.committee.kind, "method": plan.method,
                 "eligible": plan.eligible_count, "ballots_cast": cast,
                 "turnout_percent": round(100 * cast / base, 1) if base else 0.0,
                 "seats": plan.total_seats, "elected": plan.candidates.filter(elected=True).count()},
    )  # fmt: skip


@transaction.atomic
def ballot_close(*, plan: ElectionPlan, now: datetime.datetime | None = None) -> ElectionPlan:
    """Close an online ballot whose time is up: count, elect, and rewrite the ballot and roll
    tables so no physical trace of the voting order is left in them (see the module docstring)."""
    now = now or timezone.now()
    plan = _plan_lock(plan)
    if plan.method != ElectionPlan.Method.ONLINE or plan.status != ElectionPlan.Status.APPROVED:
        raise Conflict("ballot_not_open_to_close", _("Only an approved online ballot can be closed."))
    assert plan.closes_at is not None
    if now < plan.closes_at:
        raise Conflict("ballot_still_open", _("The ballot is open until %(time)s."),
                       params={"time": timezone.localtime(plan.closes_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    ballots = list(Ballot.objects.filter(plan=plan).values("id", "choices", "receipt_hash"))
    voters = list(Voter.objects.filter(plan=plan).values("id", "member_id", "has_voted"))
    voted = sum(1 for voter in voters if voter["has_voted"])
    if len(ballots) != voted:  # the lock and the transaction make this impossible; refuse to count if not
        raise RuntimeError(f"ballots ({len(ballots)}) and the roll ({voted}) disagree")
    Ballot.objects.filter(plan=plan).delete()
    Ballot.objects.bulk_create(
        [Ballot(plan=plan, **row) for row in sorted(ballots, key=lambda b: b["receipt_hash"])]
    )
    Voter.objects.filter(plan=plan).delete()
    Voter.objects.bulk_create(
        [Voter(plan=plan, **row) for row in sorted(voters, key=lambda v: v["member_id"])]
    )
    votes: dict[int, int] = defaultdict(int)
    for row in ballots:
        for choice in row["choices"]:
            votes[choice] += 1
    plan.ballots_issued = plan.eligible_count
    plan.ballots_cast = len(ballots)
    plan.ballots_invalid = 0
    plan.status, plan.counted_at = ElectionPlan.Status.COUNTED, now
    plan.save()
    _elect(plan, votes, valid=len(ballots))
    _held_emit(plan)
    return plan


def ballot_tables_vacuum() -> None:
    """After a close has committed: rewrite the two tables' files without the dead row versions
    (outside any transaction; a no-op inside one, as in tests)."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM FULL {Ballot._meta.db_table}, {Voter._meta.db_table}")


@transaction.atomic
def paper_count_enter(
    *,
    plan: ElectionPlan,
    ballots_issued: int,
    ballots_cast: int,
    ballots_invalid: int,
    votes: dict[int, int],
    by=None,
) -> ElectionPlan:
    """The officers' count of a paper ballot (计票): ballots issued, returned and invalid, and each
    candidate's votes. Returned ballots above the issued ones make the vote void (条例: 收回的选票
    多于发出的选票，选举无效); nobody can have more votes than valid ballots, nor a position more
    votes than valid ballots times its seats."""
    plan = _plan_lock(plan)
    if plan.method != ElectionPlan.Method.PAPER or plan.status != ElectionPlan.Status.APPROVED:
        raise Conflict("paper_count_not_open", _("Counts are entered for an approved paper ballot."))
    if plan.election_date > timezone.localdate():
        raise ServiceError("paper_count_early", _("Counts are entered on or after the election date."))
    for value, field in ((ballots_issued, "ballots_issued"), (ballots_cast, "ballots_cast"),
                         (ballots_invalid, "ballots_invalid")):  # fmt: skip
        if not isinstance(value, int) or value < 0:
            raise ServiceError("paper_count_invalid", _("Counts are whole numbers, 0 or more."), field=field)
    if ballots_issued > plan.eligible_count:
        raise ServiceError(
            "paper_issued_above_roll", _("More ballots issued (%(issued)s) than voters on the roll (%(roll)s)."),
            params={"issued": ballots_issued, "roll": plan.eligible_count}, field="ballots_issued",
        )  # fmt: skip
    if ballots_cast > ballots_issued:
        raise ServiceError(
            "paper_cast_above_issued",
            _("%(cast)s ballots returned but only %(issued)s issued: the vote is void and must be held again."),
            params={"cast": ballots_cast, "issued": ballots_issued}, field="ballots_cast",
        )  # fmt: skip
    if ballots_invalid > ballots_cast:
        raise ServiceError("paper_invalid_above_cast", _("More invalid ballots than ballots returned."),
                           field="ballots_invalid")  # fmt: skip
    valid = ballots_cast - ballots_invalid
    candidates = {c.pk: c for c in plan.candidates.all()}
    if set(votes) - set(candidates):
        raise ServiceError("paper_candidate_unknown", _("Votes for someone who is not a candidate."))
    per_role: dict[str, int] = defaultdict(int)
    for pk, count in votes.items():
        if not isinstance(count, int) or count < 0:
            raise ServiceError(
                "paper_count_invalid", _("Counts are whole numbers, 0 or more."), field=f"votes_{pk}"
            )
        if count > valid:
            raise ServiceError(
                "paper_votes_above_valid", _("%(name)s has %(votes)s votes but there are only %(valid)s valid ballots."),
                params={"name": candidates[pk].member.name, "votes": count, "valid": valid}, field=f"votes_{pk}",
            )  # fmt: skip
        per_role[candidates[pk].role] += count
    for seat in plan.seats.all():
        if per_role.get(seat.role, 0) > valid * seat.seats:
            raise ServiceError(
                "paper_votes_above_ballots",
                _("%(role)s: %(total)s votes in all, more than %(valid)s valid ballots × %(seats)s seat(s)."),
                params={"role": Position.Role(seat.role).label, "total": per_role[seat.role], "valid": valid,
                        "seats": seat.seats},
            )  # fmt: skip
    plan.ballots_issued, plan.ballots_cast, plan.ballots_invalid = (
        ballots_issued,
        ballots_cast,
        ballots_invalid,
    )
    plan.status, plan.counted_at = ElectionPlan.Status.COUNTED, timezone.now()
    plan.save()
    _elect(plan, votes, valid=valid)
    _held_emit(plan)
    return plan


@transaction.atomic
def result_submit(*, plan: ElectionPlan, by=None) -> ElectionPlan:
    """Report the result to the district federation for approval (选举结果报批)."""
    plan = _plan_lock(plan)
    if plan.status not in (ElectionPlan.Status.COUNTED, ElectionPlan.Status.RESULT_RETURNED):
        raise Conflict("result_not_ready", _("The result can be reported once the votes are counted."))
    if not plan.candidates.filter(elected=True).exists():
        raise ServiceError("result_nobody_elected", _("Nobody was elected: hold a further round first."))
    plan.status, plan.result_submitted_at = ElectionPlan.Status.RESULT_SUBMITTED, timezone.now()
    plan.save()
    event_emit(
        name="election.result_submitted",
        payload={"plan": str(plan.uuid), "committee_kind": plan.committee.kind,
                 "elected": plan.candidates.filter(elected=True).count(), "seats": plan.total_seats},
    )  # fmt: skip
    return plan
