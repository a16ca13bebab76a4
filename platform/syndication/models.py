"""Federation notices and policies (通知公告、政策文件) pushed down to the unions' sites.

The federation portal (public schema) writes them; every union's site reads the published,
not withdrawn ones addressed to it (to all unions, or to the union's district). The public schema
is on every union's search path, and these rows are the federation's own published content,
never a union's data. Read receipts are kept here too, one row per notice and union.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_ON_PORTAL


def notice_storage() -> FileSystemStorage:
    """The federation's own files, under MEDIA_ROOT whatever schema reads them: the default
    storage keys files by the current schema, and a union's site must find the portal's PDF."""
    return _STORAGE


_STORAGE = FileSystemStorage()  # location follows settings.MEDIA_ROOT (also when tests change it)


class FederationNotice(models.Model):
    """One notice or policy document published by a city or district federation, addressed to
    every union (``to_all``) or to the unions of chosen districts; withdrawn ones stay on record
    but disappear from the unions' sites."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        POLICY = "policy", _("Policy document")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    attachment = models.FileField(
        _("attachment (PDF)"), upload_to="syndication/notices/%Y/", storage=notice_storage, blank=True
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    to_all = models.BooleanField(_("to all unions"), default=False)
    districts = models.ManyToManyField(
        "federation.District", blank=True, related_name="federation_notices", verbose_name=_("districts")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_ON_PORTAL, related_name="+",
        verbose_name=_("author"),
    )  # fmt: skip
    published_at = models.DateTimeField(_("published"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("federation notice")
        verbose_name_plural = _("federation notices")
        indexes = [models.Index(fields=["withdrawn_at", "published_at"], name="fed_notice_live")]
        constraints = [
            models.CheckConstraint(
                name="fed_notice_withdrawn_after_published",
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("published_at")),
            ),
            models.CheckConstraint(name="fed_notice_title_not_blank", condition=~models.Q(title="")),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """That a union's staff read a notice: one row per notice and union (public schema, keyed by
    the union, so the federation can later count who has read what without entering a union)."""

    notice = models.ForeignKey(FederationNotice, on_delete=models.CASCADE, related_name="receipts")
    union = models.ForeignKey("registry.Union", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read"))
    read_by_name = models.CharField(_("read by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("notice read receipt")
        verbose_name_plural = _("notice read receipts")
        constraints = [models.UniqueConstraint(fields=["notice", "union"], name="notice_receipt_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.union_id}"
