"""The union's archives (档案管理): the record of its work, kept by category and year.

The federation's "software requirements" ask for complete archives (档案齐全): every year, each
part of the union's work leaves documents, notices, photos, videos, activity summaries, rules
and minutes. Each :class:`ArchiveItem` carries a stable item number (档号) assigned once from
:class:`ArchiveSequence`, a retention period in the manner of 《工会档案管理办法》 (permanent, 30 or
10 years, counted from 1 January after the item's year) and an access level.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


class ArchiveCategory(models.TextChoices):
    """The parts of the union's work an item belongs to, in the order of the yearly catalogue.

    They follow the problem-based classification unions use for their document archives
    (组织建设, 民主管理, 职代会, 劳动保护与维权, 困难帮扶, 宣教文体, 女职工, 经费审查), plus
    rules and minutes, which the federation's assessment asks to see on their own, and notices.
    """

    ORGANISATION = "organisation", _("Organisation")
    DEMOCRACY = "democracy", _("Democratic management")
    CONGRESS = "congress", _("Workers' congress")
    RULES = "rules", _("Rules")
    MINUTES = "minutes", _("Minutes")
    NOTICES = "notices", _("Notices")
    RIGHTS = "rights", _("Rights protection and mediation")
    HARDSHIP = "hardship", _("Hardship assistance")
    ACTIVITIES = "activities", _("Cultural and sports activities")
    TRAINING = "training", _("Skills and training")
    WOMEN = "women", _("Women workers")
    FUNDS = "funds", _("Funds and assets")


# The category's code inside an item number (档号): stable, never changed once used.
CATEGORY_CODES: dict[str, str] = {
    ArchiveCategory.ORGANISATION: "ZZ",
    ArchiveCategory.DEMOCRACY: "MZ",
    ArchiveCategory.CONGRESS: "ZDH",
    ArchiveCategory.RULES: "ZD",
    ArchiveCategory.MINUTES: "JY",
    ArchiveCategory.NOTICES: "TZ",
    ArchiveCategory.RIGHTS: "WQ",
    ArchiveCategory.HARDSHIP: "BF",
    ArchiveCategory.ACTIVITIES: "WT",
    ArchiveCategory.TRAINING: "PX",
    ArchiveCategory.WOMEN: "NG",
    ArchiveCategory.FUNDS: "JF",
}

# A year's archives are complete (档案齐全) when each of these has at least one item.
REQUIRED_CATEGORIES: tuple[str, ...] = (
    ArchiveCategory.ORGANISATION,
    ArchiveCategory.DEMOCRACY,
    ArchiveCategory.CONGRESS,
    ArchiveCategory.RULES,
    ArchiveCategory.MINUTES,
    ArchiveCategory.ACTIVITIES,
)


class ArchiveKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    NOTICE = "notice", _("Notice")
    PHOTO = "photo", _("Photos")
    VIDEO = "video", _("Video")
    ACTIVITY_SUMMARY = "summary", _("Activity summary")
    RULE = "rule", _("Rule")
    MINUTES = "minutes", _("Minutes")


class Retention(models.TextChoices):
    """保管期限: how long an item is kept before it is reviewed for disposal (鉴定)."""

    PERMANENT = "permanent", _("Permanent")
    YEARS_30 = "30", _("30 years")
    YEARS_10 = "10", _("10 years")


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Open to members")
    STAFF = "staff", _("Union staff only")
    CHAIRMAN = "chairman", _("Chairman only")


class ArchiveSequence(models.Model):
    """The last sequence number given in one year and category: numbers only ever go up, so a
    deleted item's number is never given again."""

    year = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=20, choices=ArchiveCategory.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "category"], name="archives_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.category}: {self.last}"


class ArchiveItem(models.Model):
    """One archived item (一件): a document, notice, set of photos, video, activity summary, rule
    or minutes, with its files, item number, retention period and access level."""

    number = models.CharField(_("item number"), max_length=60, unique=True, editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    category = models.CharField(_("category"), max_length=20, choices=ArchiveCategory.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ArchiveKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    retention = models.CharField(_("retention period"), max_length=10, choices=Retention.choices)
    review_on = models.DateField(
        _("review for disposal on"), null=True, blank=True, editable=False,
        help_text=_("Empty for permanent items."),
    )  # fmt: skip
    access = models.CharField(
        _("access"), max_length=10, choices=AccessLevel.choices, default=AccessLevel.STAFF
    )
    # Where the item came from elsewhere on the platform (kept if that record goes away).
    activity = models.OneToOneField(
        "activities.Activity", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("activity"),
    )  # fmt: skip
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=SET_NULL_IN_UNIONS, null=True, blank=True, related_name="+",
        verbose_name=_("page on the site"),
    )  # fmt: skip
    term = models.ForeignKey(
        "committees.Term", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("committee term"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=SET_NULL_IN_UNIONS, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("archived"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "category", "sequence"]
        verbose_name = _("archive item")
        verbose_name_plural = _("archive items")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "sequence"], name="archives_item_sequence_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(retention="permanent") & models.Q(review_on__isnull=True))
                | (~models.Q(retention="permanent") & models.Q(review_on__isnull=False)),
                name="archives_item_review_on_matches_retention",
            ),
        ]
        indexes = [models.Index(fields=["access", "category", "year"], name="archives_item_browse")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


def archive_file_path(instance: ArchiveFile, filename: str) -> str:
    """Private media: never served from /media/, only through the access-checked file view."""
    extension = os.path.splitext(filename)[1].lower()
    return f"private/archives/{instance.item_id}/{uuid.uuid4().hex}{extension}"


class ArchiveFile(models.Model):
    """One file of an archived item: a scan, a PDF, an Office document, a photo or a video."""

    item = models.ForeignKey(ArchiveItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=archive_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=SET_NULL_IN_UNIONS, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("archive file")
        verbose_name_plural = _("archive files")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


def bundle_path(instance: ArchiveBundle, filename: str) -> str:
    return f"private/archives/bundles/{uuid.uuid4().hex}.zip"


class ArchiveBundle(models.Model):
    """A ZIP of selected items' files with a catalogue inside, built by a task for one staff
    member and downloadable by that person only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="+")
    item_ids = models.JSONField(default=list)
    label = models.CharField(_("selection"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=bundle_path, max_length=200, blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("archive download")
        verbose_name_plural = _("archive downloads")

    def __str__(self) -> str:
        return self.label


class ArchiveYearReport(models.Model):
    """What the union last reported to the federation about one year's archives: which
    categories hold items. Reported again only when that changes (idempotent)."""

    year = models.PositiveSmallIntegerField(unique=True)
    categories = models.JSONField(default=list)
    complete = models.BooleanField(default=False)
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
