"""Workers joining a union: requests that an officer approves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workershome.deletion import SET_NULL_IN_UNIONS


class MembershipRequest(models.Model):
    """A worker's request to join this union, made without an invite code.

    Approving it creates the worker's local user in the member role.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11)
    department = models.CharField(_("department"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.mobile}）"


class Member(models.Model):
    """A member (会员) of this union on its roster.

    The roster is the union's own record of who belongs to it: imported from Excel, added by an
    officer, or created when a registration request is approved. The mobile number identifies a
    person within the union (unique here) and links the entry to the person's global account and
    local user where they have one. Sensitive data (ID numbers and the like) are deliberately not
    kept here.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        LEFT = "left", _("Left the union")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11, unique=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    department = models.CharField(_("department or workshop"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    card_number = models.CharField(_("member card number"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    badge_number = models.CharField(
        _("badge number"), max_length=20, blank=True,
        help_text=_("The number on the uniform badge staff and committee members wear (亮身份)."),
    )  # fmt: skip
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )  # fmt: skip
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )  # fmt: skip
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="roster_entry",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["department", "name", "pk"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"], condition=~models.Q(card_number=""), name="member_card_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "department"], name="member_status_department")]

    def __str__(self) -> str:
        return self.name


class MemberTransfer(models.Model):
    """A request to transfer a member's union membership to another union (会员组织关系转接).

    Each side keeps its own row in its own schema, sharing one ``reference``: the sending union an
    ``outgoing`` row, the receiving union an ``incoming`` one. Only the service in
    ``services.py`` writes them, switching schema explicitly, so a union only ever acts on the
    rows in its own schema: the requests it sent, and those addressed to it.
    """

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing")
        INCOMING = "incoming", _("Incoming")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving union")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Withdrawn")

    reference = models.UUIDField(_("reference"), db_index=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    # The other union (registry id, public schema): the receiver of an outgoing request, the sender of an incoming one.
    peer_union = models.ForeignKey(
        "registry.Union", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("other union"),
    )  # fmt: skip
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers",
        verbose_name=_("member"),
    )  # fmt: skip
    # What the receiving union needs to put the person on its roster (copied, never looked up across).
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11)
    gender = models.CharField(_("gender"), max_length=6, choices=Member.Gender.choices, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    card_number = models.CharField(_("member card number"), max_length=30, blank=True)
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("member transfer")
        verbose_name_plural = _("member transfers")
        constraints = [
            models.UniqueConstraint(fields=["reference", "direction"], name="transfer_one_row_per_side"),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending", direction="outgoing"),
                name="transfer_one_pending_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_direction_display()}）"
