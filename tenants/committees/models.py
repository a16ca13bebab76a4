"""The union's organisation (组织建设): its committees, their terms and the positions members hold.

A sound union organisation is the first of the federation's "software requirements": the union
committee (工会委员会), the funds review committee (经费审查委员会), the women workers' committee
(女职工委员会) and the union groups (工会小组), each elected for a term of three or five years and
renewed on time (换届). The site's people page (亮身份) and the chairman's public contact are
drawn from here once the union has entered its committees.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS


class Committee(models.Model):
    """One of the union's elected bodies: the union committee, the funds review committee, the
    women workers' committee, or a union group (several groups, one per workshop or team)."""

    class Kind(models.TextChoices):
        UNION_COMMITTEE = "union_committee", _("Union committee")
        FUNDS_REVIEW = "funds_review", _("Funds review committee")
        WOMEN_WORKERS = "women_workers", _("Women workers' committee")
        UNION_GROUP = "union_group", _("Union group")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order on the site"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            # One union committee, one funds review and one women workers' committee; groups are many.
            models.UniqueConstraint(
                fields=["kind"], condition=~Q(kind="union_group"), name="committee_one_of_each_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A committee's term of office (届): three or five years, from its election to its renewal.

    Terms of one committee never overlap (``services.term_create`` refuses it). Reminders go to
    the chairman 6, 3 and 1 months before the end (``TermReminder``, each once), and a term that
    ended without a successor is overdue, reported to the federation once.
    """

    class Years(models.IntegerChoices):
        THREE = 3, _("Three years")
        FIVE = 5, _("Five years")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term number"), help_text=_("E.g. 3 for the third term."))
    years = models.PositiveSmallIntegerField(_("length"), choices=Years.choices, default=Years.FIVE)
    starts_on = models.DateField(_("starts on"), help_text=_("The date of the election."))
    ends_on = models.DateField(_("ends on"))
    elected_at_meeting = models.CharField(_("elected by"), max_length=200, blank=True)
    overdue_reported_at = models.DateTimeField(_("overdue reported"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["committee", "-starts_on"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="term_number_unique"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="term_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.committee.name} 第{self.number}届"

    def is_current(self, today: datetime.date) -> bool:
        return self.starts_on <= today <= self.ends_on


class Position(models.Model):
    """A post in a committee's term held by a member of the roster: chairman, vice-chairman,
    head, group leader, committee member…

    The chairman of the union committee may publish a mobile number and an email: that is the
    chairman's public contact (亮身份) shown on the site and the posters.
    """

    class Role(models.TextChoices):
        CHAIRMAN = "chairman", _("Chairman")
        VICE_CHAIRMAN = "vice_chairman", _("Vice-chairman")
        HEAD = "head", _("Head")
        DEPUTY_HEAD = "deputy_head", _("Deputy head")
        GROUP_LEADER = "group_leader", _("Group leader")
        DEPUTY_GROUP_LEADER = "deputy_group_leader", _("Deputy group leader")
        MEMBER = "member", _("Committee member")

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="positions")
    member = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, related_name="positions", verbose_name=_("member")
    )
    role = models.CharField(_("position"), max_length=20, choices=Role.choices)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    public_mobile = models.CharField(_("public mobile number"), max_length=11, blank=True)
    public_email = models.EmailField(_("public email"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["term", "order", "pk"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["term", "member"], name="position_one_per_member_and_term"),
            models.UniqueConstraint(
                fields=["term"], condition=Q(role__in=["chairman", "head", "group_leader"]),
                name="position_one_leader_per_term",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member}"


# The positions each kind of committee has, the leader first.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    Committee.Kind.UNION_COMMITTEE: ("chairman", "vice_chairman", "member"),
    Committee.Kind.FUNDS_REVIEW: ("head", "deputy_head", "member"),
    Committee.Kind.WOMEN_WORKERS: ("head", "deputy_head", "member"),
    Committee.Kind.UNION_GROUP: ("group_leader", "deputy_group_leader", "member"),
}
ROLE_ORDER = {role: index for index, role in enumerate(Position.Role.values)}


class TermReminder(models.Model):
    """That the renewal reminder N months before a term's end has been dealt with (sent, or
    passed over because a later one was due first): the periodic task sends each at most once."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="reminders")
    months_before = models.PositiveSmallIntegerField()
    sent = models.BooleanField(default=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "months_before"], name="term_reminder_once")]

    def __str__(self) -> str:
        return f"{self.term} −{self.months_before}"
