"""Indexing operations the engine did not take: kept in the public schema until a sweep applies
them (``search.pending``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingIndexOp(models.Model):
    """One record (or one whole union) whose documents are out of date because the engine could
    not be reached: the indexing task gave up after its retries, or could not be queued.

    One row per (schema, kind, object id): a newer failure replaces the operation of an older
    one. A whole union's documents are one row with an empty kind and object id. The sweep
    (``search.pending.pending_sweep``) applies a row from the database as it is then, never
    from what the row says: ``operation`` only tells operators what was due.
    """

    class Operation(models.TextChoices):
        INDEX = "index", _("index")
        DELETE = "delete", _("delete")
        UNION_INDEX = "union_index", _("index the whole union")
        UNION_REMOVE = "union_remove", _("remove the whole union")

    schema_name = models.CharField(_("schema"), max_length=63)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    operation = models.CharField(_("operation"), max_length=20, choices=Operation.choices)
    #: Sweeps that tried to apply it and failed.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    #: The database's clock when it was last recorded (a sweep deletes it only if unchanged).
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("pending search indexing")
        verbose_name_plural = _("pending search indexing")
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "kind", "object_id"], name="search_pending_one_per_object"
            )
        ]
        indexes = [models.Index(fields=["recorded_at"], name="search_pending_recorded")]

    def __str__(self) -> str:
        return f"{self.operation} {self.schema_name}:{self.kind}:{self.object_id}"
