"""Democratic elections (民主选举): the election plan for a committee's new term, its approval by the
higher-level union, the candidates, the vote (paper counts or an online secret ballot), the
tally and the result reported upward for approval.

Ballot secrecy is a property of these tables: ``Ballot`` has no foreign key but the election, no
user, no member, no time and a random primary key; the voter roll (``Voter``) records only
*that* a member voted. The receipt code a voter is shown once is stored only as its SHA-256
hash, so after the ballot closes every voter can find their ballot in the published list and
anyone can recount the tally from it. See ``services`` and ``var/docs/elections.md`` for the
threat model.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS


class ElectionPlan(models.Model):
    """The election plan (换届选举工作方案) for a committee's new term: what is elected (seats by
    position), when, how (paper or online secret ballot) and among whom; its approval by the
    district federation; and, once the votes are counted, the result and its approval."""

    class Method(models.TextChoices):
        PAPER = "paper", _("Paper ballot (counts entered)")
        ONLINE = "online", _("Online secret ballot")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting the district's approval")
        RETURNED = "returned", _("Returned by the district")
        APPROVED = "approved", _("Approved: ballot ready")
        COUNTED = "counted", _("Votes counted")
        RESULT_SUBMITTED = "result_submitted", _("Result awaiting approval")
        RESULT_RETURNED = "result_returned", _("Result returned by the district")
        RESULT_APPROVED = "result_approved", _("Result approved: new term recorded")

    class MajorityBase(models.TextChoices):
        CAST = "cast", _("More than half of the ballots cast")
        ELIGIBLE = "eligible", _("More than half of the eligible voters")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="election_plans",
        verbose_name=_("committee"),
    )  # fmt: skip
    term_number = models.PositiveSmallIntegerField(_("new term number"))
    term_years = models.PositiveSmallIntegerField(_("term length (years)"), default=5)
    election_date = models.DateField(_("election date"))
    method = models.CharField(_("voting method"), max_length=10, choices=Method.choices)
    opens_at = models.DateTimeField(_("ballot opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("ballot closes"), null=True, blank=True)
    majority_base = models.CharField(
        _("majority rule"), max_length=10, choices=MajorityBase.choices, default=MajorityBase.CAST
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    district_comment = models.TextField(_("the district's comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The count: for an online ballot computed from the ballots at close; for paper entered.
    eligible_count = models.PositiveIntegerField(_("eligible voters"), default=0)
    ballots_issued = models.PositiveIntegerField(_("ballots issued"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField(_("invalid ballots"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    result_submitted_at = models.DateTimeField(_("result submitted"), null=True, blank=True)
    result_approved_at = models.DateTimeField(_("result approved"), null=True, blank=True)
    new_term = models.ForeignKey(
        "committees.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("new term"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-election_date", "-pk"]
        verbose_name = _("election plan")
        verbose_name_plural = _("election plans")
        constraints = [
            models.CheckConstraint(
                name="election_online_window",
                condition=Q(method="paper") | Q(opens_at__isnull=False, closes_at__gt=models.F("opens_at")),
            ),
            models.CheckConstraint(
                name="election_cast_not_above_issued",
                condition=Q(ballots_cast__isnull=True)
                | Q(ballots_issued__isnull=True)
                | Q(ballots_cast__lte=models.F("ballots_issued")),
            ),
            models.CheckConstraint(
                name="election_invalid_not_above_cast",
                condition=Q(ballots_invalid__isnull=True) | Q(ballots_invalid__lte=models.F("ballots_cast")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee.name} 第{self.term_number}届换届选举"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def total_seats(self) -> int:
        return sum(seat.seats for seat in self.seats.all())


class Seat(models.Model):
    """A position the election fills and how many seats it has (e.g. 5 committee members)."""

    plan = models.ForeignKey(ElectionPlan, on_delete=models.CASCADE, related_name="seats")
    role = models.CharField(_("position"), max_length=20)
    seats = models.PositiveSmallIntegerField(_("seats"))

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["plan", "role"], name="election_seat_role_once"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="election_seat_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.role} × {self.seats}"

    def get_role_label(self) -> str:
        from tenants.committees.models import Position

        return str(Position.Role(self.role).label) if self.role in Position.Role.values else self.role


class Candidate(models.Model):
    """A roster member standing for a position, with a short introduction shown on the ballot.
    Candidates are public in an election: their names go to the district with the plan."""

    plan = models.ForeignKey(ElectionPlan, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("member")
    )
    role = models.CharField(_("position"), max_length=20)
    introduction = models.CharField(_("introduction"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order on the ballot"), default=0)
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    elected = models.BooleanField(_("elected"), default=False)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [models.UniqueConstraint(fields=["plan", "member"], name="election_candidate_once")]

    def __str__(self) -> str:
        return self.member.name

    def get_role_label(self) -> str:
        from tenants.committees.models import Position

        return str(Position.Role(self.role).label) if self.role in Position.Role.values else self.role


class Voter(models.Model):
    """An eligible voter on the election's roll (选民名册), fixed when the plan is submitted.

    ``has_voted`` is the only trace of voting on this side: no time, no link to the ballot. The
    vote locks this row (``SELECT … FOR UPDATE``), so two submissions of one member cannot both
    pass; ``Ballot`` rows are counted against the roll at close."""

    plan = models.ForeignKey(ElectionPlan, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey("membership.Member", on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(_("voted"), default=False)

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [models.UniqueConstraint(fields=["plan", "member"], name="election_voter_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.member_id}"


class Ballot(models.Model):
    """One secret ballot as cast: the election, the chosen candidates' ids (sorted) and the hash
    of the voter's receipt code. Nothing else: a random primary key, no voter, no user, no time.
    Published (hash and choices) once the ballot closes, in hash order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ElectionPlan, on_delete=models.CASCADE, related_name="ballots")
    choices = ArrayField(models.IntegerField(), default=list, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["plan", "receipt_hash"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return self.receipt_hash[:12]
