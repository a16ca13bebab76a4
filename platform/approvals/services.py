"""Receiving approval requests from the unions, and district or city staff deciding them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from federation.models import FederationRole
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.shards import shared_alias, shared_atomic
from workershome.tenancy import current_schema, on_commit_in_schema, on_portal

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
    _arrival_tell_on_commit(request)
    return request, True


def _arrival_tell_on_commit(approval: ApprovalRequest) -> None:
    """After the delivery commits, a task on the public schema tells the deciding administrators.
    robust: the request is on the approvals page whatever happens to the notice."""
    from .tasks import approval_arrival_tell_task

    approval_id = approval.pk
    on_commit_in_schema(
        lambda: approval_arrival_tell_task.delay(approval_id=approval_id),
        schema=get_public_schema_name(),
        robust=True,
        using=shared_alias(),
    )


def approval_recipients(approval: ApprovalRequest) -> list:
    """Portal users who decide a request: the administrators of its district, or the city's
    administrators when the district has none (or the union has no district). Public schema."""
    from tenants.users.models import User

    roles = FederationRole.objects.filter(user__is_active=True)
    ids = set(
        roles.filter(kind=FederationRole.Kind.DISTRICT_ADMIN, district=approval.district_id).values_list(
            "user_id", flat=True
        )
        if approval.district_id
        else []
    )
    if not ids:
        ids = set(roles.filter(kind=FederationRole.Kind.CITY_ADMIN).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def approval_notice_key(approval: ApprovalRequest) -> str:
    """``approval:<object>:<request>``: one notice per request; a later request about the same
    union object (a re-submission) replaces the notices of earlier ones still unread."""
    return f"approval:{approval.object_uuid}:{approval.pk}"


def approval_arrival_tell(*, approval_id: int) -> int:
    """On the public schema: tell the deciding administrators in their portal notifications that
    a request arrived (or came back after a return) — its title, the union, the kind and when it
    was submitted, linked to its approval page; never the summary (read there, signed in). Once
    per request: a repeated task tells nobody twice. Returns how many were addressed."""
    from portal_notifications.models import NotificationKind
    from portal_notifications.services import portal_notify

    if current_schema() != get_public_schema_name():
        raise RuntimeError("approval_arrival_tell runs on the public schema")
    approval = ApprovalRequest.objects.select_related("union").filter(pk=approval_id).first()
    if approval is None or approval.status != ApprovalRequest.Status.PENDING:
        return 0  # decided before the notice went out: nothing left to ask of anyone
    resubmitted = (
        ApprovalRequest.objects.filter(
            kind=approval.kind, object_uuid=approval.object_uuid, status=ApprovalRequest.Status.RETURNED,
            pk__lt=approval.pk,
        )
        .exists()
    )  # fmt: skip
    kind = approval_kind(approval.kind)
    with translation.override("zh-hans"):
        params = {"title": approval.title, "union": approval.union.name}
        title = (
            gettext("Re-submitted for approval: %(title)s (%(union)s)") % params
            if resubmitted
            else gettext("Approval requested: %(title)s (%(union)s)") % params
        )
        body = gettext("%(kind)s, submitted %(when)s. Approve or return it on the approvals page.") % {
            "kind": str(kind.label) if kind is not None else approval.kind,
            "when": formats.date_format(timezone.localtime(approval.submitted_at), "Y-m-d H:i"),
        }
    key = approval_notice_key(approval)
    return portal_notify(
        recipients=approval_recipients(approval), kind=NotificationKind.APPROVAL, title=title, body=body,
        link=f"/admin/approvals/{approval.pk}/", key=key, replaces=key.rsplit(":", 1)[0] + ":",
    )  # fmt: skip


def _notices_settle(approval: ApprovalRequest) -> None:
    """Once one administrator decided, the request's "approval requested" notices still unread
    by the others are marked read: nothing is left for them to do (the list keeps them)."""
    from portal_notifications.models import PortalNotification

    PortalNotification.objects.filter(key=approval_notice_key(approval), read_at__isnull=True).update(
        read_at=timezone.now()
    )


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
    _notices_settle(locked)
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
