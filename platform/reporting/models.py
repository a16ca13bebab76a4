"""Information reports (信息报送) as the federation received them from the unions.

A union's ``report.sent`` outbox event arrives here through ``services.received_report_receive``,
called by the union's outbox delivery inside its transaction, keyed by the event id: delivering
the same event twice changes nothing. A report carries union work information (news, practice,
figures), never workers' personal data. Federation staff read them on the portal, each the
unions they oversee, and mark them read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_ON_PORTAL


class ReceivedReport(models.Model):
    """One information report a union sent up, as the federation received it: the union and
    its district (from the registry at receipt), the report's title, category and content, and
    whether federation staff have read it."""

    event_id = models.UUIDField(unique=True, editable=False)
    report_uuid = models.UUIDField(_("report"), editable=False)
    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="received_reports", verbose_name=_("union")
    )
    district = models.ForeignKey(
        "federation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("district"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20)
    category_label = models.CharField(_("category"), max_length=50, blank=True)
    content = models.TextField(_("content"))
    written_on = models.DateField(_("date"))
    sent_at = models.DateTimeField(_("sent"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_ON_PORTAL, related_name="+",
        verbose_name=_("read by"),
    )  # fmt: skip

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("received report")
        verbose_name_plural = _("received reports")
        indexes = [models.Index(fields=["district", "received_at"], name="received_report_district")]

    def __str__(self) -> str:
        return self.title
