"""Receiving approval requests from the unions, and district or city staff deciding them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.shards import shared_alias, shared_atomic
from workershome.tenancy import on_commit_in_schema, on_portal

from .models import ApprovalRequest
from .registry import approval_kind
from .selectors import approval_requests_visible_to


@shared_atomic(savepoint=False)
def approval_request_receive(
    *,
    union_schema: str,
    event_id: uuid.UUID | str,
    kind: str,
    object_uuid: uuid.UUID | str,
    title: str,
    summary: list[dict[str, Any]],
    submitted_at: datetime.datetime,
) -> tuple[ApprovalRequest, bool]:
    """Store a union's request once per outbox event id; returns (row, created).

    Runs inside the union's outbox delivery transaction (its search path reaches these public
    tables). An unknown kind or a malformed summary raises ``ValueError``: a programming error;
    the event stays undelivered until it is fixed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("approval_request_receive must run inside the delivery's transaction")
    existing = ApprovalRequest.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    if approval_kind(kind) is None:
        raise ValueError(f"unknown approval kind {kind!r}")
    if not isinstance(summary, list) or not all(
        isinstance(row, dict) and {"label", "value"} <= set(row) for row in summary
    ):
        raise ValueError("an approval summary is a list of {label, value} rows")
    union = Union.objects.get(schema_name=union_schema)
    request = ApprovalRequest.objects.create(
        event_id=event_id,
        union=union,
        district_id=union.district_id,  # where the registry places the union now
        kind=kind,
        object_uuid=object_uuid,
        title=str(title)[:200],
        summary=[{"label": str(row["label"]), "value": str(row["value"])} for row in summary],
        submitted_at=submitted_at,
    )
    return request, True


@shared_atomic
def approval_request_decide(
    *, approval: ApprovalRequest, approve: bool, comment: str = "", by
) -> ApprovalRequest:
    """批准 or 退回: an administrator of the union's district, or of the city, decides a pending
    request once; the decision goes back to the union (a task in its schema) after commit."""
    if not on_portal() or not approval_requests_visible_to(by).filter(pk=approval.pk).exists():
        raise ServiceError(
            "approval_forbidden",
            _("Only the administrators of this union's district or of the city can decide it."),
            status=404,
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ServiceError(
            "approval_comment_missing", _("Say why the request is returned, so the union can fix it."),
            field="comment",
        )  # fmt: skip
    locked = ApprovalRequest.objects.select_for_update().select_related("union").get(pk=approval.pk)
    if locked.status != ApprovalRequest.Status.PENDING:
        raise Conflict("approval_decided", _("This request has already been decided."))
    locked.status = ApprovalRequest.Status.APPROVED if approve else ApprovalRequest.Status.RETURNED
    locked.comment = comment[:2000]
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.decided_by_name = (by.get_full_name() or by.username)[:50]
    locked.save(update_fields=["status", "comment", "decided_at", "decided_by", "decided_by_name"])
    kind = approval_kind(locked.kind)
    if kind is not None:
        approval_id = locked.pk
        task = kind.decided_task
        # robust: the union's pages read the decision live from this row; a lost task only
        # delays the union's status change and the chairman's notice (a periodic sweep repeats it).
        on_commit_in_schema(
            lambda: task.delay(approval_id=approval_id),
            schema=locked.union.schema_name,
            robust=True,
            using=shared_alias(),
        )
    return locked
