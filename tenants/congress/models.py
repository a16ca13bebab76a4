"""The workers' congress (职工代表大会, 职代会): the democratic-management assembly of the union's
workplace, held at least once a year.

A session (届/次) has delegates elected by constituency (代表团/选区), all on the union's roster;
it convenes only when at least two thirds of its delegates are present. Delegates put motions
(提案) with co-signers (附议); the motions committee accepts a motion (立案), turns it into a
suggestion, or does not accept it; an accepted motion goes to the department responsible, which
replies within the session's time limit, and the proposer says whether they are satisfied.
Resolutions (决议) pass when more than half of all delegates vote for them. The employer's
disclosure items (厂务公开) are published to the members.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS


class CongressSession(models.Model):
    """One sitting of the workers' congress: the N-th congress (届), its M-th session (次).

    ``planned`` until it convenes; ``open`` once the quorum is met (the attendance is frozen in
    ``delegates_total`` and ``present_count``); ``closed`` at the end. The motion rules (how many
    co-signers, how many days a department has to reply) are the session's own.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")

    congress_number = models.PositiveSmallIntegerField(_("congress number (届)"))
    session_number = models.PositiveSmallIntegerField(_("session number (次)"))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cosigners_min = models.PositiveSmallIntegerField(
        _("co-signers needed"), default=2, help_text=_("How many delegates must co-sign a motion (附议).")
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to reply"), default=30, help_text=_("How many days a department has to reply to a motion.")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    delegates_total = models.PositiveIntegerField(_("delegates"), default=0, editable=False)
    present_count = models.PositiveIntegerField(_("present"), default=0, editable=False)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("congress session")
        verbose_name_plural = _("congress sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["congress_number", "session_number"], name="congress_session_unique"
            ),
            # 两个三分之一: a session that convened had at least two thirds of its delegates present.
            models.CheckConstraint(
                condition=Q(status="planned")
                | Q(present_count__gte=1, delegates_total__gte=1)
                & Q(present_count__lte=F("delegates_total"))
                & Q(present_count__gte=(F("delegates_total") * 2 + 2) / 3),
                name="congress_session_quorum",
            ),
            models.CheckConstraint(condition=Q(cosigners_min__lte=50), name="congress_cosigners_min_range"),
            models.CheckConstraint(condition=Q(reply_days__gte=1), name="congress_reply_days_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def quorum(self) -> int:
        """The fewest delegates present for the session to convene: two thirds, rounded up."""
        return quorum_of(self.delegates_total)


def quorum_of(total: int) -> int:
    """Two thirds of ``total`` delegates, rounded up."""
    return -(-total * 2 // 3)


class Delegate(models.Model):
    """A roster member elected delegate to a session, for a constituency (代表团/选区); whether
    they are present is recorded before the session convenes."""

    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="delegates")
    member = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, related_name="congress_delegations",
        verbose_name=_("member"),
    )  # fmt: skip
    constituency = models.CharField(_("constituency"), max_length=100)
    present = models.BooleanField(_("present"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["session", "constituency", "pk"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="delegate_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.constituency}）"


class AgendaItem(models.Model):
    """An item on a session's agenda (议程), in order."""

    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=200)

    class Meta:
        ordering = ["session", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Motion(models.Model):
    """A delegate's motion (提案) to a session.

    Written as a draft, co-signed by other delegates of the session (附议), and submitted only
    with at least the session's ``cosigners_min`` co-signers. The motions committee reviews it:
    ``accepted`` (立案) goes to the responsible department with a reply due date; ``suggestion``
    (作为意见建议处理) and ``not_accepted`` (with the reason) end there. The department's reply
    makes it ``answered``; the proposer rates it: satisfied or basically satisfied closes it,
    unsatisfied asks the department for a second reply (once), which the proposer rates again.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, collecting co-signers")
        SUBMITTED = "submitted", _("Submitted, under review")
        ACCEPTED = "accepted", _("Accepted as a motion, awaiting reply")
        SUGGESTION = "suggestion", _("Handled as a suggestion")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        ANSWERED = "answered", _("Answered, awaiting rating")
        CLOSED = "closed", _("Closed")

    session = models.ForeignKey(CongressSession, on_delete=models.PROTECT, related_name="motions")
    proposer = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="motions")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason (案由)"))
    proposal = models.TextField(_("proposed measures"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    department = models.CharField(_("responsible department"), max_length=100, blank=True)
    reply_due_on = models.DateField(_("reply due"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    second_reply = models.TextField(_("second reply"), blank=True)
    second_replied_at = models.DateTimeField(_("second reply given"), null=True, blank=True)
    final_satisfaction = models.CharField(
        _("satisfaction with the second reply"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    overdue_reported_at = models.DateTimeField(_("overdue reported"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["session", "number", "pk"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="motion_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, submitted_at__isnull=False),
                name="motion_submitted_numbered",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "answered", "closed"])
                | (~Q(department="") & Q(reply_due_on__isnull=False)),
                name="motion_accepted_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | ~Q(review_note=""), name="motion_refusal_has_reason"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        """An accepted motion whose department has not replied by the due date."""
        return (
            self.status == self.Status.ACCEPTED
            and self.reply_due_on is not None
            and today > self.reply_due_on
        )

    @property
    def reference(self) -> str:
        return (
            f"{self.session.congress_number}-{self.session.session_number}-{self.number:03d}"
            if self.number
            else ""
        )


class MotionCosigner(models.Model):
    """A delegate of the same session co-signing (附议) a motion before it is submitted."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="cosigners")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="cosigned")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["motion", "at", "pk"]
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        constraints = [models.UniqueConstraint(fields=["motion", "delegate"], name="cosign_once")]

    def __str__(self) -> str:
        return f"{self.delegate} → {self.motion}"


class Resolution(models.Model):
    """A resolution (决议) voted on by a session: by show of hands or by ballots counted, the
    counts are entered. It passes when more than half of *all* the session's delegates vote for
    it (not just of those present)."""

    class Method(models.TextChoices):
        SHOW_OF_HANDS = "show_of_hands", _("Show of hands")
        BALLOT = "ballot", _("Ballot")

    session = models.ForeignKey(CongressSession, on_delete=models.PROTECT, related_name="resolutions")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    method = models.CharField(_("voting method"), max_length=14, choices=Method.choices)
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    votes_abstain = models.PositiveIntegerField(_("abstain"))
    delegates_total = models.PositiveIntegerField(_("delegates"))
    passed = models.BooleanField(_("passed"))
    voted_at = models.DateTimeField(_("voted"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["session", "voted_at", "pk"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            # More than half of all delegates (integer division: 2 × for > total).
            models.CheckConstraint(
                condition=Q(passed=True, votes_for__gt=F("delegates_total") / 2)
                | Q(passed=False, votes_for__lte=F("delegates_total") / 2),
                name="resolution_pass_rule",
            ),
            models.CheckConstraint(
                condition=Q(delegates_total__gte=F("votes_for") + F("votes_against") + F("votes_abstain")),
                name="resolution_votes_within_delegates",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DisclosureItem(models.Model):
    """What the employer discloses to its workers (厂务公开): a category, the content and the date;
    published items are shown to the members on the union's site."""

    class Category(models.TextChoices):
        DECISIONS = "decisions", _("Major decisions")
        OPERATIONS = "operations", _("Operations and finances")
        PAY = "pay", _("Pay and benefits")
        SAFETY = "safety", _("Work safety")
        CONTRACTS = "contracts", _("Labour contracts and rules")
        LEADERSHIP = "leadership", _("Management integrity")
        OTHER = "other", _("Other")

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    disclosed_on = models.DateField(_("disclosed on"))
    published = models.BooleanField(_("published to members"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")

    def __str__(self) -> str:
        return self.title


class CongressOverdueReport(models.Model):
    """That the federation was told once that no session was held in the year after
    ``last_held_on`` (empty: no session ever). A new session makes the next report possible."""

    last_held_on = models.DateField(null=True, blank=True)
    reported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["last_held_on"], nulls_distinct=False, name="congress_overdue_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_held_on or '—'}"
